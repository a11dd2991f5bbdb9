"""No URL escapes the permission tests. The whole URLconf is walked (get_resolver()): every
route must be in a permission matrix (coordinator area: tests/koordinator/test_tilgangsmatrise.py;
referrals: tests/henvisning/test_tilgang.py; API tokens: tests/sikkerhet/test_tokener.py), in
the commented list of public routes below, or under /admin/ (Django's staff check, tested here
for anonymous and every non-staff role). A new route that is none of these fails the suite until
someone decides who may use it.
ASVS v5.0.0-8.1.1 (access rules documented), 8.2.1 (function-level access on every route).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.factories import BrukerFactory
from tests.henvisning.test_tilgang import dekkede_ruter as henvisningsmatrisen
from tests.koordinator.test_tilgangsmatrise import dekkede_ruter as koordinatormatrisen
from tests.sikkerhet.test_tokener import dekkede_ruter as tokenrutene
from tilbud.models import Organisasjon, Rolle

# Open to everyone by design, each with why. Static files are served by whitenoise outside the
# URLconf (read-only, no personal data). Writes on the catalogue API's objects (tilbud,
# organisations, sites, proposals, error reports) are in the coordinator matrix, not here.
OFFENTLIG: dict[str, str] = {
    # HTML for GPs and the public: search, the tilbud page and «Meld feil» on it (anyone may
    # report an error; only the region's coordinator sees the report).
    "sok": "forsiden med søket",
    "tilbud-detalj": "tilbudssiden",
    "tilbud-meld-feil": "«Meld feil» på tilbudssiden (alle kan melde)",
    "tilbud-bekreft-epost": "signert lenke i e-posten som bekrefter melderens adresse",
    "rapporter:oversikt": "regionale sammendrag: bare tall, med småtallsregel",
    # The catalogue API: open reads of reference data (GET only).
    "api-root": "DRF-ruterens oversikt over API-et",
    "malgruppe-list": "målgrupper",
    "malgruppe-detail": "én målgruppe",
    "kommune-list": "kommuner",
    "kommune-detail": "én kommune",
    "diagnosekode-list": "typeahead over ICPC-2/ICD-10",
    # The analysts' bulk API: open to all; a key only gives the client its own quota.
    "eksport-hsds": "katalogen som HSDS",
    "eksport-fhir": "katalogen som FHIR",
    "synk-tilbud": "endringer i katalogen",
    "rapporter-sammendrag": "sammendragene som API (samme tall som oversikten)",
    # The read-only FHIR directory (IHE mCSD): the public catalogue, GET only.
    "fhir-metadata": "CapabilityStatement",
    "fhir-sok": "ITI-90-søk i katalogen",
    "fhir-sok-post": "ITI-90-søk med parameterne i en POST-kropp (endrer ingenting)",
    "fhir-les": "én ressurs i katalogen",
    "fhir-historikk": "ITI-91-endringer i katalogen",
    "fhir-historikk-ressurs": "én ressurs' versjoner",
    # Schema and its documentation (describe the API, hold no data).
    "schema": "OpenAPI-skjemaet",
    "api-docs": "Swagger UI for skjemaet",
    # Health checks for docker-compose and monitoring (no data).
    "healthz": "lever prosessen",
    "readyz": "database, migreringer og Redis",
    # Language choice (a cookie).
    "set_language": "språkvalg",
    # Accounts: logging in must be possible without being logged in. Django's own views; the
    # password change pages are login_required (tested below), the reset pages mail a link.
    "login": "innlogging",
    "logout": "utlogging (POST)",
    "password_change": "krever innlogging",
    "password_change_done": "krever innlogging",
    "password_reset": "glemt passord",
    "password_reset_done": "glemt passord",
    "password_reset_confirm": "lenke fra e-post",
    "password_reset_complete": "glemt passord",
    "oidc-start": "innlogging med HelseID (404 når OIDC er av)",
    "oidc-tilbake": "svar fra HelseID",
    # Where each role lands after logging in, and a person's own API tokens: any logged-in
    # user, who sees only their own (tests/test_inngang.py, every role).
    "start": "krever innlogging; rollens startside eller valg",
    "start-api": "krever innlogging; bare egne tokener",
}
KREVER_INNLOGGING = {"password_change", "password_change_done", "start", "start-api"}
# Under /admin/: django.contrib.admin lets only active staff users in (AdminSite.has_permission).
ADMIN = "admin"


def _ruter(
    monstre: list[Any] | None = None, ns: str = "", rot: str = ""
) -> Iterator[tuple[str, str | None, URLPattern]]:
    """(namespace, full name or None, pattern) for every route in the URLconf."""
    for m in get_resolver().url_patterns if monstre is None else monstre:
        if isinstance(m, URLResolver):
            under = f"{ns}{m.namespace}:" if m.namespace else ns
            yield from _ruter(m.url_patterns, under, rot or (m.namespace or ""))
        elif isinstance(m, URLPattern):
            yield rot, (f"{ns}{m.name}" if m.name else None), m


def test_every_url_is_in_a_matrix_or_listed_public_or_admin() -> None:
    dekket = koordinatormatrisen() | henvisningsmatrisen() | tokenrutene()
    alle_navn = set()
    uten_dekning = []
    for rot, navn, monster in _ruter():
        if rot == ADMIN:
            continue
        if navn is None:
            uten_dekning.append(f"rute uten navn: {monster.pattern}")
            continue
        alle_navn.add(navn)
        if navn not in dekket and navn not in OFFENTLIG:
            uten_dekning.append(f"{navn} ({monster.pattern})")
    assert not uten_dekning, (
        "ruter som verken er i en tilgangsmatrise eller i listen over offentlige ruter:\n"
        + "\n".join(sorted(uten_dekning))
    )
    # Nothing stale: every listed name is still a route.
    assert not (set(OFFENTLIG) | dekket) - alle_navn, sorted((set(OFFENTLIG) | dekket) - alle_navn)
    # Public and matrix never overlap: a route is either open or decided by a matrix.
    assert not set(OFFENTLIG) & dekket


# --- The public routes are what the list says ------------------------------------------------

EKSEMPEL = {
    "tilbud-detalj": {"pk": None},  # filled with a real tilbud
    "tilbud-meld-feil": {"pk": None},
    "malgruppe-detail": {"slug": None},
    "kommune-detail": {"nummer": "1804"},
    "password_reset_confirm": {"uidb64": "MQ", "token": "feil-token"},
    "tilbud-bekreft-epost": {"token": "feil-token"},
    "fhir-sok": {"type_": "HealthcareService"},
    "fhir-sok-post": {"type_": "HealthcareService"},
    "fhir-les": {"type_": "Location", "id_": "kommune-1804"},
    "fhir-historikk": {"type_": "HealthcareService"},
    "fhir-historikk-ressurs": {"type_": "Organization", "id_": "1"},
}
API_LESING = [
    "api-root",
    "malgruppe-list",
    "malgruppe-detail",
    "kommune-list",
    "kommune-detail",
    "diagnosekode-list",
    "eksport-hsds",
    "eksport-fhir",
    "synk-tilbud",
    "rapporter-sammendrag",
    "schema",
    "fhir-metadata",
    "fhir-sok",
    "fhir-les",
    "fhir-historikk",
    "fhir-historikk-ressurs",
]


def _url(navn: str) -> str:
    from tilbud.models import Malgruppe, Tilbud

    kwargs = dict(EKSEMPEL.get(navn, {}))
    if "pk" in kwargs:
        kwargs["pk"] = Tilbud.objects.order_by("pk").values_list("pk", flat=True).first()
    if "slug" in kwargs:
        kwargs["slug"] = Malgruppe.objects.order_by("pk").values_list("slug", flat=True).first()
    return reverse(navn, kwargs=kwargs or None)


@pytest.fixture(autouse=True)
def _uten_struping(uten_struping) -> None:
    """Hundreds of requests from one client address: the quotas are tested elsewhere."""


# What an anonymous GET gets where it is not a page (200).
ANONYM_GET = {
    "set_language": {302},  # sets the cookie and goes back
    "tilbud-meld-feil": {405},  # the form is on the tilbud page; this takes its POST
    "logout": {405},  # POST only
    "oidc-start": {302, 404},  # to HelseID, or 404 while OIDC is off
    "oidc-tilbake": {302, 400, 404},  # without a state from the start: refused
    "readyz": {200, 503},  # 503 while a dependency is down
    "fhir-historikk": {200, 400},  # 400 OperationOutcome without the change log (SQLite)
    "fhir-historikk-ressurs": {200, 400, 404},  # as above; 404 when the catalogue is empty
}


@pytest.mark.django_db
@pytest.mark.parametrize("navn", sorted(set(OFFENTLIG) - KREVER_INNLOGGING))
def test_a_public_route_answers_an_anonymous_get(client: Client, navn: str) -> None:
    svar = client.get(_url(navn))
    assert svar.status_code in ANONYM_GET.get(navn, {200}), (navn, svar.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("navn", sorted(KREVER_INNLOGGING))
def test_password_change_needs_login(client: Client, navn: str) -> None:
    svar = client.get(_url(navn))
    assert svar.status_code == 302 and svar["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("navn", API_LESING)
@pytest.mark.parametrize("metode", ["post", "put", "patch", "delete"])
def test_a_public_api_route_takes_no_write(client: Client, navn: str, metode: str) -> None:
    svar = getattr(client, metode)(_url(navn))
    assert svar.status_code == 405, (navn, metode, svar.status_code)


# --- /admin/: staff only ---------------------------------------------------------------------


def _admin_urler() -> list[str]:
    """Every admin route, filled in with sample values (an object that need not exist: the
    staff check comes before any lookup)."""
    urler = []
    for rot, navn, monster in _ruter():
        if rot != ADMIN or navn is None:
            continue
        grupper = set(monster.pattern.regex.groupindex)
        kwargs = {g: ("tilbud" if g == "app_label" else "1") for g in grupper}
        try:
            urler.append(reverse(navn, kwargs=kwargs or None))
        except NoReverseMatch as feil:
            raise AssertionError(f"{navn}: fant ingen eksempelverdier for {grupper}") from feil
    urler.append("/admin/finnes-ikke/")  # the catch-all
    return urler


@pytest.fixture
def alle_roller_uten_stab(db) -> User:
    """One non-staff user holding every role at once: the strongest case short of staff."""
    bruker = BrukerFactory()
    nordland = Organisasjon.objects.get(navn="Nordlandssykehuset")
    for type_, felt in [
        ("koordinator", {"rhf": Organisasjon.objects.get(kode="HN")}),
        ("tilbudsredaktor", {"organisasjon": nordland}),
        ("mottaker", {"organisasjon": nordland}),
        ("henviser", {"henvisertype": "fastlege"}),
        ("analytiker", {}),
        ("administrator", {}),
    ]:
        Rolle.objects.create(bruker=bruker, type=type_, **felt)
    return bruker


@pytest.mark.django_db
def test_admin_refuses_anonymous_and_every_non_staff_role(alle_roller_uten_stab: User) -> None:
    urler = _admin_urler()
    assert len(urler) > 50
    innlogget = Client()
    innlogget.force_login(alle_roller_uten_stab)
    slapp_inn = []
    for klient, hvem in ((Client(), "anonym"), (innlogget, "alle roller, ikke stab")):
        for url in urler:
            if url in {reverse("admin:login"), reverse("admin:logout")}:
                continue
            svar = klient.get(url)
            if not (svar.status_code == 302 and "/admin/login/" in svar["Location"]):
                slapp_inn.append(f"{hvem} GET {url}: {svar.status_code}")
    assert not slapp_inn, "\n".join(slapp_inn)
