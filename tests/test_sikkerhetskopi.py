"""Backup and restore: the procedure documented in README.md («Sikkerhetskopi»), run as written
against a real PostgreSQL, restores the whole catalogue with its history into an empty database
with every row of every table equal, and the restored database works (its triggers included)."""

import os
import re
import shlex
import subprocess
import uuid
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import bruker_med_rolle
from tilbud.models import Tilbud
from tilbud.services.redigering import tilbud_oppdater

README = Path(__file__).resolve().parent.parent / "README.md"

pytestmark = pytest.mark.django_db(transaction=True)


def dokumenterte_kommandoer() -> list[str]:
    """The shell commands of README's backup section, in order."""
    tekst = README.read_text(encoding="utf-8")
    del_ = tekst.split("### Sikkerhetskopi", 1)[1]
    blokk = re.search(r"```sh\n(.*?)```", del_, re.S).group(1)
    return [linje for linje in blokk.splitlines() if linje and not linje.startswith("#")]


def innhold(dsn: dict) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent digest of every table in the public schema."""
    med = psycopg2.connect(**dsn)
    try:
        with med.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
            tabeller = [rad[0] for rad in cursor.fetchall()]
            ut = {}
            for tabell in tabeller:
                rader = "string_agg(t::text, '|' ORDER BY t::text)"
                cursor.execute(f"SELECT count(*), md5(coalesce({rader}, '')) FROM \"{tabell}\" t")
                ut[tabell] = cursor.fetchone()
            return ut
    finally:
        med.close()


def test_documented_backup_restores_everything_into_an_empty_database(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the backup procedure is pg_dump/pg_restore: PostgreSQL only")
    call_command("importer_katalog", stdout=StringIO())
    # A change with a reason, so the history has more than the import in it.
    tilbud = Tilbud.objects.get(kilde_id="s4_6_1_12_1")
    tilbud_oppdater(
        tilbud_id=tilbud.pk,
        versjon=tilbud.versjon,
        endringer={"kontakt": "75 53 40 00"},
        bruker=bruker_med_rolle("koordinator", rhf="HN"),
        grunn="Nytt sentralbordnummer",
    )

    kilde = connection.get_connection_params()
    kilde = {k: kilde[k] for k in ("host", "port", "user", "dbname") if kilde.get(k)}
    mal = f"{kilde['dbname']}_gjenopprettet_{uuid.uuid4().hex[:8]}"
    miljo = {
        **os.environ,
        "PGHOST": str(kilde.get("host", "127.0.0.1")),
        "PGPORT": str(kilde.get("port", 5432)),
        "PGUSER": str(kilde.get("user", "postgres")),
    }
    url = f"postgresql:///{kilde['dbname']}"
    kommandoer = dokumenterte_kommandoer()
    assert [k.split()[0] for k in kommandoer] == ["pg_dump", "createdb", "pg_restore"]
    try:
        for kommando in kommandoer:
            # As a shell would run it: $VARIABLES from the environment, then words.
            ord_ = shlex.split(os.path.expandvars(kommando.replace("$DATABASE_URL", url)))
            ord_ = [o.replace("helsearbeid_ny", mal) for o in ord_]
            kjort = subprocess.run(  # noqa: S603 - the commands documented in README
                ord_, cwd=tmp_path, env=miljo, capture_output=True, text=True
            )
            assert kjort.returncode == 0, (kommando, kjort.stderr)

        for_ = innhold(kilde)
        etter = innhold({**kilde, "dbname": mal})
        assert for_ == etter
        # The catalogue, its history (the import and the change above) and the search table.
        assert for_["tilbud_tilbud"][0] > 60
        assert for_["tilbud_tilbudevent"][0] > for_["tilbud_tilbud"][0]
        assert for_["tilbud_sokerad"][0] == for_["tilbud_tilbud"][0]

        # The restored database is alive: its triggers keep the search table and history.
        med = psycopg2.connect(**{**kilde, "dbname": mal})
        try:
            with med, med.cursor() as cursor:
                cursor.execute(
                    "UPDATE tilbud_tilbud SET navn = 'Gjenopprettet' WHERE kilde_id = %s",
                    ["s4_6_1_12_1"],
                )
                cursor.execute(
                    "SELECT s.navn FROM tilbud_sokerad s JOIN tilbud_tilbud t "
                    "ON t.id = s.tilbud_id WHERE t.kilde_id = %s",
                    ["s4_6_1_12_1"],
                )
                assert cursor.fetchone()[0] == "Gjenopprettet"
        finally:
            med.close()
    finally:
        subprocess.run(["dropdb", "--if-exists", mal], env=miljo, capture_output=True)  # noqa: S603,S607
