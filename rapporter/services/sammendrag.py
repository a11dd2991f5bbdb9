"""Regional summaries: compute with SQL aggregates, write a new generation, swap atomically.

`bygg_sammendrag(rhf_kode)` is the one writer. For one RHF it

1. takes a per-region lock (`pg_advisory_xact_lock` on PostgreSQL; SQLite serialises writers
   itself), so two workers never build the same region at once;
2. computes every figure from the source tables (`beregn_rader`), never incrementally, so a
   rebuild is idempotent and a redelivered task gives the same answer: on PostgreSQL one
   GROUPING SETS statement for the catalogue figures (`KATALOGTALL_SQL`) and one for the
   referral figures (rapporter.henvisningstall); on SQLite the ORM and Python;
3. if the figures equal the latest complete generation's, keeps that one (five duplicate
   requests give one generation); otherwise writes a new generation and marks it complete in the
   same transaction, so readers (`rapporter.selectors.siste_generasjoner`) see the old summary
   or the new one, never half of one;
4. prunes old generations, keeping the newest and the last one of each earlier month (the
   monthly history of the catalogue figures).

`planlegg_ombygging(rhf_kode)` debounces: many catalogue edits within the delay give one rebuild.
"""

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from helsearbeid import oppgaver
from rapporter import regionsql
from rapporter.henvisningstall import (
    INGEN_HENVISNINGER,
    Celle,
    henvisningstall,
    undertrykk_henvisningstall,
)
from rapporter.models import (
    HENVISNINGSFELT,
    RADFELT,
    Folketall,
    Niva,
    Periodetype,
    Sammendragsgenerasjon,
    Sammendragsrad,
)
from tilbud.models import Fylke, Malgruppe, Organisasjon, Tilbud

logger = logging.getLogger(__name__)

# First key of the two-int advisory lock: this app's namespace; the second is the RHF's id.
LAS_NAVNEROM = 7_201_001
# Seconds a burst of edits is collected before one rebuild runs.
STANDARD_FORSINKELSE = 60
HF_TYPER = (Organisasjon.Type.HF, Organisasjon.Type.IDEELL)


class UkjentRegion(ValueError):
    pass


@dataclass(frozen=True)
class Byggeresultat:
    rhf_kode: str
    generasjon: int
    ny: bool
    antall_rader: int
    sekunder: float


# --- Computing ---------------------------------------------------------------------------------


def ett_ar_for(dato: date) -> date:
    """The same day one year earlier (28 February for 29 February)."""
    try:
        return dato.replace(year=dato.year - 1)
    except ValueError:
        return dato.replace(year=dato.year - 1, day=28)


def _tellinger(qs: QuerySet, *, t: str, grense: date) -> dict[str, Count]:
    """The three catalogue counts; `t` is the path from the queryset's model to Tilbud."""
    return {
        "aktive": Count(f"{t}id", distinct=True, filter=Q(**{f"{t}status": "aktiv"})),
        "synlige": Count(f"{t}id", distinct=True),
        "gamle": Count(f"{t}id", distinct=True, filter=Q(**{f"{t}sist_bekreftet__lt": grense})),
    }


def _grupperte(
    qs: QuerySet, *, t: str, region: str | None, grense: date
) -> Iterable[tuple[str | None, int | None, str, dict[str, int]]]:
    """Four GROUP BY queries per level: (region, målgruppe, fagområde), (region, målgruppe),
    (region, fagområde) and (region). Yields (region, malgruppe_id|None, fagomrade|"", counts)."""
    aggregater = _tellinger(qs, t=t, grense=grense)
    mg, fag = f"{t}malgrupper__id", f"{t}fagomrade"
    for dimensjoner in ((mg, fag), (mg,), (fag,), ()):
        felt = ([region] if region else []) + list(dimensjoner)
        gruppe_qs = qs
        if mg in dimensjoner:
            gruppe_qs = gruppe_qs.filter(**{f"{mg}__isnull": False})
        if felt:
            rader: Iterable[dict[str, Any]] = (
                gruppe_qs.values(*felt).annotate(**aggregater).order_by()
            )
        else:
            rader = [gruppe_qs.aggregate(**aggregater)]
        for r in rader:
            yield (
                str(r[region]) if region else None,
                r.get(mg),
                r.get(fag, ""),
                {k: r[k] for k in ("aktive", "synlige", "gamle")},
            )


# The catalogue figures in one statement per region (PostgreSQL): the region's tilbud read once,
# then per unit and GROUPING SETS without and with målgruppe, like the referral figures.
KATALOGTALL_SQL = """
WITH{enheter},
t AS MATERIALIZED (
    SELECT t.id, t.rhf_id, t.fagomrade, t.status = 'aktiv' AS aktiv,
           t.sist_bekreftet < %(grense)s AS gammel
    FROM {tilbud} t
    WHERE t.status <> 'avsluttet'
      AND (t.rhf_id = %(rhf)s
           OR t.id IN (SELECT tilbud_id FROM hf_tilbud)
           OR t.id IN (SELECT tilbud_id FROM fylke_tilbud))
),
enhet AS MATERIALIZED (
    SELECT 'rhf' AS niva, %(kode)s AS kode, t.* FROM t WHERE t.rhf_id = %(rhf)s
    UNION ALL
    SELECT 'hf', ht.organisasjon_id::text, t.* FROM t JOIN hf_tilbud ht ON ht.tilbud_id = t.id
    UNION ALL
    SELECT 'fylke', ft.fylke_id, t.* FROM t JOIN fylke_tilbud ft ON ft.tilbud_id = t.id
)
SELECT e.niva, e.kode, NULL::bigint AS malgruppe_id,
       CASE WHEN GROUPING(e.fagomrade) = 1 THEN '' ELSE e.fagomrade END AS fagomrade,
       COUNT(*) FILTER (WHERE e.aktiv) AS aktive, COUNT(*) AS synlige,
       COUNT(*) FILTER (WHERE e.gammel) AS gamle
FROM enhet e
GROUP BY GROUPING SETS ((e.niva, e.kode, e.fagomrade), (e.niva, e.kode))
UNION ALL
SELECT e.niva, e.kode, tm.malgruppe_id,
       CASE WHEN GROUPING(e.fagomrade) = 1 THEN '' ELSE e.fagomrade END,
       COUNT(*) FILTER (WHERE e.aktiv), COUNT(*), COUNT(*) FILTER (WHERE e.gammel)
FROM enhet e JOIN {tilbud_malgrupper} tm ON tm.tilbud_id = e.id
GROUP BY GROUPING SETS (
    (e.niva, e.kode, tm.malgruppe_id, e.fagomrade), (e.niva, e.kode, tm.malgruppe_id)
)
"""


def _katalogtall_sql(
    rhf: Organisasjon, grense: date
) -> dict[tuple[str, str, int | None, str], dict[str, int]]:
    tabeller = regionsql.tabeller()
    sql = KATALOGTALL_SQL.format(enheter=regionsql.ENHETER_CTE.format(**tabeller), **tabeller)
    parametere = {
        "rhf": rhf.id,
        "kode": rhf.kode or "",
        "hf_typer": regionsql.hf_typer(),
        "grense": grense,
    }
    return {
        (r["niva"], r["kode"], r["malgruppe_id"], r["fagomrade"]): {
            k: r[k] for k in ("aktive", "synlige", "gamle")
        }
        for r in regionsql.kjor([sql], parametere)
    }


def _katalogtall_orm(
    rhf: Organisasjon, grense: date
) -> dict[tuple[str, str, int | None, str], dict[str, int]]:
    """The same figures with the ORM (SQLite has no GROUPING SETS): four GROUP BY per level."""
    synlige = Tilbud.objects.exclude(status=Tilbud.Status.AVSLUTTET)
    gjennom = Tilbud.lokasjoner.through.objects.exclude(tilbud__status=Tilbud.Status.AVSLUTTET)
    hf_tilbud = synlige.filter(organisasjon__rhf=rhf, organisasjon__type__in=HF_TYPER)
    fylke_tilbud = gjennom.filter(lokasjon__kommune__fylke__rhf=rhf)
    kilder: list[tuple[str, QuerySet, str, str | None]] = [
        (Niva.RHF, synlige.filter(rhf=rhf), "", None),
        (Niva.HF, hf_tilbud, "", "organisasjon_id"),
        (Niva.FYLKE, fylke_tilbud, "tilbud__", "lokasjon__kommune__fylke_id"),
    ]
    celler: dict[tuple[str, str, int | None, str], dict[str, int]] = {}
    for niva, qs, t, region in kilder:
        for kode, mg, fag, tall in _grupperte(qs, t=t, region=region, grense=grense):
            celler[(niva, kode if kode is not None else rhf.kode or "", mg, fag)] = tall
    return celler


def katalogtall(
    rhf: Organisasjon, grense: date
) -> dict[tuple[str, str, int | None, str], dict[str, int]]:
    """Catalogue counts per (nivå, kode, målgruppe or None, fagområde or "") of one region:
    active, listed (not ended) and not verified since `grense`. Cells without a listing are
    left out."""
    if connection.vendor == "postgresql":
        return _katalogtall_sql(rhf, grense)
    return _katalogtall_orm(rhf, grense)


@dataclass(frozen=True)
class _Enhet:
    niva: str
    kode: str
    navn: str


def beregn_rader(rhf: Organisasjon, dato: date) -> list[dict[str, Any]]:
    """Every row of one region's summary as of `dato`, computed from the source tables.

    Listings = tilbud not ended (aktiv and ikke_bekreftet); «active» = status aktiv. RHF level:
    the tilbud's `rhf`; HF level: tilbud owned by an HF or ideelt sykehus of the RHF; fylke
    level: tilbud with a site in one of the RHF's fylker (whatever their own region).
    """
    hf = list(Organisasjon.objects.filter(type__in=HF_TYPER, rhf=rhf).values_list("id", "navn"))
    fylker = list(Fylke.objects.filter(rhf=rhf).values_list("nummer", "navn"))
    enheter = {
        Niva.RHF: [_Enhet(Niva.RHF, rhf.kode or "", rhf.navn)],
        Niva.HF: [_Enhet(Niva.HF, str(i), n) for i, n in hf],
        Niva.FYLKE: [_Enhet(Niva.FYLKE, nr, n) for nr, n in fylker],
    }
    celler = katalogtall(rhf, ett_ar_for(dato))

    # Every unit gets a total row and one row per målgruppe, zero where nothing is listed: a
    # målgruppe row with no active tilbud is a coverage gap.
    null = {"aktive": 0, "synlige": 0, "gamle": 0}
    malgrupper = list(Malgruppe.objects.order_by("id").values_list("id", flat=True))
    for liste in enheter.values():
        for e in liste:
            for mg in [None, *malgrupper]:
                celler.setdefault((e.niva, e.kode, mg, ""), null)

    navn = {(e.niva, e.kode): e.navn for liste in enheter.values() for e in liste}
    folketall = _folketall(enheter, dato.year)
    henvisning = henvisningstall(rhf.id, dato)
    # A cell can have referrals and no listing (the tilbud has ended since): it gets a row too.
    for niva, kode, mg, fag, _pt, _p in henvisning:
        celler.setdefault((niva, kode, mg, fag), null)
    perioder = ((Periodetype.MANED, dato.strftime("%Y-%m")), (Periodetype.AR, str(dato.year)))

    rader: list[dict[str, Any]] = []
    for (niva, kode, mg, fag), tall in sorted(celler.items(), key=_sortering):
        if (niva, kode) not in navn:
            continue  # a site in a fylke that no longer belongs to the region
        innbyggere = folketall.get((niva, kode))
        for periodetype, periode in perioder:
            celle: Celle = (niva, kode, mg, fag, periodetype, periode)
            h = undertrykk_henvisningstall(henvisning.get(celle, INGEN_HENVISNINGER))
            rader.append(
                {
                    "niva": niva,
                    "region_kode": kode,
                    "region_navn": navn[(niva, kode)],
                    "malgruppe_id": mg,
                    "fagomrade": fag,
                    "periodetype": periodetype,
                    "periode": periode,
                    "aktive_tilbud": tall["aktive"],
                    "synlige_tilbud": tall["synlige"],
                    "ikke_bekreftet_12_mnd": tall["gamle"],
                    "andel_ikke_bekreftet_12_mnd": _andel(tall["gamle"], tall["synlige"]),
                    "innbyggere": innbyggere,
                    "aktive_per_100k": (
                        round(tall["aktive"] * 100_000 / innbyggere, 2) if innbyggere else None
                    ),
                    "dekningshull": mg is not None and fag == "" and tall["aktive"] == 0,
                    **{f: getattr(h, f) for f in HENVISNINGSFELT},
                    "undertrykt": h.undertrykt,
                }
            )
    return rader


def _sortering(element: tuple[tuple[str, str, int | None, str], Any]) -> tuple:
    niva, kode, mg, fag = element[0]
    return (niva, kode, mg is not None, mg or 0, fag)


def _andel(del_: int, av: int) -> float | None:
    return round(del_ / av, 4) if av else None


def _folketall(enheter: dict[Niva, list[_Enhet]], ar: int) -> dict[tuple[str, str], int]:
    """Latest loaded population at or before `ar` per unit; units without any stay out."""
    nokler = Q()
    for enhetsniva, liste in enheter.items():
        nokler |= Q(niva=enhetsniva, region_kode__in=[e.kode for e in liste])
    tall: dict[tuple[str, str], int] = {}
    for niva, kode, innbyggere in (
        Folketall.objects.filter(nokler, ar__lte=ar)
        .order_by("niva", "region_kode", "ar")
        .values_list("niva", "region_kode", "innbyggere")
    ):
        tall[(niva, kode)] = innbyggere  # the last (newest) year wins
    return tall


# --- Writing -----------------------------------------------------------------------------------


def las_region(rhf_id: int) -> None:
    """Serialise builds of one region until the transaction ends (PostgreSQL). SQLite allows
    one writer at a time anyway, so there it is a no-op."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LAS_NAVNEROM, rhf_id])


def _lagrede_rader(generasjon: Sammendragsgenerasjon) -> list[tuple]:
    return list(
        Sammendragsrad.objects.filter(generasjon=generasjon).order_by("id").values_list(*RADFELT)
    )


def _test_pause() -> None:
    """Test-only: with RAPPORTER_TEST_PAUSE_FIL set and that file present, the first build to
    get here takes the file (atomically), reports «paused» and waits, so that a test can kill
    the worker in the middle of a rebuild. Never set outside tests."""
    sti = getattr(settings, "RAPPORTER_TEST_PAUSE_FIL", None)
    if not sti:
        return
    fil = Path(sti)
    try:
        os.rename(fil, fil.with_suffix(".tatt"))
    except FileNotFoundError:
        return
    fil.with_suffix(".pauset").write_text(str(os.getpid()))
    slutt = time.monotonic() + float(getattr(settings, "RAPPORTER_TEST_PAUSE_SEKUNDER", 60))
    while time.monotonic() < slutt:
        time.sleep(0.1)


def bygg_sammendrag(rhf_kode: str, *, naa: datetime | None = None) -> Byggeresultat:
    """Rebuild one region's summary (see the module docstring). Safe to run twice at once and
    to run again after a crash: the result depends only on the source tables and `naa`."""
    start = time.monotonic()
    naa = naa or timezone.now()
    dato = timezone.localdate(naa)
    rhf = Organisasjon.objects.filter(type=Organisasjon.Type.RHF, kode=rhf_kode).first()
    if rhf is None:
        raise UkjentRegion(f"Ukjent RHF-kode: {rhf_kode!r}.")

    with transaction.atomic():
        las_region(rhf.id)
        rader = beregn_rader(rhf, dato)
        ferdige = Sammendragsgenerasjon.objects.filter(
            rhf=rhf, status=Sammendragsgenerasjon.Status.FERDIG
        )
        forrige = ferdige.order_by("-nummer").first()
        if forrige is not None and _lagrede_rader(forrige) == [
            tuple(r[f] for f in RADFELT) for r in rader
        ]:
            return Byggeresultat(
                rhf.kode or "", forrige.nummer, False, len(rader), time.monotonic() - start
            )

        hoyeste = Sammendragsgenerasjon.objects.filter(rhf=rhf).aggregate(n=Max("nummer"))["n"]
        generasjon = Sammendragsgenerasjon.objects.create(
            rhf=rhf, nummer=(hoyeste or 0) + 1, startet=naa, dato=dato
        )
        Sammendragsrad.objects.bulk_create(
            [Sammendragsrad(generasjon=generasjon, **r) for r in rader], batch_size=2000
        )
        _test_pause()
        generasjon.status = Sammendragsgenerasjon.Status.FERDIG
        generasjon.bygget = timezone.now()
        generasjon.antall_rader = len(rader)
        generasjon.save(update_fields=["status", "bygget", "antall_rader"])
        _rydd(rhf, behold=generasjon)
    logger.info("Sammendrag %s: generasjon %s, %s rader", rhf.kode, generasjon.nummer, len(rader))
    return Byggeresultat(
        rhf.kode or "", generasjon.nummer, True, len(rader), time.monotonic() - start
    )


def _rydd(rhf: Organisasjon, *, behold: Sammendragsgenerasjon) -> int:
    """Delete older generations except the last complete one of each earlier month."""
    behold_id = {behold.id}
    sett: set[str] = {behold.dato.strftime("%Y-%m")}
    for gen_id, dato in (
        Sammendragsgenerasjon.objects.filter(rhf=rhf, status=Sammendragsgenerasjon.Status.FERDIG)
        .order_by("-nummer")
        .values_list("id", "dato")
    ):
        maned = dato.strftime("%Y-%m")
        if maned not in sett:
            sett.add(maned)
            behold_id.add(gen_id)
    slettet, _ = Sammendragsgenerasjon.objects.filter(rhf=rhf).exclude(id__in=behold_id).delete()
    return slettet


def rhf_koder() -> list[str]:
    return [
        kode
        for kode in Organisasjon.objects.filter(type=Organisasjon.Type.RHF)
        .order_by("kode")
        .values_list("kode", flat=True)
        if kode  # every RHF has one (the import requires it)
    ]


# --- Debouncing --------------------------------------------------------------------------------


def ombyggingsnokkel(rhf_kode: str) -> str:
    return f"rapporter:ombygging-planlagt:{rhf_kode}"


def planlegg_ombygging(rhf_kode: str, *, forsinkelse: float | None = None) -> bool:
    """Schedule one rebuild of the region in `forsinkelse` seconds unless one is already
    waiting. Returns whether a task was sent. Call it after the change has committed
    (`transaction.on_commit`), so the rebuild sees it.

    The cache key lives until the task starts, and the task deletes it before it reads anything
    (`ombygging_startet`): an edit made while a rebuild runs schedules the next one, so no edit
    is ever left out of the summary.
    """
    if forsinkelse is None:
        forsinkelse = float(
            getattr(settings, "RAPPORTER_OMBYGGING_FORSINKELSE", STANDARD_FORSINKELSE)
        )
    # The key expires on its own well after the task should have run: a lost task cannot block
    # rebuilds of the region for more than that (the nightly rebuild covers the gap).
    if not cache.add(ombyggingsnokkel(rhf_kode), "1", timeout=int(forsinkelse) + 600):
        return False
    valg: dict[str, Any] = {"countdown": forsinkelse}
    ko = getattr(settings, "RAPPORTER_KO", None)
    if ko:
        valg["queue"] = ko
    oppgaver.send("rapporter.tasks.bygg_sammendrag_for_region", rhf_kode, **valg)
    return True


def ombygging_startet(rhf_kode: str) -> None:
    cache.delete(ombyggingsnokkel(rhf_kode))
