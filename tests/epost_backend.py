"""The e-mail backend of the processes tests start (tests/arbeider_innstillinger.py): writes
messages to files (Django's file backend), but first fails as many times as the number in the
file TEST_EPOST_FEIL_FIL says (when set), counting it down, with the error an SMTP server that
hangs up gives."""

import smtplib
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend
from django.core.mail.message import EmailMessage


class FeilendeFilEpost(EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sti = getattr(settings, "TEST_EPOST_FEIL_FIL", "")
        feil = Path(sti) if sti else None
        igjen = int(feil.read_text() or 0) if feil is not None and feil.exists() else 0
        if feil is not None and igjen > 0:
            feil.write_text(str(igjen - 1))
            raise smtplib.SMTPServerDisconnected("testfeil: e-posttjeneren la på")
        return super().send_messages(email_messages)
