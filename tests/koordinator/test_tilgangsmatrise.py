"""Permission matrix: role × every coordinator URL × object (own region / other region /
missing) × method, from one table. A URL under /koordinator/ missing from the table fails the
suite. Anonymous → login; out of scope → 404; in scope without the right → 403."""

from typing import Any, NamedTuple

import pytest
from django.urls import URLResolver, get_resolver, reverse

from .conftest import MANGLER, ROLLER, klient, lag_bruker

KOORDINATORER = {"koordinator_hn", "koordinator_hv", "administrator"}
# Who sees which object: own = Helse Nord / Nordlandssykehuset, annen = Helse Vest.
I_OMFANG = {
    "koordinator_hn": {"egen"},
    "koordinator_hv": {"annen"},
    "administrator": {"egen", "annen"},
    "redaktor_nordland": {"egen"},
}


class Rute(NamedTuple):
    objekt: str | None  # object type in the URL, or None
    regel: str  # rolle | koordinator | foresla | endre | koordinator_objekt
    metoder: dict[str, int]  # allowed method → status when allowed (empty POST)
    ekstra: dict[str, Any] = {}


TABELL: dict[str, Rute] = {
    "mine-tilbud": Rute(None, "rolle", {"get": 200}),
    "tilbud-ny": Rute(None, "koordinator", {"get": 200, "post": 400}),
    "tilbud-rediger": Rute("tilbud", "foresla", {"get": 200, "post": 400}),
    "tilbud-bekreft": Rute("tilbud", "endre", {"post": 302}),
    "tilbud-avslutt": Rute("tilbud", "endre", {"get": 200, "post": 400}),
    "tilbud-gjenopprett": Rute("tilbud", "endre", {"post": 302}, {"versjon": 1}),
    "organisasjon-rediger": Rute("organisasjon", "endre", {"get": 200, "post": 400}),
    "lokasjon-ny": Rute("organisasjon", "endre", {"get": 200, "post": 400}),
    "lokasjon-rediger": Rute("lokasjon", "endre", {"get": 200, "post": 400}),
    "forslag": Rute(None, "koordinator", {"get": 200}),
    "forslag-detalj": Rute("forslag", "koordinator_objekt", {"get": 200}),
    "forslag-godkjenn": Rute("forslag", "koordinator_objekt", {"post": 400}),
    "forslag-avvis": Rute("forslag", "koordinator_objekt", {"post": 400}),
    "feilmeldinger": Rute(None, "koordinator", {"get": 200}),
    "feilmelding": Rute("feilmelding", "koordinator_objekt", {"get": 200, "post": 400}),
}
METODER = ["get", "post", "put"]


def forventet(rolle: str, rute: Rute, hvor: str | None, metode: str) -> int:
    if rolle == "anonym":
        return 302
    if metode not in rute.metoder:
        return 405
    ok = rute.metoder[metode]
    if rute.regel == "rolle":
        return 403 if rolle == "analytiker" else ok
    if rute.regel == "koordinator":
        return ok if rolle in KOORDINATORER else 403
    if rute.regel == "koordinator_objekt" and rolle not in KOORDINATORER:
        return 403
    if hvor not in I_OMFANG.get(rolle, set()):
        return 404
    if rute.regel == "endre" and rolle not in KOORDINATORER:
        return 403  # a tilbudsredaktør sees it, but only coordinators change it directly
    return ok


def koordinator_ruter() -> set[str]:
    for mønster in get_resolver().url_patterns:
        if isinstance(mønster, URLResolver) and mønster.namespace == "koordinator":
            return {p.name for p in mønster.url_patterns}
    raise AssertionError("fant ikke /koordinator/ i URL-oppsettet")


def test_every_coordinator_url_is_in_the_matrix() -> None:
    ruter = koordinator_ruter()
    assert ruter, "ingen ruter under /koordinator/"
    assert ruter == set(TABELL), (
        f"mangler i tabellen: {sorted(ruter - set(TABELL))}; "
        f"finnes ikke: {sorted(set(TABELL) - ruter)}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("navn", sorted(TABELL))
def test_permission_matrix(navn: str, objekter: dict[str, dict[str, int]]) -> None:
    rute = TABELL[navn]
    brukere = {rolle: lag_bruker(rolle) for rolle in ROLLER}
    steder: list[str | None] = ["egen", "annen", "mangler"] if rute.objekt else [None]
    avvik = []
    for rolle in ROLLER:
        c = klient(brukere[rolle])
        for hvor in steder:
            kwargs = dict(rute.ekstra)
            if rute.objekt:
                kwargs["pk"] = MANGLER if hvor == "mangler" else objekter[rute.objekt][hvor]
            url = reverse(f"koordinator:{navn}", kwargs=kwargs or None)
            for metode in METODER:
                svar = getattr(c, metode)(url)
                onsket = forventet(rolle, rute, hvor, metode)
                if svar.status_code != onsket:
                    avvik.append(
                        f"{rolle} {metode.upper()} {url} ({hvor}): "
                        f"{svar.status_code}, ventet {onsket}"
                    )
                if rolle == "anonym":
                    assert svar["Location"].startswith(reverse("login") + "?next=")
    assert avvik == [], "\n".join(avvik)
