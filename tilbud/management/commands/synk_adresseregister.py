"""`manage.py synk_adresseregister`: bring the AR copy up to date (full export or events)."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from helsearbeid.adresseregister import ArUtilgjengelig, ar_klient
from tilbud.services.adresseregister import synk_med_forsok


class Command(BaseCommand):
    help = (
        "Synkroniserer med Adresseregisteret: full eksport første gang (eller når markøren er "
        "utløpt), deretter hendelsene etter den lagrede markøren. Trygg å kjøre på nytt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--forsok", type=int, default=3, help="Antall forsøk når AR ikke svarer (standard 3)."
        )
        parser.add_argument(
            "--pause",
            type=float,
            default=5.0,
            help="Sekunder før andre forsøk; dobles for hvert forsøk (standard 5).",
        )

    def handle(self, *args: Any, forsok: int, pause: float, **options: Any) -> None:
        if forsok < 1 or pause < 0:
            raise CommandError("--forsok må være minst 1 og --pause ikke negativ.")
        try:
            klient = ar_klient()
        except ImproperlyConfigured as feil:
            raise CommandError(str(feil)) from None
        try:
            synk_med_forsok(
                klient=klient, melding=self.stdout.write, forsok=forsok, forste_pause=pause
            )
        except ArUtilgjengelig as feil:
            raise CommandError(
                f"Adresseregisteret svarte ikke etter {forsok} forsøk: {feil}. "
                "Ingenting halvferdig er lagret; neste kjøring fortsetter fra markøren."
            ) from None
