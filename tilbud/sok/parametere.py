"""The search parameters, declared once: one row per parameter.

A row gives the parameter's name and filter (its form field validates: tilbud.sok.felt), the
predicate on the ORM model (`Tilbud`), the predicate on the search table (`Sokerad`, where its
columns differ), its place in «drop a filter when nothing matches» (`RELAKSERINGER`), its
phrase in «Ingen tilbud …» (`beskriv`), and how the search page offers it (label, choices, under
«Flere valg» or not). The API's FilterSet (tilbud.sok.filtre.TilbudFilter, and so the OpenAPI
schema), the page (tilbud.views.sok, templates/tilbud/_valgfelt.html) and the empty answer
(tilbud.sok.svar) all read this table.

A new filter is one row here, its column (model, search table and migration) and one template
line.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import django_filters
from django import forms
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tilbud.models import (
    Behandlingsform,
    Fylke,
    Kommune,
    Lokasjon,
    Malgruppe,
    Organisasjon,
    Tilbud,
    Ventetid,
)
from tilbud.models.tilbud import Fagomrade
from tilbud.models.ventetid import MAKS_UKER, VIST_REKKEFOLGE
from tilbud.referanse import referanse

from .felt import (
    BehandlingsformField,
    BydelField,
    DiagnoseField,
    FylkeField,
    KommuneField,
    MalgruppeField,
    PostnummerField,
    RhfField,
    SoketekstField,
    _BooleanFilter,
    _ChoiceFilter,
    _filter,
    _HeltallFilter,
)

if TYPE_CHECKING:
    from .motor import Motor

# Every filter calls the FilterSet's one method, which looks its row up by name.
METODE = "filtrer_parameter"
STATUS_ALLE = "alle"


class Sok(Protocol):
    """What a predicate may ask of the search it filters (tilbud.sok.filtre.TilbudFilter)."""

    motor: "Motor"
    rettet: dict[str, list[str]]  # the free text's typos: word → the words searched instead

    @property
    def pasientkommune(self) -> Kommune | None: ...


Predikat = Callable[[QuerySet, Any, Sok], QuerySet]


@dataclass(frozen=True)
class Frase:
    """A parameter's words in «Ingen tilbud …». `plass` orders the sentence; the places
    (`sted`) share one slot where only the lowest given one is said, «i hele landet» if none."""

    plass: float
    tekst: Callable[[Any], str]
    sted: bool = False


@dataclass(frozen=True)
class Sidevalg:
    """How the search page offers the parameter as a select (templates/tilbud/_valgfelt.html)."""

    etikett: Any
    tom: Any  # the empty option: no filter
    valg: Callable[[], Iterable[tuple[str, Any]]]  # (value, label; labels may be lazy)
    klasse: str = "felt"
    store_bokstaver: bool = False  # the typed value matches case-insensitively (RHF codes)
    # The option a sent value means when it is not the option's value itself (a bydel's name)
    valgt_verdi: Callable[[str], str] | None = None


@dataclass(frozen=True)
class Parameter:
    navn: str
    filter: Callable[[], django_filters.Filter]
    orm: Predikat
    sokerad: Predikat | None = None  # None: the search table has the model's columns
    slipp: tuple[float, str] | None = None  # (order, group) in RELAKSERINGER
    frase: Frase | None = None
    side: Sidevalg | None = None  # None: the page has its own markup for it
    flere_valg: bool = False  # behind «Flere valg» on the page
    # The type the OpenAPI schema gives the parameter, as drf-spectacular reads it from the
    # filter method's hint: `object` is a plain string; None leaves it to the filter's kind
    # (choices, boolean, number).
    skjematype: Any = object


# --- Predicates -------------------------------------------------------------------------


def _rhf(qs: QuerySet, verdi: Organisasjon, sok: Sok) -> QuerySet:
    return qs.filter(rhf=verdi)


def _fylke(qs: QuerySet, verdi: Fylke, sok: Sok) -> QuerySet:
    har_lokasjon = Exists(Lokasjon.objects.filter(tilbud=OuterRef("pk"), kommune__fylke=verdi))
    return qs.filter(Q(rhf_id=verdi.rhf_id) | Q(har_lokasjon))


def _kommune(qs: QuerySet, verdi: Kommune, sok: Sok) -> QuerySet:
    # The patient's kommune restricts and ranks at the end (TilbudFilter.filter_queryset); a
    # second, different one (kommune and postnummer both given) only restricts.
    if verdi == sok.pasientkommune:
        return qs
    andre = sok.motor.andre_regioners_tilbud_i(verdi)
    return qs.filter(Q(rhf_id=verdi.rhf_id) | Q(pk__in=andre))


def _lenket(through: Callable[[], Any], kolonne: str, verdier: Callable[[Any], Any]) -> Predikat:
    """A tilbud with a link (målgruppe, behandlingsform) among the value's: one EXISTS."""

    def predikat(qs: QuerySet, verdi: Any, sok: Sok) -> QuerySet:
        vilkar = {"tilbud_id": OuterRef("pk"), f"{kolonne}__in": verdier(verdi)}
        return qs.filter(Exists(through().objects.filter(**vilkar)))

    return predikat


def _diagnose_sokerad(qs: QuerySet, verdi: Any, sok: Sok) -> QuerySet:
    return qs.filter(malgrupper__overlap=sorted(verdi.malgruppe_ider))


def _malgruppe_sokerad(qs: QuerySet, verdi: Malgruppe, sok: Sok) -> QuerySet:
    return qs.filter(malgrupper__contains=[verdi.pk])


def _behandlingsform_sokerad(qs: QuerySet, verdi: Behandlingsform, sok: Sok) -> QuerySet:
    return qs.filter(behandlingsformer__contains=[verdi.pk])


def _fagomrade(qs: QuerySet, verdi: str, sok: Sok) -> QuerySet:
    return qs.filter(fagomrade=verdi)


def _q(qs: QuerySet, verdi: str, sok: Sok) -> QuerySet:
    return sok.motor.tekstsok(qs, verdi, rettet=sok.rettet)


def _alder(qs: QuerySet, verdi: Any, sok: Sok) -> QuerySet:
    alder = int(verdi)
    return qs.filter(
        Q(alder_fra__isnull=True) | Q(alder_fra__lte=alder),
        Q(alder_til__isnull=True) | Q(alder_til__gte=alder),
    )


# The sort orders (`sorter`): relevance (with the patient's kommune: tier, relevance, distance)
# or the shown waiting time, shortest first; tilbud without one come last.
SORTER_RELEVANS = "relevans"
SORTER_VENTETID = "ventetid"
VIST_UKER = "vist_uker"  # the annotation both read


def vist_uker_maks() -> Subquery:
    """The weeks (upper end) of the waiting time a card shows (tilbud.visning.velg_vist_ventetid:
    the structured one of the first type in VIST_REKKEFOLGE), per tilbud or search row: one
    indexed subquery, on both databases. Null: no structured waiting time."""
    rang = Case(
        *[When(type=t, then=Value(i)) for i, t in enumerate(VIST_REKKEFOLGE)],
        output_field=IntegerField(),
    )
    vist = (
        Ventetid.objects.filter(tilbud_id=OuterRef("pk"), uker_maks__isnull=False)
        .annotate(_rang=rang)
        .order_by("_rang")
        .values("uker_maks")[:1]
    )
    return Subquery(vist, output_field=IntegerField())


def med_vist_uker(qs: QuerySet) -> QuerySet:
    return qs if VIST_UKER in qs.query.annotations else qs.annotate(**{VIST_UKER: vist_uker_maks()})


def _maks_uker(qs: QuerySet, verdi: Any, sok: Sok) -> QuerySet:
    # Only a known waiting time can be said to be short enough. A lookup, not an annotation:
    # the order stays the one asked for (tilbud.sok.sokeside reads the annotations as terms).
    return qs.filter(LessThanOrEqual(vist_uker_maks(), int(verdi)))


def _status(qs: QuerySet, verdi: str, sok: Sok) -> QuerySet:
    return qs if verdi == STATUS_ALLE else qs.filter(status=verdi)


def _bydelsnummer(sendt: str) -> str:
    """The bydel number a sent number or name means (the page marks that option)."""
    try:
        return BydelField(required=False).clean(sendt).nummer
    except (forms.ValidationError, AttributeError):
        return sendt


# --- The table --------------------------------------------------------------------------

_STED = 4  # the places' slot in the sentence


def _i_sted(verdi: Kommune | Fylke) -> str:
    return gettext("i %(sted)s") % {"sted": verdi.navn}


PARAMETERE: tuple[Parameter, ...] = (
    Parameter(
        "rhf",
        lambda: _filter(RhfField, METODE, _("Helseregion (HSO, HV, HMN, HN)")),
        _rhf,
        slipp=(1, "geografi"),
        frase=Frase(
            _STED + 0.3,
            lambda v: gettext("i %(sted)s") % {"sted": v.navn.removesuffix(" RHF")},
            sted=True,
        ),
        side=Sidevalg(
            _("eller helseregion"),
            _("Hele landet"),
            lambda: [(r.kode, r.navn) for r in Organisasjon.objects.rhf().order_by("kode")],
            store_bokstaver=True,
        ),
        flere_valg=True,
    ),
    Parameter(
        "fylke",
        lambda: _filter(FylkeField, METODE, _("Fylkesnummer (2 sifre)")),
        _fylke,
        slipp=(1, "geografi"),
        frase=Frase(_STED + 0.2, _i_sted, sted=True),
        side=Sidevalg(
            _("eller fylke"),
            _("Alle fylker"),
            lambda: [(f.nummer, f.navn) for f in Fylke.objects.order_by("navn")],
        ),
        flere_valg=True,
    ),
    Parameter(
        "kommune",
        lambda: _filter(KommuneField, METODE, _("Kommune (navn eller nummer)")),
        _kommune,
        slipp=(1, "geografi"),
        frase=Frase(_STED + 0.0, _i_sted, sted=True),
    ),
    Parameter(
        "postnummer",
        lambda: _filter(PostnummerField, METODE, _("Postnummer (4 sifre)")),
        _kommune,
        slipp=(1, "geografi"),
        frase=Frase(_STED + 0.1, _i_sted, sted=True),
        flere_valg=True,
    ),
    Parameter(
        # Ranks only: the bydel's own HF first (tilbud.sok.rangering). Its kommune (Oslo) is
        # the patient's kommune when none is given; another kommune is an error (filtre.py).
        "bydel",
        lambda: _filter(BydelField, METODE, _("Bydel i Oslo (SSB-nummer som 030111, eller navn)")),
        lambda qs, verdi, sok: qs,
        slipp=(1, "geografi"),
        frase=Frase(
            _STED - 0.1, lambda v: gettext("i bydel %(bydel)s") % {"bydel": v.navn}, sted=True
        ),
        side=Sidevalg(
            _("Bydel (Oslo)"),
            _("Ikke valgt"),
            # «Uoppgitt bydel» (0301 99, SKDE's default to OUS) is not a place a GP picks: not
            # knowing the bydel is the empty choice, and the answer says so.
            lambda: [
                (b.nummer, b.navn)
                for b in referanse().bydeler.values()
                if not b.nummer.endswith("99")
            ],
            valgt_verdi=_bydelsnummer,
        ),
    ),
    Parameter(
        "diagnose",
        lambda: _filter(DiagnoseField, METODE, _("Diagnose (ICPC-2, ICD-10 eller ord)")),
        _lenket(lambda: Tilbud.malgrupper.through, "malgruppe_id", lambda v: v.malgruppe_ider),
        sokerad=_diagnose_sokerad,
        slipp=(6, "diagnose"),
        frase=Frase(1, lambda v: gettext("for «%(sokt)s»") % {"sokt": v.sokt}),
    ),
    Parameter(
        "malgruppe",
        lambda: _filter(MalgruppeField, METODE, _("Målgruppe")),
        _lenket(lambda: Tilbud.malgrupper.through, "malgruppe_id", lambda v: [v.pk]),
        sokerad=_malgruppe_sokerad,
        slipp=(6, "diagnose"),
        frase=Frase(2, lambda v: gettext("for %(malgruppe)s") % {"malgruppe": v.navn.lower()}),
        side=Sidevalg(
            _("Målgruppe"), _("Alle"), lambda: [(m.slug, m.navn) for m in Malgruppe.objects.all()]
        ),
        flere_valg=True,
    ),
    Parameter(
        "fagomrade",
        lambda: _ChoiceFilter(choices=Fagomrade.choices, label=_("Fagområde"), method=METODE),
        _fagomrade,
        slipp=(5, "fagomrade"),
        frase=Frase(5, lambda v: gettext("innen %(fag)s") % {"fag": Fagomrade(v).label.lower()}),
        skjematype=None,
        side=Sidevalg(_("Fagområde"), _("Alle"), lambda: Fagomrade.choices),
        flere_valg=True,
    ),
    Parameter(
        "behandlingsform",
        lambda: _filter(BehandlingsformField, METODE, _("Behandlingsform")),
        _lenket(lambda: Tilbud.behandlingsformer.through, "behandlingsform_id", lambda v: [v.pk]),
        sokerad=_behandlingsform_sokerad,
        slipp=(2, "behandlingsform"),
        frase=Frase(6, lambda v: gettext("som %(form)s") % {"form": v.navn.lower()}),
        side=Sidevalg(
            _("Behandlingsform"),
            _("Alle"),
            lambda: [(b.kode, b.navn) for b in Behandlingsform.objects.all()],
            klasse="felt felt-smal",
        ),
    ),
    Parameter(
        "q",
        lambda: _filter(SoketekstField, METODE, _("Fritekst")),
        _q,
        slipp=(4, "fritekst"),
        frase=Frase(3, lambda v: gettext("som nevner «%(ord)s»") % {"ord": v}),
    ),
    Parameter(
        # Whole years only (the schema says integer 0–120): «7.5» and «null» are refused alike.
        "alder",
        lambda: _HeltallFilter(
            method=METODE, label=_("Pasientens alder"), min_value=0, max_value=120
        ),
        _alder,
        slipp=(3, "alder"),
        skjematype=None,
        frase=Frase(
            7,
            lambda v: ngettext("for %(alder)s år", "for %(alder)s år", int(v)) % {"alder": int(v)},
        ),
    ),
    Parameter(
        "digital",
        lambda: _BooleanFilter(
            method=METODE, label=_("Kan gis digitalt (video/nett): true eller false")
        ),
        lambda qs, verdi, sok: qs.filter(digital=verdi),  # the same column in both tables
        slipp=(2.5, "digital"),
        skjematype=None,
        frase=Frase(
            6.5,
            lambda v: gettext("som kan gis digitalt") if v else gettext("som ikke gis digitalt"),
        ),
        side=Sidevalg(
            _("Digitalt (video/nett)"),
            _("Alle"),
            lambda: [("true", _("Kan gis digitalt")), ("false", _("Bare oppmøte"))],
            klasse="felt felt-smal",
        ),
    ),
    Parameter(
        # Whole weeks; the waiting time compared is the one the card shows (its upper end).
        "maks_uker",
        lambda: _HeltallFilter(
            method=METODE,
            label=_(
                "Høyst så mange uker ventetid (0–260), slik kortet viser den; tilbud uten "
                "oppgitt ventetid tas ikke med"
            ),
            min_value=0,
            max_value=MAKS_UKER,
        ),
        _maks_uker,
        slipp=(2.7, "ventetid"),
        skjematype=None,
        frase=Frase(6.7, lambda v: f"med ventetid på høyst {int(v)} uker"),
    ),
    Parameter(
        # Not a filter: the order, applied after every filter (tilbud.sok.filtre).
        "sorter",
        lambda: _ChoiceFilter(
            choices=[
                (SORTER_RELEVANS, _("Relevans")),
                (SORTER_VENTETID, _("Korteste ventetid")),
            ],
            method=METODE,
            label=_(
                "Rekkefølge: relevans (standard) eller ventetid (korteste først, slik kortet "
                "viser den). Tilbud med ukjent ventetid kommer sist."
            ),
        ),
        lambda qs, verdi, sok: qs,
        skjematype=None,
        side=Sidevalg(
            _("Sorter etter"),
            _("Relevans"),
            lambda: [(SORTER_VENTETID, _("Korteste ventetid (ukjent sist)"))],
            klasse="felt felt-smal",
        ),
    ),
    Parameter(
        "status",
        lambda: _ChoiceFilter(
            choices=[*Tilbud.Status.choices, (STATUS_ALLE, _("Alle"))],
            method=METODE,
            label=_("Status (standard: alle som ikke er avsluttet)"),
        ),
        _status,
        side=Sidevalg(
            _("Status"),
            _("Alle som ikke er avsluttet"),
            lambda: [
                (Tilbud.Status.AKTIV, _("Bare bekreftet i 2020")),
                (STATUS_ALLE, _("Alle, også avsluttede")),
            ],
        ),
        flere_valg=True,
    ),
)

PARAMETER = {p.navn: p for p in PARAMETERE}

# Relaxations in the order a GP would accept them: geography first (tilbud elsewhere are rarely
# available, but better than nothing), then the narrowing options, the diagnosis last.
RELAKSERINGER: list[tuple[tuple[str, ...], str]] = [
    (tuple(p.navn for p in PARAMETERE if p.slipp == slipp), slipp[1])
    for slipp in sorted({p.slipp for p in PARAMETERE if p.slipp is not None})
]

FLERE_VALG = tuple(p.navn for p in PARAMETERE if p.flere_valg)


def beskriv(data: dict[str, Any]) -> str:
    """'for «hodepine» i Bodø som døgn/opphold' from a search's cleaned data, in the order of
    the rows' phrases."""
    deler: list[tuple[float, str]] = []
    sted: tuple[float, str] | None = None
    stedsplass = min(p.frase.plass for p in PARAMETERE if p.frase and p.frase.sted)
    for p in PARAMETERE:
        verdi = data.get(p.navn)
        if p.frase is None or verdi is None or verdi == "":
            continue
        if not p.frase.sted:
            deler.append((p.frase.plass, p.frase.tekst(verdi)))
        elif sted is None or p.frase.plass < sted[0]:
            sted = (p.frase.plass, p.frase.tekst(verdi))
    deler.append((stedsplass, sted[1]) if sted else (stedsplass, gettext("i hele landet")))
    return " ".join(tekst for _plass, tekst in sorted(deler, key=lambda d: d[0]))
