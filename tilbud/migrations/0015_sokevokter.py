"""One keeper of the derived search data (tilbud.services.sokevokter): on PostgreSQL its
triggers replace those of migrations 0007/0010 and keep sokeord, sokevektor, the point, the
search table and the vocabulary from every table they are made of (organisations, sites,
kommuner and målgrupper too); on SQLite its triggers keep sokeord and the point. The covering
indexes of 0007/0009/0010 stay as they are.

The SQL is the keeper's (written once, there); this migration freezes the search table's column
list, so that a later migration adding a column installs the keeper again with its own list."""

import importlib

from django.db import migrations

from tilbud.services import sokevokter

SOKERAD_EGNE = [
    "rhf_id", "organisasjon_id", "status", "fagomrade", "alder_fra", "alder_til",
    "sted_lat", "sted_lon", "navn",
]  # fmt: skip


def installer(apps, schema_editor):
    sokevokter.installer(schema_editor, SOKERAD_EGNE)


def tilbake(apps, schema_editor):
    """Back to the triggers of 0007/0010 (PostgreSQL); SQLite had none."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in sokevokter.SQLITE_FJERN:
            schema_editor.execute(sql)
        return
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in sokevokter.PG_FJERN:
        schema_editor.execute(sql)
    m0007 = importlib.import_module("tilbud.migrations.0007_sokerad")
    m0010 = importlib.import_module("tilbud.migrations.0010_sokerad_kommuner_utenfor")
    for sql in m0007.OPPRETT:
        if "CREATE TRIGGER sokerad_" in sql or (
            "CREATE FUNCTION tilbud_sokerad_" in sql
            and "CREATE FUNCTION tilbud_sokerad_oppdater" not in sql
        ):
            schema_editor.execute(sql)
    schema_editor.execute(m0010._oppdater(m0010._ETTER, med_utenfor=True))


class Migration(migrations.Migration):
    dependencies = [
        ("tilbud", "0014_henviser_hpr"),
    ]

    operations = [migrations.RunPython(installer, tilbake)]
