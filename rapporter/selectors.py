"""Reads for the rapporter app: key look-up, the sync page, the export querysets and the
regional summaries."""

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Collate

from helsearbeid.hemmelighet import del_hemmelighet, hemmelighet_hash
from tilbud.models import Lokasjon, Malgruppe, Organisasjon, Tilbud

from .models import ApiNokkel, Niva, Periodetype, Sammendragsgenerasjon, Sammendragsrad


def api_nokkel_for_klartekst(klartekst: str) -> ApiNokkel | None:
    """The key row for a clear-text key, revoked and expired ones included (the caller says
    why it is refused); None when no key matches."""
    deler = del_hemmelighet(klartekst)
    if deler is None:
        return None
    nokkel = ApiNokkel.objects.filter(prefiks=deler[0]).first()
    if nokkel is None or not hmac.compare_digest(nokkel.nokkel_hash, hemmelighet_hash(klartekst)):
        return None
    return nokkel


@dataclass(frozen=True)
class SynkPosisjon:
    """A place in the change stream: after the row (endret, id)."""

    endret: datetime
    id: int


# What a sync page reads of a tilbud: every column but the search columns (half of a row, never
# part of the analyst output).
SYNK_KOLONNER: tuple[str, ...] = tuple(
    f.attname for f in Tilbud._meta.concrete_fields if f.name not in {"sokeord", "sokevektor"}
)


def _endringer_qs(
    *, endret_etter: datetime | None, etter: SynkPosisjon | None, til: datetime
) -> QuerySet[Tilbud]:
    """The change stream's filter, ordered by (endret, id), a unique order, so that keyset pages
    neither skip nor repeat rows with equal timestamps."""
    qs = Tilbud.objects.filter(endret__lte=til)
    if endret_etter is not None:
        qs = qs.filter(endret__gt=endret_etter)
    if etter is not None:
        # `endret >= …` first: the index on (endret, id) then starts at the cursor. The OR alone
        # is only a filter, and every page would read the index from the beginning.
        qs = qs.filter(endret__gte=etter.endret).filter(
            Q(endret__gt=etter.endret) | Q(endret=etter.endret, id__gt=etter.id)
        )
    return qs.order_by("endret", "id")


# (name, through table, the key that names the related row)
_RELATERT = [
    ("malgrupper", Tilbud.malgrupper.through.objects, "malgruppe__slug"),
    ("behandlingsformer", Tilbud.behandlingsformer.through.objects, "behandlingsform_id"),
    ("lokasjoner", Tilbud.lokasjoner.through.objects, "lokasjon_id"),
]


def _nokkel_arrays() -> dict[str, ArraySubquery]:
    """PostgreSQL: each related key list as a sorted array in the tilbud's own row, in Python's
    order (codepoints: the "C" collation) whatever the database's collation. (The annotations
    need names of their own: the model's M2M fields hold the plain ones.)"""
    arrays = {}
    for navn, gjennom, nokkel in _RELATERT:
        rekkefolge = Collate(nokkel, "C") if nokkel != "lokasjon_id" else F(nokkel)
        arrays[f"{navn}_nokler"] = ArraySubquery(
            gjennom.filter(tilbud_id=OuterRef("pk")).order_by(rekkefolge).values(nokkel)
        )
    return arrays


def tilbud_endringer(
    *, endret_etter: datetime | None, etter: SynkPosisjon | None, antall: int, til: datetime
) -> list[dict[str, Any]]:
    """Up to `antall` tilbud changed after the given time and position, oldest change first,
    as rows: the columns of SYNK_KOLONNER, `rhf__kode`, and the sorted keys of the related rows
    (`malgrupper`: slugs, `behandlingsformer`: codes, `lokasjoner`: ids).

    Ended tilbud are included: the API turns them into tombstones. Changes after `til` are left
    for a later pull (see SYNK_SIKKERHETSMARGIN). One query on PostgreSQL (the related keys as
    arrays), four elsewhere, whatever the page size; no model instances.
    """
    qs = _endringer_qs(endret_etter=endret_etter, etter=etter, til=til)
    if connection.vendor == "postgresql":
        arrays = _nokkel_arrays()
        rader = list(qs.annotate(**arrays).values(*SYNK_KOLONNER, "rhf__kode", *arrays)[:antall])
        for r in rader:
            for navn, _gjennom, _nokkel in _RELATERT:
                r[navn] = r.pop(f"{navn}_nokler")
        return rader
    rader = list(qs.values(*SYNK_KOLONNER, "rhf__kode")[:antall])
    ider = [r["id"] for r in rader]
    per_tilbud: dict[str, dict[int, list]] = {}
    for navn, gjennom, nokkel in _RELATERT:
        per_tilbud[navn] = {}
        for tilbud_id, verdi in gjennom.filter(tilbud_id__in=ider).values_list("tilbud_id", nokkel):
            per_tilbud[navn].setdefault(tilbud_id, []).append(verdi)
    for r in rader:
        for navn, nokler in per_tilbud.items():
            r[navn] = sorted(nokler.get(r["id"], ()))
    return rader


@dataclass(frozen=True)
class SynkJsonRad:
    """One record of a sync page as JSON text, with its place in the stream."""

    json: str
    endret: datetime
    id: int


def tilbud_endringer_json(
    *,
    endret_etter: datetime | None,
    etter: SynkPosisjon | None,
    antall: int,
    til: datetime,
    uttrykk: str,
    parametere: list[Any],
) -> list[SynkJsonRad]:
    """PostgreSQL only: the rows of `tilbud_endringer`, each as one JSON text built by the
    database from the SQL expression `uttrykk` over the row's columns (`s.<column>`,
    `s.rhf_kode`, `s.<relation>_nokler`; see rapporter.api.synk_json). The rows are the same
    query, so the two can never pick different rows."""
    arrays = _nokkel_arrays()
    utvalg = (
        _endringer_qs(endret_etter=endret_etter, etter=etter, til=til)
        .annotate(rhf_kode=F("rhf__kode"), **arrays)
        .values(*SYNK_KOLONNER, "rhf_kode", *arrays)[:antall]
    )
    indre, indre_parametere = utvalg.query.sql_with_params()
    with connection.cursor() as cursor:
        # `uttrykk` comes before the inner statement, so its parameters come first.
        cursor.execute(
            f"SELECT {uttrykk}, s.endret, s.id FROM ({indre}) s ORDER BY s.endret, s.id",  # noqa: S608
            [*parametere, *indre_parametere],
        )
        return [SynkJsonRad(json=j, endret=e, id=i) for j, e, i in cursor.fetchall()]


def eksport_organisasjoner() -> QuerySet[Organisasjon]:
    return Organisasjon.objects.order_by("id")


def eksport_lokasjoner() -> QuerySet[Lokasjon]:
    return Lokasjon.objects.select_related("kommune__fylke").order_by("id")


def eksport_tilbud() -> QuerySet[Tilbud]:
    """Every tilbud, ended ones included (the standards have a status for that)."""
    return (
        Tilbud.objects.select_related("rhf")
        .prefetch_related(
            "malgrupper",
            "behandlingsformer",
            Prefetch("lokasjoner", queryset=Lokasjon.objects.only("id").order_by("id")),
        )
        .order_by("id")
    )


# --- Regional summaries ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sammendragsutvalg:
    """What a reader gets: the generations used (one per RHF, each the latest complete one that
    holds the period) and their rows."""

    generasjoner: list[Sammendragsgenerasjon]
    rader: QuerySet[Sammendragsrad]

    @property
    def bygget(self) -> datetime | None:
        return max((g.bygget for g in self.generasjoner if g.bygget), default=None)


def siste_generasjoner(
    *,
    rhf_kode: str | None = None,
    periodetype: str | None = None,
    periode: str | None = None,
) -> list[Sammendragsgenerasjon]:
    """The latest COMPLETE generation per RHF (half-built ones are never read). With a period,
    the latest complete generation whose snapshot lies in it (a month's last snapshot is kept
    when older generations are pruned)."""
    qs = Sammendragsgenerasjon.objects.filter(
        status=Sammendragsgenerasjon.Status.FERDIG
    ).select_related("rhf")
    if rhf_kode:
        qs = qs.filter(rhf__kode=rhf_kode)
    if periode and periodetype == Periodetype.MANED:
        ar, maned = periode.split("-")
        qs = qs.filter(dato__year=int(ar), dato__month=int(maned))
    elif periode and periodetype == Periodetype.AR:
        qs = qs.filter(dato__year=int(periode))
    siste: dict[int, Sammendragsgenerasjon] = {}
    for g in qs.order_by("rhf_id", "-nummer"):
        siste.setdefault(g.rhf_id, g)
    return sorted(siste.values(), key=lambda g: g.rhf.kode or "")


def sammendrag(
    *,
    niva: str,
    rhf_kode: str | None = None,
    region_kode: str | None = None,
    malgruppe: str | None = None,
    periodetype: str = Periodetype.AR,
    periode: str | None = None,
) -> Sammendragsutvalg:
    generasjoner = siste_generasjoner(rhf_kode=rhf_kode, periodetype=periodetype, periode=periode)
    rader = Sammendragsrad.objects.filter(
        generasjon__in=generasjoner, niva=niva, periodetype=periodetype
    ).select_related("malgruppe", "generasjon__rhf")
    if periode:
        rader = rader.filter(periode=periode)
    if region_kode:
        rader = rader.filter(region_kode=region_kode)
    if malgruppe == "alle":
        rader = rader.filter(malgruppe__isnull=True)
    elif malgruppe:
        rader = rader.filter(malgruppe__slug=malgruppe)
    return Sammendragsutvalg(
        generasjoner=generasjoner,
        rader=rader.order_by(
            "generasjon__rhf__kode", "region_kode", "malgruppe__navn", "fagomrade", "id"
        ),
    )


def dekningsmatrise(niva: str = Niva.RHF) -> tuple[list[Malgruppe], list[dict[str, Any]]]:
    """Region × målgruppe: active tilbud per cell (all fagområder), from the latest generations.
    Returns the målgrupper (columns) and one dict per region with its cells in that order."""
    generasjoner = siste_generasjoner()
    malgrupper = list(Malgruppe.objects.order_by("navn"))
    celler: dict[tuple[str, int], int] = {}
    regioner: dict[str, dict[str, Any]] = {}
    # Each generation has the rows for its own year; use the year rows of each.
    felt = ("generasjon__rhf__kode", "region_kode", "region_navn", "malgruppe_id", "aktive_tilbud")
    for r in Sammendragsrad.objects.filter(
        generasjon__in=generasjoner, niva=niva, periodetype=Periodetype.AR, fagomrade=""
    ).values(*felt):
        regioner.setdefault(
            r["region_kode"],
            {"kode": r["region_kode"], "navn": r["region_navn"], "rhf": r["generasjon__rhf__kode"]},
        )
        if r["malgruppe_id"] is None:
            regioner[r["region_kode"]]["totalt"] = r["aktive_tilbud"]
        else:
            celler[(r["region_kode"], r["malgruppe_id"])] = r["aktive_tilbud"]
    rader = []
    for region in sorted(regioner.values(), key=lambda x: (x["rhf"] or "", x["navn"])):
        region["celler"] = [
            {"malgruppe": m, "aktive": celler.get((region["kode"], m.id), 0)} for m in malgrupper
        ]
        rader.append(region)
    return malgrupper, rader


def henvisningstall_per_rhf() -> list[Sammendragsrad]:
    """Each RHF's total row (all målgrupper and fagområder) for the year of its latest complete
    generation: the referral figures the HTML page draws."""
    generasjoner = siste_generasjoner()
    rader = {
        r.generasjon_id: r
        for r in Sammendragsrad.objects.filter(
            generasjon__in=generasjoner,
            niva=Niva.RHF,
            periodetype=Periodetype.AR,
            malgruppe__isnull=True,
            fagomrade="",
        ).select_related("generasjon__rhf")
    }
    return [rader[g.id] for g in generasjoner if g.id in rader]
