"""`manage.py lag_token <brukernavn>`: a token for a user, printed once (replaces DRF's
drf_create_token, whose tokens were stored in clear text and never ended). For operations (an
integration's service user, the load test); people make their own with POST /api/v1/token/."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from helsearbeid.tokens.services import token_opprett


def _timer(tekst: str) -> float:
    try:
        verdi = float(tekst)
    except ValueError:
        raise CommandError(f"--timer må være et tall, ikke «{tekst}».") from None
    if not 0 < verdi <= 24 * 366:
        raise CommandError("--timer må være mellom 0 og 8784 (ett år).")
    return verdi


class Command(BaseCommand):
    help = "Lager et API-token for en bruker. Tokenet vises bare denne ene gangen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("brukernavn")
        parser.add_argument("--navn", default="", help="Hva tokenet brukes til.")
        parser.add_argument(
            "--timer", default=None, help="Gyldighet i timer. Standard: API_TOKEN_TIMER (8)."
        )

    def handle(self, *args: Any, brukernavn: str, navn: str, timer: str | None, **options: Any):
        bruker = get_user_model().objects.filter(username=brukernavn).first()
        if bruker is None:
            raise CommandError(f"Fant ingen bruker med brukernavnet «{brukernavn}».")
        if not bruker.is_active:
            raise CommandError(f"Brukeren «{brukernavn}» er deaktivert.")
        token, klartekst = token_opprett(
            bruker=bruker, navn=navn[:100], timer=None if timer is None else _timer(timer)
        )
        gyldig = token.gyldig_til.isoformat(timespec="minutes")
        self.stdout.write(f"Laget token {token.prefiks} for {brukernavn}, gyldig til {gyldig}.")
        self.stdout.write("Tokenet vises bare nå; det lagres ikke og kan ikke hentes igjen:")
        self.stdout.write(klartekst)
        self.stdout.write("Bruk: Authorization: Token <token>")
