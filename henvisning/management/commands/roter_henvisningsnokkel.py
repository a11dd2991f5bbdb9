"""Re-encrypt the referrals with the newest key in HENVISNING_NOKKEL (README, «Drift»)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from henvisning import krypto
from henvisning.nokkelrotasjon import PARTI, roter


class Command(BaseCommand):
    help = (
        "Krypterer alle krypterte felt i henvisningene på nytt med den nyeste nøkkelen (den "
        "første i HENVISNING_NOKKEL). Kan avbrytes og kjøres igjen: det som alt har den nyeste "
        "nøkkelen, hoppes over."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--parti", type=int, default=PARTI, help="Rader per transaksjon.")

    def handle(self, *args: Any, parti: int, **options: Any) -> None:
        if parti < 1:
            raise CommandError("--parti må være minst 1.")
        if len(krypto.fernet_nokler_satt()) < 2:
            self.stdout.write(
                "Bare én nøkkel er satt: alt krypteres med den (ingenting å rotere fra)."
            )
        try:
            resultat = roter(parti=parti, skriv=self.stdout.write)
        except krypto.Nokkelfeil as feil:
            raise CommandError(str(feil)) from feil
        self.stdout.write(
            f"Ferdig: {resultat.rotert} verdier kryptert på nytt, {resultat.allerede_nye} hadde "
            f"alt den nyeste nøkkelen ({resultat.rader} rader)."
        )
        if resultat.uleselige:
            eksempler = ", ".join(f"{t} id {pk} ({k})" for t, pk, k in resultat.uleselige[:10])
            raise CommandError(
                f"{len(resultat.uleselige)} verdier kan ikke dekrypteres med noen av nøklene "
                f"({eksempler}). Kontrollverdien er ikke rotert: ikke fjern noen gammel nøkkel før "
                "dette er løst."
            )
        self.stdout.write(
            "Kontrollverdien har den nyeste nøkkelen. Den gamle nøkkelen kan nå fjernes fra "
            "HENVISNING_NOKKEL."
        )
