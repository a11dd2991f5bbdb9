"""HTML: /rapporter/ shows the regional summaries as server-rendered SVG charts and a coverage
matrix, each chart with the table it is drawn from: active tilbud per målgruppe, and the referral
figures per region (status, assessed within the deadline, waiting time)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from henvisning.models import Henvisning
from rapporter import selectors
from rapporter.models import HENVISNINGSSTATUSER, Niva, Sammendragsrad
from tilbud.rules import kan_se_henvisningstall

STOLPE_HOYDE = 22
STOLPE_AVSTAND = 8
ETIKETT_BREDDE = 260
STOLPE_MAKS = 300


@dataclass(frozen=True)
class Stolpe:
    navn: str
    antall: int
    y: int
    bredde: int
    tekst_y: int


@dataclass(frozen=True)
class Diagram:
    kode: str
    navn: str
    totalt: int
    stolper: list[Stolpe]
    hoyde: int
    bredde: int


def lag_diagrammer(regioner: list[dict], maks: int) -> list[Diagram]:
    """Bar geometry per RHF: one bar per målgruppe, scaled to the largest cell of all RHF so
    that the charts can be compared."""
    diagrammer = []
    for region in regioner:
        stolper = []
        for i, celle in enumerate(region["celler"]):
            y = i * (STOLPE_HOYDE + STOLPE_AVSTAND)
            bredde = round(celle["aktive"] * STOLPE_MAKS / maks) if maks else 0
            stolper.append(
                Stolpe(celle["malgruppe"].navn, celle["aktive"], y, bredde, y + STOLPE_HOYDE - 6)
            )
        diagrammer.append(
            Diagram(
                kode=region["kode"],
                navn=region["navn"],
                totalt=region.get("totalt", 0),
                stolper=stolper,
                hoyde=len(stolper) * (STOLPE_HOYDE + STOLPE_AVSTAND),
                bredde=ETIKETT_BREDDE + STOLPE_MAKS + 50,
            )
        )
    return diagrammer


@dataclass(frozen=True)
class Verdistolpe:
    """A bar for a figure that may be suppressed (None): then no bar, and the text says why."""

    navn: str
    tekst: str
    y: int
    bredde: int
    tekst_y: int


@dataclass(frozen=True)
class Verdidiagram:
    kode: str
    tittel: str
    beskrivelse: str
    kolonne: str
    stolper: list[Verdistolpe]
    hoyde: int
    bredde: int


def _tekst(verdi: float | None, skjult: bool, formater: Callable[[float], str]) -> str:
    if verdi is not None:
        return formater(verdi)
    return _("under 5") if skjult else "–"


def lag_verdidiagram(
    *,
    kode: str,
    tittel: str,
    beskrivelse: str,
    kolonne: str,
    verdier: list[tuple[str, float | None, bool]],
    maks: float,
    formater: Callable[[float], str],
) -> Verdidiagram:
    """Bars for (label, value or None, suppressed?) scaled to `maks`."""
    stolper = []
    for i, (navn, verdi, skjult) in enumerate(verdier):
        y = i * (STOLPE_HOYDE + STOLPE_AVSTAND)
        bredde = round((verdi or 0) * STOLPE_MAKS / maks) if maks else 0
        stolper.append(
            Verdistolpe(navn, _tekst(verdi, skjult, formater), y, bredde, y + STOLPE_HOYDE - 6)
        )
    return Verdidiagram(
        kode=kode,
        tittel=tittel,
        beskrivelse=beskrivelse,
        kolonne=kolonne,
        stolper=stolper,
        hoyde=len(stolper) * (STOLPE_HOYDE + STOLPE_AVSTAND),
        bredde=ETIKETT_BREDDE + STOLPE_MAKS + 90,
    )


def _heltall(verdi: float) -> str:
    return number_format(round(verdi), force_grouping=True)


def _dager(verdi: float) -> str:
    return _("%(dager)s dager") % {"dager": number_format(verdi, decimal_pos=1)}


def _prosent(verdi: float) -> str:
    return f"{number_format(verdi * 100, decimal_pos=0)} %"


def henvisningsdiagrammer(rader: list[Sammendragsrad]) -> list[Verdidiagram]:
    """One chart per RHF of its referrals by status, then the assessment deadline and the
    waiting time across the RHF (each RHF's year total row)."""
    statusnavn = dict(Henvisning.Status.choices)
    maks = max(
        (getattr(r, f"status_{s}") or 0 for r in rader for s in HENVISNINGSSTATUSER), default=0
    )
    diagrammer = [
        lag_verdidiagram(
            kode=f"status-{r.region_kode}",
            tittel=_("%(region)s: henvisninger sendt i %(periode)s etter status nå")
            % {"region": r.region_navn, "periode": r.periode},
            beskrivelse=_("Sendt i alt: %(antall)s.")
            % {"antall": _tekst(r.henvisninger_totalt, r.undertrykt, _heltall)},
            kolonne=_("Henvisninger"),
            verdier=[
                (
                    str(statusnavn[s]),
                    getattr(r, f"status_{s}"),
                    getattr(r, f"status_{s}") is None and r.undertrykt,
                )
                for s in HENVISNINGSSTATUSER
            ],
            maks=maks,
            formater=_heltall,
        )
        for r in rader
    ]
    diagrammer.append(
        lag_verdidiagram(
            kode="innen-frist",
            tittel=_("Vurdert innen 10 virkedager"),
            beskrivelse=_(
                "Andel av henvisningene med passert frist eller avgjørelse som ble vurdert "
                "eller avvist senest på vurderingsfristen."
            ),
            kolonne=_("Andel"),
            verdier=[(r.region_navn, r.andel_vurdert_innen_10_dager, r.undertrykt) for r in rader],
            maks=1.0,
            formater=_prosent,
        )
    )
    ventetider = [
        (f"{r.region_navn}: {navn}", getattr(r, felt), r.undertrykt)
        for r in rader
        for felt, navn in (
            ("ventetid_median_dager", _("median")),
            ("ventetid_p90_dager", _("90-persentil")),
        )
    ]
    diagrammer.append(
        lag_verdidiagram(
            kode="ventetid",
            tittel=_("Ventetid fra sendt henvisning til behandlingen startet"),
            beskrivelse=_("Kalenderdager, for henvisninger der behandlingen startet i perioden."),
            kolonne=_("Dager"),
            verdier=ventetider,
            maks=max((v or 0 for _n, v, _s in ventetider), default=0),
            formater=_dager,
        )
    )
    return diagrammer


def oversikt(request: HttpRequest) -> HttpResponse:
    malgrupper, rhf_rader = selectors.dekningsmatrise(Niva.RHF)
    _mg, fylke_rader = selectors.dekningsmatrise(Niva.FYLKE)
    generasjoner = selectors.siste_generasjoner()
    maks = max((c["aktive"] for r in rhf_rader for c in r["celler"]), default=0)
    # Referral figures need a key in the API, and a role here (tilbud.rules).
    med_henvisningstall = kan_se_henvisningstall(request.user)
    henvisningsrader = selectors.henvisningstall_per_rhf() if med_henvisningstall else []
    return render(
        request,
        "rapporter/oversikt.html",
        {
            "malgrupper": malgrupper,
            "diagrammer": lag_diagrammer(rhf_rader, maks),
            "henvisningsdiagrammer": (
                henvisningsdiagrammer(henvisningsrader) if henvisningsrader else []
            ),
            "med_henvisningstall": med_henvisningstall,
            "matriser": [("rhf", rhf_rader), ("fylke", fylke_rader)],
            "generasjoner": generasjoner,
            "etikett_bredde": ETIKETT_BREDDE,
            "stolpe_maks": STOLPE_MAKS,
        },
    )
