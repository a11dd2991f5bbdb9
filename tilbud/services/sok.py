"""Keeps the search columns of Tilbud up to date: `sokeord` (both databases) and, on PostgreSQL,
the weighted `sokevektor` tsvector with the `norwegian` configuration."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Prefetch

from tilbud.models import Lokasjon, Tilbud

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
    """Short lower-case text of what a tilbud is called and for whom: the typo-tolerant trigram
    match runs on it (kept short so a typo does not match every long description), and SQLite
    searches it. Lower-cased in Python so that æ, ø and å compare right on SQLite too."""
    deler = [
        tilbud.navn,
        tilbud.organisasjon.navn,
        tilbud.kategori,
        tilbud.get_fagomrade_display(),
        *(m.navn for m in tilbud.malgrupper.all()),
        *(str(d) for d in tilbud.diagnoser),
    ]
    return " ".join(" ".join(d.split()) for d in deler if d).lower()


def sted(tilbud: Tilbud) -> tuple[float | None, float | None]:
    """Mean point of the tilbud's sites (their kommuner); None without sites."""
    punkter = [(float(lok.kommune.lat), float(lok.kommune.lon)) for lok in tilbud.lokasjoner.all()]
    if not punkter:
        return None, None
    return (
        round(sum(p[0] for p in punkter) / len(punkter), 5),
        round(sum(p[1] for p in punkter) / len(punkter), 5),
    )


def oppdater_sokeindeks(ider: Iterable[int] | None = None) -> int:
    """Recompute the search columns for the given tilbud (all when None); returns how many."""
    qs = Tilbud.objects.select_related("organisasjon").prefetch_related(
        "malgrupper", Prefetch("lokasjoner", queryset=Lokasjon.objects.select_related("kommune"))
    )
    if ider is not None:
        ider = list(ider)
        qs = qs.filter(id__in=ider)
    endrede = []
    for tilbud in qs.iterator(chunk_size=2000):
        sokeord = bygg_sokeord(tilbud)
        lat, lon = sted(tilbud)
        if (tilbud.sokeord, tilbud.sted_lat, tilbud.sted_lon) != (sokeord, lat, lon):
            tilbud.sokeord, tilbud.sted_lat, tilbud.sted_lon = sokeord, lat, lon
            endrede.append(tilbud)
    Tilbud.objects.bulk_update(endrede, ["sokeord", "sted_lat", "sted_lon"], batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if ider is None:
                cursor.execute(_VEKTOR_SQL)
            else:
                cursor.execute(_VEKTOR_SQL + " AND t.id = ANY(%s)", [ider])
    return len(endrede)
