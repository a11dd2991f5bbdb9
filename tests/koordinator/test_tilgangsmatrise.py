"""Permission matrix: role × every coordinator URL, HTML and API × object (own region / other
region / missing) × method, from one table. A URL under /koordinator/, a route of the
coordinators' API objects (tilbud, organisations, sites, proposals, error reports) or any API
route that accepts a write, missing from the table fails the suite.

HTML: anonymous → login; API: anonymous → 401 (public reads stay open). Out of scope → 404, as
if the object did not exist; in scope, but a role that may not do it → 403."""

from types import ModuleType
from typing import Any, NamedTuple

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from .conftest import MANGLER, ROLLER, klient, lag_bruker

KOORDINATORER = {"koordinator_hn", "koordinator_hv", "administrator"}
REDIGERING = KOORDINATORER | {"redaktor_nordland", "redaktor_annen"}
# Who sees which object: own = Helse Nord / Nordlandssykehuset, annen = Helse Vest. The other
# Nordland editor (UNN) and the rest see neither.
I_OMFANG = {
    "koordinator_hn": {"egen"},
    "koordinator_hv": {"annen"},
    "administrator": {"egen", "annen"},
    "redaktor_nordland": {"egen"},
}


class Rute(NamedTuple):
    objekt: str | None  # object type in the URL, or None
    # method → (rule, status when allowed with an empty body and no If-Match). Rules:
    #   offentlig: anyone reads it
    #   rolle: coordinators, tilbudsredaktører and administrators (the coordinator area)
    #   koordinator: coordinators and administrators
    #   foresla: the object's coordinator (directly) or tilbudsredaktør (as a proposal)
    #   endre: the object's coordinator; its tilbudsredaktør gets 403
    #   se_forslag: the proposal's coordinator or the tilbudsredaktør of its organisation
    #   koordinator_objekt: the object's coordinator; other roles 403
    #   historikk: the object's coordinator; anyone else 404 (also its tilbudsredaktør)
    metoder: dict[str, tuple[str, int]]
    ekstra: dict[str, Any] = {}
    innlogget: bool = False  # API: the whole route needs login (401 before 405)


HTML: dict[str, Rute] = {
    "mine-tilbud": Rute(None, {"get": ("rolle", 200)}),
    "tilbud-ny": Rute(None, {"get": ("koordinator", 200), "post": ("koordinator", 400)}),
    "tilbud-bekreft-flere": Rute(None, {"post": ("koordinator", 302)}),
    "organisasjon-ny": Rute(None, {"get": ("koordinator", 200), "post": ("koordinator", 400)}),
    "tilbud-rediger": Rute("tilbud", {"get": ("foresla", 200), "post": ("foresla", 400)}),
    "tilbud-bekreft": Rute("tilbud", {"post": ("endre", 302)}),
    "tilbud-avslutt": Rute("tilbud", {"get": ("endre", 200), "post": ("endre", 400)}),
    "tilbud-gjenopprett": Rute("tilbud", {"post": ("endre", 302)}, {"versjon": 1}),
    "organisasjon-rediger": Rute("organisasjon", {"get": ("endre", 200), "post": ("endre", 400)}),
    "lokasjon-ny": Rute("organisasjon", {"get": ("endre", 200), "post": ("endre", 400)}),
    "lokasjon-rediger": Rute("lokasjon", {"get": ("endre", 200), "post": ("endre", 400)}),
    "forslag": Rute(None, {"get": ("koordinator", 200)}),
    "forslag-detalj": Rute("forslag", {"get": ("se_forslag", 200)}),
    "forslag-godkjenn": Rute("forslag", {"post": ("koordinator_objekt", 400)}),
    "forslag-avvis": Rute("forslag", {"post": ("koordinator_objekt", 400)}),
    "feilmeldinger": Rute(None, {"get": ("koordinator", 200)}),
    # The update duty: the coordinator and the provider's editor update waiting times directly.
    "ventetider": Rute(None, {"get": ("rolle", 200)}),
    "ventetid-oppdater": Rute("tilbud", {"post": ("foresla", 400)}),
    "feilmelding": Rute(
        "feilmelding", {"get": ("koordinator_objekt", 200), "post": ("koordinator_objekt", 400)}
    ),
}
HTML_METODER = ["get", "post", "put"]

API: dict[str, Rute] = {
    "tilbud-list": Rute(None, {"get": ("offentlig", 200), "post": ("koordinator", 400)}),
    "tilbud-detail": Rute("tilbud", {"get": ("offentlig", 200), "patch": ("foresla", 428)}),
    "tilbud-bekreft": Rute("tilbud", {"post": ("endre", 428)}),
    "tilbud-avslutt": Rute("tilbud", {"post": ("endre", 428)}),
    "tilbud-gjenopprett": Rute("tilbud", {"post": ("endre", 428)}),
    "tilbud-historikk": Rute("tilbud", {"get": ("historikk", 200)}),
    "organisasjon-list": Rute(None, {"get": ("offentlig", 200), "post": ("koordinator", 400)}),
    "organisasjon-detail": Rute(
        "organisasjon", {"get": ("offentlig", 200), "patch": ("endre", 428)}
    ),
    "organisasjon-lokasjoner": Rute(
        "organisasjon", {"get": ("offentlig", 200), "post": ("endre", 400)}
    ),
    "lokasjon-detail": Rute("lokasjon", {"get": ("offentlig", 200), "patch": ("endre", 428)}),
    "forslag-list": Rute(None, {"get": ("rolle", 200)}, innlogget=True),
    "forslag-detail": Rute("forslag", {"get": ("se_forslag", 200)}, innlogget=True),
    "forslag-godkjenn": Rute("forslag", {"post": ("koordinator_objekt", 428)}, innlogget=True),
    "forslag-avvis": Rute("forslag", {"post": ("koordinator_objekt", 400)}, innlogget=True),
    "feilmelding-list": Rute(None, {"get": ("koordinator", 200)}, innlogget=True),
    "feilmelding-detail": Rute("feilmelding", {"get": ("koordinator_objekt", 200)}, innlogget=True),
    "feilmelding-los": Rute("feilmelding", {"post": ("koordinator_objekt", 400)}, innlogget=True),
}
API_METODER = ["get", "post", "put", "patch", "delete"]
# The API objects the coordinators and tilbudsredaktører work on: every route is in the table.
API_OBJEKTER = {"tilbud", "organisasjon", "lokasjon", "forslag", "feilmelding"}
SKRIVEMETODER = {"post", "put", "patch", "delete"}


def etter_regel(rolle: str, regel: str, hvor: str | None, ok: int) -> int:
    """The answer for a signed-in role (HTML and API alike)."""
    if regel == "offentlig":
        return ok
    if regel == "rolle":
        return ok if rolle in REDIGERING else 403
    if regel == "koordinator":
        return ok if rolle in KOORDINATORER else 403
    if regel == "historikk":
        return ok if rolle in KOORDINATORER and hvor in I_OMFANG[rolle] else 404
    if regel == "koordinator_objekt" and rolle not in KOORDINATORER:
        return 403
    if regel == "se_forslag" and rolle not in REDIGERING:
        return 403
    if hvor not in I_OMFANG.get(rolle, set()):
        return 404
    if regel == "endre" and rolle not in KOORDINATORER:
        return 403  # a tilbudsredaktør sees it, but only coordinators change it directly
    return ok


def forventet_html(rolle: str, rute: Rute, hvor: str | None, metode: str) -> int:
    if rolle == "anonym":
        return 302
    if metode not in rute.metoder:
        return 405
    regel, ok = rute.metoder[metode]
    return etter_regel(rolle, regel, hvor, ok)


def forventet_api(rolle: str, rute: Rute, hvor: str | None, metode: str) -> int:
    if metode not in rute.metoder:
        return 401 if rolle == "anonym" and rute.innlogget else 405
    regel, ok = rute.metoder[metode]
    if regel == "offentlig":
        return 404 if hvor == "mangler" else ok
    if rolle == "anonym":
        return 401
    return etter_regel(rolle, regel, hvor, ok)


# --- The URLconf, walked -----------------------------------------------------------------------


def _under(namespace: str | None = None, urlconf: str | None = None) -> URLResolver:
    for monster in get_resolver().url_patterns:
        if not isinstance(monster, URLResolver):
            continue
        modul = monster.urlconf_name
        navn = modul.__name__ if isinstance(modul, ModuleType) else modul
        if (namespace and monster.namespace == namespace) or (urlconf and navn == urlconf):
            return monster
    raise AssertionError(f"fant ikke {namespace or urlconf} i URL-oppsettet")


def koordinator_ruter() -> set[str]:
    return {p.name for p in _under(namespace="koordinator").url_patterns}


def _metoder(monster: URLPattern) -> set[str]:
    """The HTTP methods a route's view answers (DRF viewsets: their method → action map)."""
    callback = monster.callback
    if actions := getattr(callback, "actions", None):
        return set(actions) - {"head", "options"}  # HEAD answers as GET
    if view_class := getattr(callback, "view_class", None):
        return {m for m in view_class.http_method_names if hasattr(view_class, m)} - {
            "head",
            "options",
        }
    return {"get", "post"}  # a plain function view: assume it may write


def api_ruter() -> tuple[set[str], set[str]]:
    """(routes on the coordinators' API objects, routes that accept a write) of tilbud.api."""
    objekter, skriving = set(), set()
    for monster in _under(urlconf="tilbud.api.urls").url_patterns:
        if not isinstance(monster, URLPattern) or not monster.name:
            continue
        if monster.name.rsplit("-", 1)[0] in API_OBJEKTER:
            objekter.add(monster.name)
        if _metoder(monster) & SKRIVEMETODER:
            skriving.add(monster.name)
    return objekter, skriving


def dekkede_ruter() -> set[str]:
    """Every URL name the tables cover, as `namespace:name` (the API's router names have no
    namespace). Read by tests/test_url_dekning.py, which walks the whole URLconf."""
    return {f"koordinator:{navn}" for navn in HTML} | set(API)


def test_every_coordinator_url_is_in_the_matrix() -> None:
    ruter = koordinator_ruter()
    assert ruter, "ingen ruter under /koordinator/"
    assert ruter == set(HTML), (
        f"mangler i tabellen: {sorted(ruter - set(HTML))}; finnes ikke: {sorted(set(HTML) - ruter)}"
    )


def test_every_coordinator_api_route_and_every_api_write_is_in_the_matrix() -> None:
    objekter, skriving = api_ruter()
    assert {"tilbud-detail", "forslag-godkjenn", "organisasjon-lokasjoner"} <= objekter
    assert {"tilbud-list", "lokasjon-detail", "feilmelding-los"} <= skriving
    mangler = (objekter | skriving) - set(API)
    assert not mangler, f"mangler i tabellen: {sorted(mangler)}"
    assert set(API) <= objekter | skriving, f"finnes ikke: {sorted(set(API) - objekter)}"
    # The table's methods are the route's methods: nothing allowed is untested.
    for monster in _under(urlconf="tilbud.api.urls").url_patterns:
        if isinstance(monster, URLPattern) and monster.name in API:
            assert _metoder(monster) == set(API[monster.name].metoder), monster.name


def test_table_is_not_trivial() -> None:
    # The rules give every answer somewhere: a table where everything is 200 would not test.
    svar = {
        forventet_api(r, rute, h, m)
        for r in ROLLER
        for rute in API.values()
        for h in ("egen", "annen", "mangler")
        for m in API_METODER
    }
    assert {200, 400, 401, 403, 404, 405, 428} <= svar


def _sjekk(
    navn: str,
    rute: Rute,
    objekter: dict[str, dict[str, int]],
    lag_klient: Any,
    metoder: list[str],
    forventet: Any,
    url_for: Any,
) -> list[str]:
    brukere = {rolle: lag_bruker(rolle) for rolle in ROLLER}
    steder: list[str | None] = ["egen", "annen", "mangler"] if rute.objekt else [None]
    avvik = []
    for rolle in ROLLER:
        c = lag_klient(brukere[rolle])
        for hvor in steder:
            kwargs = dict(rute.ekstra)
            if rute.objekt:
                kwargs["pk"] = MANGLER if hvor == "mangler" else objekter[rute.objekt][hvor]
            url = url_for(navn, kwargs)
            for metode in metoder:
                svar = getattr(c, metode)(url)
                onsket = forventet(rolle, rute, hvor, metode)
                if svar.status_code != onsket:
                    avvik.append(
                        f"{rolle} {metode.upper()} {url} ({hvor}): "
                        f"{svar.status_code}, ventet {onsket}"
                    )
                if rolle == "anonym" and onsket == 302:
                    assert svar["Location"].startswith(reverse("login") + "?next=")
    return avvik


@pytest.mark.django_db
@pytest.mark.parametrize("navn", sorted(HTML))
def test_permission_matrix_html(navn: str, objekter: dict[str, dict[str, int]]) -> None:
    avvik = _sjekk(
        navn,
        HTML[navn],
        objekter,
        klient,
        HTML_METODER,
        forventet_html,
        lambda n, kw: reverse(f"koordinator:{n}", kwargs=kw or None),
    )
    assert avvik == [], "\n".join(avvik)


def api_klient(bruker: Any) -> APIClient:
    c = APIClient()
    if bruker is not None:
        c.force_login(bruker)  # session, as the HTML pages' JavaScript would
    return c


@pytest.mark.django_db
@pytest.mark.parametrize("navn", sorted(API))
def test_permission_matrix_api(navn: str, objekter: dict[str, dict[str, int]]) -> None:
    avvik = _sjekk(
        navn,
        API[navn],
        objekter,
        api_klient,
        API_METODER,
        forventet_api,
        lambda n, kw: reverse(n, kwargs=kw or None),
    )
    assert avvik == [], "\n".join(avvik)
