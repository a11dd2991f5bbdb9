"""The search table learns which of a tilbud's site kommuner lie outside its own region
(`kommuner_utenfor`), with a GIN index: "tilbud of other regions with a site in the patient's
kommune" is then a look-up of those few tilbud instead of every tilbud with a site there (in Oslo
9 000, filtered down to 26). PostgreSQL only; the rows are rebuilt by the same function the
triggers call."""

import django.contrib.postgres.fields
from django.db import migrations, models

_EGNE = [
    "rhf_id", "organisasjon_id", "status", "fagomrade", "alder_fra", "alder_til",
    "sted_lat", "sted_lon", "navn",
]  # fmt: skip


def _oppdater(alle: list[str], med_utenfor: bool) -> str:
    def rad(prefiks: str) -> str:
        return ", ".join(f"{prefiks}.{k}" for k in alle)

    utenfor = (
        """,
               ARRAY(SELECT DISTINCT l.kommune_id FROM tilbud_tilbud_lokasjoner tl
                       JOIN tilbud_lokasjon l ON l.id = tl.lokasjon_id
                       JOIN tilbud_kommune k ON k.nummer = l.kommune_id
                      WHERE tl.tilbud_id = t.id AND k.rhf_id <> t.rhf_id ORDER BY 1)"""
        if med_utenfor
        else ""
    )
    return f"""
    CREATE OR REPLACE FUNCTION tilbud_sokerad_oppdater(ider bigint[]) RETURNS void
    LANGUAGE sql AS $$
        DELETE FROM tilbud_sokerad s
         WHERE s.tilbud_id = ANY(ider)
           AND NOT EXISTS (SELECT 1 FROM tilbud_tilbud t WHERE t.id = s.tilbud_id);
        INSERT INTO tilbud_sokerad AS s (tilbud_id, {", ".join(alle)})
        SELECT t.id, {", ".join(f"t.{k}" for k in _EGNE)},
               ARRAY(SELECT m.malgruppe_id FROM tilbud_tilbud_malgrupper m
                      WHERE m.tilbud_id = t.id ORDER BY 1),
               ARRAY(SELECT b.behandlingsform_id FROM tilbud_tilbud_behandlingsformer b
                      WHERE b.tilbud_id = t.id ORDER BY 1),
               ARRAY(SELECT DISTINCT l.kommune_id FROM tilbud_tilbud_lokasjoner tl
                       JOIN tilbud_lokasjon l ON l.id = tl.lokasjon_id
                      WHERE tl.tilbud_id = t.id ORDER BY 1){utenfor}
          FROM tilbud_tilbud t
         WHERE t.id = ANY(ider)
        ON CONFLICT (tilbud_id) DO UPDATE
           SET ({", ".join(alle)}) = ROW({rad("EXCLUDED")})
         WHERE ({rad("s")}) IS DISTINCT FROM ({rad("EXCLUDED")});
    $$
    """


_FOR = [*_EGNE, "malgrupper", "behandlingsformer", "kommuner"]
_ETTER = [*_FOR, "kommuner_utenfor"]

OPPRETT = [
    "ALTER TABLE tilbud_sokerad ADD COLUMN kommuner_utenfor varchar(4)[] NOT NULL DEFAULT '{}'",
    _oppdater(_ETTER, med_utenfor=True),
    "SELECT tilbud_sokerad_oppdater(ARRAY(SELECT id FROM tilbud_tilbud))",
    "CREATE INDEX tilbud_sokerad_kommuner_utenfor ON tilbud_sokerad USING gin (kommuner_utenfor)",
    "ANALYZE tilbud_sokerad",
]
FJERN = [
    _oppdater(_FOR, med_utenfor=False),
    "DROP INDEX IF EXISTS tilbud_sokerad_kommuner_utenfor",
    "ALTER TABLE tilbud_sokerad DROP COLUMN IF EXISTS kommuner_utenfor",
]


def _kjor(setninger):
    def kjor(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in setninger:
                schema_editor.execute(sql)

    return kjor


class Migration(migrations.Migration):
    dependencies = [
        ("tilbud", "0009_sokerad_tilbyder"),
    ]

    operations = [
        migrations.RunPython(_kjor(OPPRETT), _kjor(FJERN)),
        # Only the model state: the column is made above, on PostgreSQL only.
        migrations.AddField(
            model_name="sokerad",
            name="kommuner_utenfor",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=4), default=list, size=None
            ),
        ),
    ]
