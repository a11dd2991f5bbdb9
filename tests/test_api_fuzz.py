"""Schemathesis against our own OpenAPI schema (/api/schema/), in-process through Django's WSGI
handler, once per role: anonymous, henviser (GP), mottaker (receiving unit), tilbudsredaktør,
koordinator, analytiker (API key) and administrator. Every response must be no server error and
conform to the schema: status code documented, content type and body as documented, headers as
documented; schema-violating requests must be refused, and auth must not be ignored.

Phases, bounded so the file costs about a minute:
- examples and fuzzing (`MAKS_EKSEMPLER` per operation) for every role on every operation: a
  role that may not use an operation must still get a documented refusal, never a 500;
- coverage (schemathesis' deterministic enumeration of boundary and invalid values for every
  parameter and field) for each operation under the role that reaches its handler (`EIER`
  below): under other roles the same enumeration only meets the same 401/403/404 before the
  input is read. A test checks that every operation has an owner, so none escapes coverage;
- stateful: sequences that follow the links schemathesis infers (a created referral is read,
  changed and sent; a tilbud is read and patched with its ETag), per role.

Each test gets a fresh transaction (pytest-django, function scope) with its own users, so what
one role's run creates or changes is gone before the next.

Checks not run, and why:
- positive_data_acceptance ("a schema-valid request must not get 4xx"): the API answers 400 for
  what JSON Schema cannot express — a page past the last one, a fødselsnummer with a wrong check
  digit, an unknown målgruppe slug, a tampered sync cursor, an end date before the start. Those
  400s are correct and documented; the check would demand the opposite.
"""

import hashlib

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from rapporter.models import ApiNokkel
from rapporter.services import api_nokkel_hash, del_api_nokkel
from tests.factories import bruker_med_rolle

ROLLER = [
    "anonym",
    "henviser",
    "mottaker",
    "tilbudsredaktor",
    "koordinator",
    "analytiker",
    "administrator",
]
# schemathesis' defaults for the two checks (4.32.5), which the configuration below extends.
NEGATIV_AVVIST = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429"]
MANGLENDE_HODE = ["400", "401", "403", "406", "415", "422"]
MAKS_EKSEMPLER = 4
MAKS_EKSEMPLER_EIER = 12
APP = WSGIHandler()

# The role whose requests get past the access check into the handler, per operation: the
# coverage phase runs there. The administrator can do what a coordinator can in every region;
# its own run (examples and fuzzing on everything) covers that it is let in.
EIER: dict[str, list[str]] = {
    "anonym": [
        "GET /api/v1/tilbud/",
        "GET /api/v1/tilbud/{id}/",
        "GET /api/v1/organisasjoner/",
        "GET /api/v1/organisasjoner/{id}/",
        "GET /api/v1/organisasjoner/{id}/lokasjoner/",
        "GET /api/v1/lokasjoner/{id}/",
        "GET /api/v1/malgrupper/",
        "GET /api/v1/malgrupper/{slug}/",
        "GET /api/v1/kommuner/",
        "GET /api/v1/kommuner/{nummer}/",
        "GET /api/v1/diagnosekoder/",
    ],
    "analytiker": [
        "GET /api/v1/eksport/hsds/",
        "GET /api/v1/eksport/fhir/",
        "GET /api/v1/synk/tilbud/",
        "GET /api/v1/rapporter/sammendrag/",
    ],
    "henviser": [
        "GET /api/v1/henvisninger/",
        "POST /api/v1/henvisninger/",
        "GET /api/v1/henvisninger/{id}/",
        "PATCH /api/v1/henvisninger/{id}/",
        "POST /api/v1/henvisninger/{id}/send/",
        "POST /api/v1/henvisninger/{id}/trekk/",
        "POST /api/v1/henvisninger/{id}/foresporsler/{foresporsel_id}/svar/",
        "GET /api/v1/henvisninger/{id}/fhir/",
        "POST /api/v1/henvisninger/sok/",
        "GET /api/v1/henvisninger/sjekklister/{tilbud_id}/",
    ],
    "mottaker": [
        "POST /api/v1/henvisninger/{id}/motta/",
        "POST /api/v1/henvisninger/{id}/vurder/",
        "POST /api/v1/henvisninger/{id}/venter/",
        "POST /api/v1/henvisninger/{id}/start/",
        "POST /api/v1/henvisninger/{id}/avslutt/",
        "POST /api/v1/henvisninger/{id}/avvis/",
        "GET /api/v1/henvisninger/{id}/videresending/",
        "POST /api/v1/henvisninger/{id}/foresporsler/",
        "GET /api/v1/henvisninger/forfalte/",
    ],
    "tilbudsredaktor": [
        "PATCH /api/v1/tilbud/{id}/",
        "GET /api/v1/forslag/",
        "GET /api/v1/forslag/{id}/",
    ],
    "koordinator": [
        "POST /api/v1/tilbud/",
        "POST /api/v1/tilbud/{id}/bekreft/",
        "POST /api/v1/tilbud/{id}/avslutt/",
        "POST /api/v1/tilbud/{id}/gjenopprett/",
        "GET /api/v1/tilbud/{id}/historikk/",
        "POST /api/v1/organisasjoner/",
        "PATCH /api/v1/organisasjoner/{id}/",
        "POST /api/v1/organisasjoner/{id}/lokasjoner/",
        "PATCH /api/v1/lokasjoner/{id}/",
        "POST /api/v1/forslag/{id}/godkjenn/",
        "POST /api/v1/forslag/{id}/avvis/",
        "GET /api/v1/feilmeldinger/",
        "GET /api/v1/feilmeldinger/{id}/",
        "POST /api/v1/feilmeldinger/{id}/los/",
        "PUT /api/v1/henvisninger/sjekklister/{tilbud_id}/",
        "GET /api/v1/henvisninger/forfalte-per-enhet/",
    ],
    "administrator": [],
}


# Fixed credentials, so that they can stand in schemathesis' own configuration (its auth checks
# then know them); the user or key behind each is made anew in every test's transaction.
TOKEN = {rolle: hashlib.sha1(rolle.encode()).hexdigest() for rolle in ROLLER}  # noqa: S324
NOKKEL = "f0220a11.fuzz-analytiker-hemmelig"
AUTORISASJON = {
    rolle: (
        {}
        if rolle == "anonym"
        else {"Authorization": f"Api-Key {NOKKEL}"}
        if rolle == "analytiker"
        else {"Authorization": f"Token {TOKEN[rolle]}"}
    )
    for rolle in ROLLER
}


def _lag_bruker(rolle: str) -> None:
    """The user with the role and its token (the analyst: an API key) for one test."""
    if rolle == "anonym":
        return
    if rolle == "analytiker":
        prefiks = del_api_nokkel(NOKKEL)[0]
        ApiNokkel.objects.create(
            navn="Fuzz", eier="Test", prefiks=prefiks, nokkel_hash=api_nokkel_hash(NOKKEL)
        )
        return
    bruker = {
        "henviser": lambda: bruker_med_rolle("henviser", henvisertype="fastlege"),
        "mottaker": lambda: bruker_med_rolle("mottaker", organisasjon="Nordlandssykehuset"),
        "tilbudsredaktor": lambda: bruker_med_rolle(
            "tilbudsredaktor", organisasjon="Nordlandssykehuset"
        ),
        "koordinator": lambda: bruker_med_rolle("koordinator", rhf="HN"),
        "administrator": lambda: bruker_med_rolle("administrator"),
    }[rolle]()
    Token.objects.create(user=bruker, key=TOKEN[rolle])


def _konfig(rolle: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            # Fixed seed: the same cases in CI every time (a failure is reproducible).
            "seed": 14,
            "headers": AUTORISASJON[rolle],
            "generation": {"max-examples": MAKS_EKSEMPLER, "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                "fuzzing": {"enabled": True},
                "coverage": {"enabled": False},
                "stateful": {"enabled": True, "max-steps": 6},
            },
            "checks": {
                "positive_data_acceptance": {"enabled": False},
                # A request with a stale or foreign If-Match is refused with 412 before its body
                # is read (a precondition is evaluated first, RFC 9110 §13.2.2): a refusal as
                # good as a 400. A missing If-Match is 428 Precondition Required (RFC 6585),
                # the status made for exactly that.
                "negative_data_rejection": {"expected-statuses": [*NEGATIV_AVVIST, "412"]},
                "missing_required_header": {"expected-statuses": [*MANGLENDE_HODE, "428"]},
            },
            "operations": [
                {
                    "include-name": EIER[rolle],
                    "phases": {"coverage": {"enabled": True}},
                    "generation": {"max-examples": MAKS_EKSEMPLER_EIER},
                }
            ]
            if EIER[rolle]
            else [],
        }
    )


# The schema is fetched once through the app (so /api/schema/ itself is tested), then read
# into one schemathesis schema per role, each with its own configuration.
_SKJEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP).raw_schema
SKJEMAER = {}
for _rolle in ROLLER:
    SKJEMAER[_rolle] = schemathesis.openapi.from_dict(_SKJEMA, config=_konfig(_rolle))
    SKJEMAER[_rolle].app = APP


@pytest.fixture
def app_i_testtransaksjonen(db, settings):
    """The test's transaction survives each request (Django closes "old" connections at the
    start and end of a request; its own test client prevents that too). No throttling: the
    quotas have their own tests, and hundreds of requests come from one address here."""
    settings.API_ANONYM_STRUPING = None
    settings.API_NOKKEL_STRUPING = "1000000/hour"
    for navn in ("API_STRUPING_ANONYM", "API_STRUPING_INNLOGGET"):
        if hasattr(settings, navn):
            setattr(settings, navn, None)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield APP
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bruker(request, app_i_testtransaksjonen) -> None:
    """A fresh user with the test's role (`rolle` on the test function), for one operation."""
    _lag_bruker(request.function.rolle)


def _operasjonstest(rolle: str):
    @SKJEMAER[rolle].parametrize()
    @hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
    def test(case, bruker) -> None:
        case.call_and_validate()

    test.rolle = rolle
    return test


test_api_anonym = _operasjonstest("anonym")
test_api_henviser = _operasjonstest("henviser")
test_api_mottaker = _operasjonstest("mottaker")
test_api_tilbudsredaktor = _operasjonstest("tilbudsredaktor")
test_api_koordinator = _operasjonstest("koordinator")
test_api_analytiker = _operasjonstest("analytiker")
test_api_administrator = _operasjonstest("administrator")


@pytest.mark.parametrize("rolle", ROLLER)
def test_api_stateful(rolle: str, app_i_testtransaksjonen) -> None:
    _lag_bruker(rolle)
    SKJEMAER[rolle].as_state_machine().run(
        settings=hypothesis.settings(
            max_examples=5,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


def test_every_operation_has_a_role_that_runs_its_coverage_phase() -> None:
    operasjoner = {
        f"{metode.upper()} {sti}"
        for sti, metoder in _SKJEMA["paths"].items()
        for metode in metoder
        if metode in {"get", "post", "put", "patch", "delete"}
    }
    eid = [navn for navner in EIER.values() for navn in navner]
    assert len(eid) == len(set(eid)), "en operasjon har to eiere"
    assert set(eid) == operasjoner, (
        f"uten eier: {sorted(operasjoner - set(eid))}; "
        f"finnes ikke: {sorted(set(eid) - operasjoner)}"
    )
