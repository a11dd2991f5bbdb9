"""The catalogue's vocabulary on SQLite too (tilbud.services.sokevokter): the table
`tilbud_sokeordliste`, filled by the keeper's SQLite triggers with the words of what the ORM
search matches, so that the embedded default corrects typos as PostgreSQL does
(tilbud.sok.orm). PostgreSQL has had the table since 0007: nothing changes there."""

from django.db import migrations

from tilbud.services import sokevokter

SOKERAD_EGNE = [
    "rhf_id", "organisasjon_id", "status", "fagomrade", "alder_fra", "alder_til",
    "sted_lat", "sted_lon", "navn", "digital",
]  # fmt: skip


def installer(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        sokevokter.installer(schema_editor, SOKERAD_EGNE)


class Migration(migrations.Migration):
    dependencies = [
        ("tilbud", "0018_mottak"),
    ]

    # Backwards the table and its triggers stay: 0016's schema works with them.
    operations = [migrations.RunPython(installer, migrations.RunPython.noop)]
