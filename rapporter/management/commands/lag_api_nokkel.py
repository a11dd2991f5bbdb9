"""`manage.py lag_api_nokkel --navn … --eier …`: create an analyst key and print it once."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rapporter.services import api_nokkel_opprett


def _tidspunkt(tekst: str) -> datetime:
    verdi = datetime.fromisoformat(tekst)
    return timezone.make_aware(verdi) if timezone.is_naive(verdi) else verdi


class Command(BaseCommand):
    help = "Lager en API-nøkkel for en analytikerklient. Nøkkelen vises bare denne ene gangen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--navn", required=True, help="Hva nøkkelen brukes til.")
        parser.add_argument("--eier", required=True, help="Organisasjon eller person.")
        parser.add_argument(
            "--gyldig-til",
            type=_tidspunkt,
            default=None,
            help="Utløpstidspunkt, ISO 8601 (uten tidssone: norsk tid). Standard: ingen utløp.",
        )

    def handle(self, *args: Any, navn: str, eier: str, gyldig_til: datetime | None, **options: Any):
        try:
            nokkel, klartekst = api_nokkel_opprett(navn=navn, eier=eier, gyldig_til=gyldig_til)
        except ValidationError as feil:
            raise CommandError("; ".join(feil.messages)) from None
        self.stdout.write(f"Laget API-nøkkel {nokkel.prefiks} «{nokkel.navn}» for {nokkel.eier}.")
        self.stdout.write("Nøkkelen vises bare nå; den lagres ikke og kan ikke hentes igjen:")
        self.stdout.write(klartekst)
        self.stdout.write("Bruk: Authorization: Api-Key <nøkkel>")
