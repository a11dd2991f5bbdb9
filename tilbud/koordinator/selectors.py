"""Reads for the coordinator area, each in a constant number of queries."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from helsearbeid.typer import Bruker, MuligBruker
from tilbud import tilgang
from tilbud.models import (
    ArFlagg,
    Endringsforslag,
    Feilmelding,
    Lokasjon,
    Organisasjon,
    Tilbud,
    Ventetid,
)
from tilbud.models.ventetid import UTDATERT_DAGER
from tilbud.rules import er_administrator
from tilbud.tilgang import koordinerte_rhf, tilbud_til_koordinering

VENTETID_GAMMEL_MANEDER = 3


def maneder_tilbake(idag: date, maneder: int) -> date:
    """The same day `maneder` months earlier (the last day of the month where it is shorter)."""
    aar, mnd = divmod(idag.year * 12 + idag.month - 1 - maneder, 12)
    mnd += 1
    for dag in (idag.day, 30, 29, 28):
        try:
            return date(aar, mnd, dag)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _antall(modell: Any, status: str) -> Any:
    undersporring = (
        modell.objects.filter(tilbud=OuterRef("pk"), status=status)
        .order_by()
        .values("tilbud")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(undersporring, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class MineTilbudFiltre:
    ikke_bekreftet: bool = False
    gammel_ventetid: bool = False
    har_feilmeldinger: bool = False
    har_forslag: bool = False
    avsluttede: bool = False


def ikke_bekreftet_grense(idag: date | None = None) -> date:
    return maneder_tilbake(idag or timezone.localdate(), settings.FERSKHET_ELDRE_MANEDER)


def mine_tilbud(bruker: MuligBruker, filtre: MineTilbudFiltre) -> QuerySet[Tilbud]:
    """«Mine tilbud» with open error reports and pending proposals counted per row (subqueries,
    so one query whatever the list size)."""
    idag = timezone.localdate()
    qs = (
        tilgang.tilbud_i_omfang(bruker)
        .select_related("organisasjon", "rhf")
        .annotate(
            antall_feilmeldinger=_antall(Feilmelding, Feilmelding.Status.APEN),
            antall_forslag=_antall(Endringsforslag, Endringsforslag.Status.VENTER),
        )
        .order_by("sist_bekreftet", "navn", "id")
    )
    if not filtre.avsluttede:
        qs = qs.exclude(status=Tilbud.Status.AVSLUTTET)
    if filtre.ikke_bekreftet:
        qs = qs.filter(sist_bekreftet__lt=ikke_bekreftet_grense(idag))
    if filtre.gammel_ventetid:
        grense = maneder_tilbake(idag, VENTETID_GAMMEL_MANEDER)
        qs = qs.filter(Q(ventetid_dato__isnull=True) | Q(ventetid_dato__lt=grense))
    if filtre.har_feilmeldinger:
        qs = qs.filter(antall_feilmeldinger__gt=0)
    if filtre.har_forslag:
        qs = qs.filter(antall_forslag__gt=0)
    return qs


def ventende_forslag(bruker: MuligBruker) -> QuerySet[Endringsforslag]:
    return (
        Endringsforslag.objects.filter(
            status=Endringsforslag.Status.VENTER, tilbud__in=tilbud_til_koordinering(bruker)
        )
        .select_related("tilbud", "tilbud__organisasjon", "foreslatt_av")
        .order_by("opprettet", "pk")
    )


MINE_FORSLAG = 20


def mine_forslag(bruker: Bruker) -> list[Endringsforslag]:
    """The newest proposals this user made, whatever their outcome (one query)."""
    return list(
        Endringsforslag.objects.filter(foreslatt_av=bruker)
        .select_related("tilbud", "besluttet_av")
        .order_by("-opprettet", "-pk")[:MINE_FORSLAG]
    )


def apne_ar_flagg(bruker: MuligBruker) -> QuerySet[ArFlagg]:
    """Open AR flags (HER-id gone, inactive, messages no longer accepted) in the user's
    region, oldest first (one query)."""
    return (
        ArFlagg.objects.filter(lukket__isnull=True, tilbud__in=tilbud_til_koordinering(bruker))
        .select_related("tilbud", "tilbud__organisasjon")
        .order_by("opprettet", "pk")
    )


def apne_feilmeldinger(bruker: MuligBruker, tilbud: Tilbud | None = None) -> QuerySet[Feilmelding]:
    """Open reports in the user's region, oldest first; only one tilbud's when given."""
    qs = Feilmelding.objects.filter(
        status=Feilmelding.Status.APEN, tilbud__in=tilbud_til_koordinering(bruker)
    )
    if tilbud is not None:
        qs = qs.filter(tilbud=tilbud)
    return qs.select_related("tilbud", "tilbud__organisasjon").order_by("opprettet", "pk")


def antall_apne_feilmeldinger(tilbud: Tilbud) -> int:
    return Feilmelding.objects.filter(tilbud=tilbud, status=Feilmelding.Status.APEN).count()


def organisasjoner_for_nytt_tilbud(bruker: MuligBruker) -> QuerySet[Organisasjon]:
    """Providers a coordinator may create tilbud for: HF and ideelle owned by the region, and
    private providers with an agreement with it."""
    qs = Organisasjon.objects.exclude(type=Organisasjon.Type.RHF)
    if er_administrator(bruker):
        return qs.order_by("navn")
    rhf = koordinerte_rhf(bruker)
    return qs.filter(Q(rhf_id__in=rhf) | Q(avtaler__rhf_id__in=rhf)).distinct().order_by("navn")


def lokasjoner_for_tilbud(tilbud: Tilbud) -> QuerySet[Lokasjon]:
    return (
        Lokasjon.objects.filter(Q(organisasjon_id=tilbud.organisasjon_id) | Q(tilbud=tilbud))
        .distinct()
        .select_related("kommune")
    )


def utdaterte_ventetider(bruker: MuligBruker, *, idag: date | None = None) -> QuerySet[Ventetid]:
    """The update duty's list: structured waiting times measured more than UTDATERT_DAGER ago,
    of the tilbud in the user's scope that have not ended, oldest first. One query."""
    grense = (idag or timezone.localdate()) - timedelta(days=UTDATERT_DAGER)
    return (
        Ventetid.objects.filter(
            tilbud__in=tilgang.tilbud_i_omfang(bruker).exclude(status=Tilbud.Status.AVSLUTTET),
            uker_maks__isnull=False,
            dato__lt=grense,
        )
        .select_related("tilbud", "tilbud__organisasjon")
        .order_by("dato", "tilbud__navn", "type")
    )
