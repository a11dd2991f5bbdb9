"""Keeps the search columns of Tilbud up to date: `sokeord` (both databases) and, on PostgreSQL,
the weighted `sokevektor` tsvector with the `norwegian` configuration."""

from collections.abc import Iterable

from django.db import connection

from tilbud.models import Tilbud

# A: what the tilbud and its provider are called; B: who it is for; C: what happens.
_VEKTOR_SQL = """
UPDATE tilbud_tilbud AS t SET sokevektor =
    setweight(to_tsvector('norwegian', t.navn || ' ' || o.navn), 'A')
 || setweight(to_tsvector('norwegian',
        coalesce((SELECT string_agg(m.navn, ' ') FROM tilbud_tilbud_malgrupper tm
                  JOIN tilbud_malgruppe m ON m.id = tm.malgruppe_id
                  WHERE tm.tilbud_id = t.id), '')
        || ' ' || t.kategori || ' ' || t.malgruppe_tekst || ' ' || t.diagnoser::text), 'B')
 || setweight(to_tsvector('norwegian',
        t.innhold || ' ' || t.behandlingsform_tekst || ' ' || t.deltilbud::text), 'C')
FROM tilbud_organisasjon AS o
WHERE o.id = t.organisasjon_id
"""


def bygg_sokeord(tilbud: Tilbud) -> str:
    """Lower-case text of the fields GPs search by; lower-cased in Python so that æ, ø and å
    compare correctly on SQLite too (its LIKE folds ASCII only)."""
    deler = [
        tilbud.navn,
        tilbud.organisasjon.navn,
        tilbud.kategori,
        tilbud.get_fagomrade_display(),
        *(m.navn for m in tilbud.malgrupper.all()),
        *(str(d) for d in tilbud.diagnoser),
        tilbud.malgruppe_tekst,
    ]
    return " ".join(" ".join(d.split()) for d in deler if d).lower()


def oppdater_sokeindeks(ider: Iterable[int] | None = None) -> int:
    """Recompute the search columns for the given tilbud (all when None); returns how many."""
    qs = Tilbud.objects.select_related("organisasjon").prefetch_related("malgrupper")
    if ider is not None:
        ider = list(ider)
        qs = qs.filter(id__in=ider)
    endrede = []
    for tilbud in qs.iterator(chunk_size=2000):
        sokeord = bygg_sokeord(tilbud)
        if tilbud.sokeord != sokeord:
            tilbud.sokeord = sokeord
            endrede.append(tilbud)
    Tilbud.objects.bulk_update(endrede, ["sokeord"], batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if ider is None:
                cursor.execute(_VEKTOR_SQL)
            else:
                cursor.execute(_VEKTOR_SQL + " AND t.id = ANY(%s)", [ider])
    return len(endrede)
