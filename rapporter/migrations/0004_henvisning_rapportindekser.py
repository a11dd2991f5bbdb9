"""Two indexes on the referral tables for the regional summaries (PostgreSQL only).

The summaries read the referrals of one year and the starts of treatment in it, once per region
and rebuild (rapporter.henvisningstall). Without these, each rebuild reads the whole referral
table and the whole status log; with them, index-only scans of the year (bench/README.md: about
1.4 s less for the largest region at 1 000 000 referrals). They live here, not in
henvisning.models, because only these reports query this way; the names say whose they are.
Created CONCURRENTLY, so that a deploy does not block writes to the referral tables.
"""

from django.db import migrations

INDEKSER = [
    (
        "rapporter_statusendring_startet_idx",
        "henvisning_statusendring (henvisning_id, tidspunkt) WHERE til_status = 'startet'",
    ),
    (
        "rapporter_henvisning_sendt_idx",
        "henvisning_henvisning (sendt) INCLUDE "
        "(id, rhf_id, tilbud_id, status, utfall, vurdert, lukket, vurderingsfrist)",
    ),
]


def lag(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for navn, definisjon in INDEKSER:
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {navn} ON {definisjon}")


def fjern(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for navn, _definisjon in INDEKSER:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {navn}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("henvisning", "0001_initial"),
        ("rapporter", "0003_henvisningstall"),
    ]

    operations = [migrations.RunPython(lag, fjern)]
