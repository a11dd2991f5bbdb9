"""`manage.py importer_katalog`: geography, diagnosis codes and the catalogue from fixtures/."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tilbud.services.katalog_import import ImportFeil, importer_katalog, standard_kilde


class Command(BaseCommand):
    help = (
        "Importerer geografi, diagnosekoder og Helse og arbeid-katalogen fra fixtures/. "
        "Idempotent: en ny kjøring endrer ingenting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Vis hva som ville blitt endret, uten å lagre noe.",
        )
        parser.add_argument(
            "--kilde", type=Path, default=None, help="Mappe med kildefilene (standard: fixtures/)."
        )

    def handle(self, *args: Any, dry_run: bool, kilde: Path | None, **options: Any) -> None:
        kilde = kilde or standard_kilde()
        start = time.monotonic()
        modus = " (tørrkjøring: ingenting lagres)" if dry_run else ""
        self.stdout.write(f"Importerer katalogen fra {kilde}{modus}")
        try:
            rapport = importer_katalog(kilde=kilde, dry_run=dry_run, melding=self.stdout.write)
        except ImportFeil as feil:
            raise CommandError(f"Import stoppet, ingenting er lagret. {feil}") from None
        per_rhf = ", ".join(f"{k} {n}" for k, n in rapport.tilbud_per_rhf.items())
        self.stdout.write(f"Aktive tilbud per RHF: {per_rhf}")
        sekunder = time.monotonic() - start
        self.stdout.write(
            self.style.SUCCESS(
                f"Ferdig på {sekunder:.1f} s: {rapport.nye} nye, {rapport.endret} endret{modus}."
            )
        )
