"""A second covering index on the search table, by provider: the ranked search for a patient's
kommune reads its first tiers (the kommune's own HF, the providers with an agreement) as these
providers' ranges instead of the whole region's (tilbud.rangering). PostgreSQL only."""

from django.db import migrations

OPPRETT = """CREATE INDEX IF NOT EXISTS tilbud_sokerad_tilbyder
    ON tilbud_sokerad (organisasjon_id, rhf_id, navn, tilbud_id)
    INCLUDE (status, fagomrade, alder_fra, alder_til, sted_lat, sted_lon, malgrupper,
             behandlingsformer, kommuner)"""
FJERN = "DROP INDEX IF EXISTS tilbud_sokerad_tilbyder"


def _kjor(sql):
    def kjor(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return kjor


class Migration(migrations.Migration):
    dependencies = [
        ("tilbud", "0008_merge_sokerad_versjon"),
    ]

    operations = [migrations.RunPython(_kjor(OPPRETT), _kjor(FJERN))]
