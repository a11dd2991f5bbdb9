"""`manage.py lag_demodata`: demo users for every role (password `demo`) and a handful of demo
referrals, for `make run`. Idempotent; refuses unless DEBUG (development settings)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from henvisning.demodata import DemodataNektet, lag_demodata


class Command(BaseCommand):
    help = (
        "Lager demobrukere for hver rolle (passord «demo») og noen demohenvisninger. "
        "Bare i utvikling."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # The demo referrals' e-mail notices go to demo.invalid addresses: not printed.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                res = lag_demodata(skriv=self.stdout.write)
        except DemodataNektet as feil:
            raise CommandError(str(feil)) from feil
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata klar: {res.nye_brukere} nye brukere, "
                f"{res.nye_henvisninger} nye henvisninger."
            )
        )
