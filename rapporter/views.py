"""HTML: /rapporter/ shows the regional summaries as server-rendered SVG charts and a coverage
matrix, each chart with the table it is drawn from."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapporter import selectors
from rapporter.models import Niva

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


def oversikt(request: HttpRequest) -> HttpResponse:
    malgrupper, rhf_rader = selectors.dekningsmatrise(Niva.RHF)
    _, fylke_rader = selectors.dekningsmatrise(Niva.FYLKE)
    generasjoner = selectors.siste_generasjoner()
    maks = max((c["aktive"] for r in rhf_rader for c in r["celler"]), default=0)
    return render(
        request,
        "rapporter/oversikt.html",
        {
            "malgrupper": malgrupper,
            "diagrammer": lag_diagrammer(rhf_rader, maks),
            "matriser": [("rhf", rhf_rader), ("fylke", fylke_rader)],
            "generasjoner": generasjoner,
            "etikett_bredde": ETIKETT_BREDDE,
        },
    )
