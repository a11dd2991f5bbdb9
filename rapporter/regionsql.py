"""SQL shared by the summary statements on PostgreSQL: the region's units and how to run.

A region's rows cover three kinds of unit, found the same way for the catalogue figures
(rapporter.services.sammendrag) and the referral figures (rapporter.henvisningstall):

- `hf`: the HF and ideelle sykehus of the RHF, `hf_tilbud`: their tilbud;
- `fylke_tilbud`: (tilbud, fylke) for every tilbud with a site in one of the RHF's fylker,
  once per fylke however many sites it has there.

Table names come from the models, so the statements follow a renamed table. The statements run
with a larger `work_mem` for their own transaction only: their sorts and hashes (a few hundred
thousand narrow rows for the largest region) then stay in memory instead of spilling to disk.
"""

from typing import Any

from django.db import connection, transaction

# Enough for the largest region's grouping at 1 000 000 referrals; SET LOCAL, so only for the
# rebuild's own transaction.
ARBEIDSMINNE = "64MB"

ENHETER_CTE = """
hf AS (
    SELECT o.id FROM {organisasjon} o
    WHERE o.rhf_id = %(rhf)s AND o.type = ANY(%(hf_typer)s)
),
hf_tilbud AS (
    SELECT t.id AS tilbud_id, t.organisasjon_id FROM {tilbud} t
    WHERE t.organisasjon_id IN (SELECT id FROM hf)
),
fylke_tilbud AS (
    SELECT DISTINCT tl.tilbud_id, k.fylke_id
    FROM {tilbud_lokasjoner} tl
    JOIN {lokasjon} l ON l.id = tl.lokasjon_id
    JOIN {kommune} k ON k.nummer = l.kommune_id
    JOIN {fylke} f ON f.nummer = k.fylke_id
    WHERE f.rhf_id = %(rhf)s
)"""


def tabeller() -> dict[str, str]:
    from henvisning.models import Henvisning, Statusendring
    from tilbud.models import Fylke, Kommune, Lokasjon, Organisasjon, Tilbud

    return {
        "henvisning": Henvisning._meta.db_table,
        "statusendring": Statusendring._meta.db_table,
        "tilbud": Tilbud._meta.db_table,
        "tilbud_malgrupper": Tilbud.malgrupper.through._meta.db_table,
        "tilbud_lokasjoner": Tilbud.lokasjoner.through._meta.db_table,
        "lokasjon": Lokasjon._meta.db_table,
        "kommune": Kommune._meta.db_table,
        "fylke": Fylke._meta.db_table,
        "organisasjon": Organisasjon._meta.db_table,
    }


def hf_typer() -> list[str]:
    from tilbud.models import Organisasjon

    return [Organisasjon.Type.HF.value, Organisasjon.Type.IDEELL.value]


def kjor(setninger: list[str], parametere: dict[str, Any]) -> list[dict[str, Any]]:
    """Run the statements in one transaction and return the rows of the last one."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{ARBEIDSMINNE}'")
        for sql in setninger:
            cursor.execute(sql, parametere)
        kolonner = [c[0] for c in cursor.description]
        return [dict(zip(kolonner, rad, strict=True)) for rad in cursor.fetchall()]
