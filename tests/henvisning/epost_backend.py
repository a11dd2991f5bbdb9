"""An e-mail backend for the real-worker test: writes messages to files (Django's file backend),
but first fails as many times as the number in HENVISNING_TEST_EPOST_FEIL_FIL says, counting it
down, with the error an SMTP server that hangs up gives."""

import smtplib
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend
from django.core.mail.message import EmailMessage


class FeilendeFilEpost(EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        feil = Path(settings.HENVISNING_TEST_EPOST_FEIL_FIL)
        igjen = int(feil.read_text() or 0) if feil.exists() else 0
        if igjen > 0:
            feil.write_text(str(igjen - 1))
            raise smtplib.SMTPServerDisconnected("testfeil: e-posttjeneren la på")
        return super().send_messages(email_messages)
