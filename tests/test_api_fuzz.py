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

Each test gets a fresh transaction (pytest-django, function scope) with its own world: the
role's user and real objects (a tilbud, its organisation and site, a proposal, an error report,
a draft and a sent referral with an open question), made by `_lag_verden`. Half the generated
ids are those objects, so requests get past the 404 into access checks and handlers; what one
role's run creates or changes is gone before the next.

`make fuzz` (FUZZ_GRUNDIG=1) runs the same tests thoroughly: every phase for every role (the
coverage phase under the owner, as above), every check (positive_data_acceptance included,
counted but not failing: see below), FUZZ_EKSEMPLER (100) examples per operation under its
owner and FUZZ_EKSEMPLER_ANDRE (10) under the other roles, and NUL bytes in generated strings.
Both runs send every JSON operation, under every role, deeply nested documents and strings with
NUL and lone surrogates (a few seconds). The thorough run writes its counts (operations, cases,
server errors, schema violations, valid requests rejected) to bench/fuzz_resultat.json.

Checks not run in the quick run, or widened, and why:
- positive_data_acceptance ("a schema-valid request must not get 4xx"): the API answers 400 for
  what JSON Schema cannot express — a page past the last one, a fødselsnummer with a wrong check
  digit, an unknown målgruppe slug, a tampered sync cursor, an end date before the start. Those
  400s are correct and documented; the check would demand the opposite.
- negative_data_rejection also takes 412, and missing_required_header 428: see `_konfig`.
"""

import hashlib
import json
import os
import re
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup, ServerError
from schemathesis.openapi.checks import (
    JsonSchemaError,
    MalformedMediaType,
    MissingContentType,
    MissingHeaders,
    RejectedPositiveData,
    UndefinedContentType,
    UndefinedStatusCode,
)

from helsearbeid.api.skjema import sett_oppslagsverdier
from helsearbeid.hemmelighet import del_hemmelighet, hemmelighet_hash
from helsearbeid.tokens.models import ApiToken
from helsearbeid.tokens.services import passord_merke
from rapporter.models import ApiNokkel
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
# `make fuzz`: the thorough run (see the module docstring).
GRUNDIG = os.environ.get("FUZZ_GRUNDIG") == "1"
MAKS_EKSEMPLER = int(os.environ.get("FUZZ_EKSEMPLER_ANDRE", "10")) if GRUNDIG else 3
MAKS_EKSEMPLER_EIER = int(os.environ.get("FUZZ_EKSEMPLER", "100")) if GRUNDIG else 8
TILSTANDSEKSEMPLER = 20 if GRUNDIG else 5
TILSTANDSSTEG = 10 if GRUNDIG else 6
RESULTATFIL = Path(__file__).resolve().parent.parent / "bench" / "fuzz_resultat.json"
APP = WSGIHandler()
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

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
        # A person's own tokens. POST needs a session (403 with a token, which is all the fuzz
        # run has): tests/sikkerhet/test_tokener.py makes tokens with a session.
        "GET /api/v1/token/",
        "POST /api/v1/token/",
        "DELETE /api/v1/token/{prefiks}/",
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
TOKEN = {rolle: f"{rolle[:8]}.{hashlib.sha1(rolle.encode()).hexdigest()}" for rolle in ROLLER}  # noqa: S324
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


def _lag_verden(rolle: str) -> dict[str, list[int]]:
    """The test's user (with the role's token or key) and real objects for it to meet: a Helse
    Nord tilbud with its organisation and site, a pending proposal and an open error report on
    it, and at a private provider a draft referral and a sent one with an open question. The
    role's user is the referral's sender (henviser), the provider's receiving unit (mottaker),
    Nordlandssykehuset's editor (tilbudsredaktør) or Helse Nord's coordinator."""
    from henvisning.livssyklus import Handling, Part
    from henvisning.models import Sjekkliste
    from henvisning.services import foresporsel_opprett, henvisning_opprett, henvisning_overgang
    from tests.factories import TilbudFactory
    from tests.henvisning.conftest import komplett
    from tilbud.models import Endringsforslag, Feilmelding, Lokasjon, Organisasjon, Tilbud

    klinikk = Organisasjon.objects.create(navn="Fuzzklinikken AS", type=Organisasjon.Type.PRIVAT)
    roller = {
        "henviser": lambda: bruker_med_rolle("henviser", henvisertype="fastlege"),
        "mottaker": lambda: bruker_med_rolle("mottaker", organisasjon=klinikk.navn),
        "tilbudsredaktor": lambda: bruker_med_rolle(
            "tilbudsredaktor", organisasjon="Nordlandssykehuset"
        ),
        "koordinator": lambda: bruker_med_rolle("koordinator", rhf="HN"),
        "administrator": lambda: bruker_med_rolle("administrator"),
    }
    brukere = {navn: (roller[navn]() if navn == rolle else None) for navn in roller}
    if rolle in roller:
        ApiToken.objects.create(
            bruker=brukere[rolle],
            prefiks=TOKEN[rolle].partition(".")[0],
            token_hash=hemmelighet_hash(TOKEN[rolle]),
            passord_merke=passord_merke(brukere[rolle]),
            gyldig_til=timezone.now() + timedelta(hours=1),
        )
    if rolle == "analytiker":
        prefiks = del_hemmelighet(NOKKEL)[0]
        ApiNokkel.objects.create(
            navn="Fuzz", eier="Test", prefiks=prefiks, nokkel_hash=hemmelighet_hash(NOKKEL)
        )
    sender = brukere["henviser"] or roller["henviser"]()
    mottaker = brukere["mottaker"] or roller["mottaker"]()
    redaktor = brukere["tilbudsredaktor"] or roller["tilbudsredaktor"]()

    bodo = Tilbud.objects.get(kilde_id="s4_6_4_3_1")
    til_klinikken = TilbudFactory(
        organisasjon=klinikk, henvisning_til=Tilbud.HenvisningTil.LEVERANDOR
    )
    Sjekkliste.objects.create(tilbud=til_klinikken, punkter=["Funksjonsnivå i arbeid"])
    utkast = henvisning_opprett(sender=sender, tilbud=til_klinikken, data=komplett())
    sendt = henvisning_overgang(
        henvisning=henvisning_opprett(sender=sender, tilbud=til_klinikken, data=komplett()),
        bruker=sender,
        part=Part.SENDER,
        handling=Handling.SEND,
    )
    sporsmal = foresporsel_opprett(
        henvisning=sendt, bruker=mottaker, part=Part.MOTTAKER, sporsmal="Mangler sykmelding."
    )
    return {
        "tilbud": [bodo.pk, til_klinikken.pk],
        "organisasjon": [bodo.organisasjon_id, klinikk.pk],
        "lokasjon": [Lokasjon.objects.filter(organisasjon=bodo.organisasjon).first().pk],
        "forslag": [
            Endringsforslag.objects.create(
                tilbud=bodo,
                endringer={"ventetid_tekst": "To uker"},
                grunnversjon=bodo.versjon,
                foreslatt_av=redaktor,
            ).pk
        ],
        "feilmelding": [
            Feilmelding.objects.create(
                tilbud=bodo, felt="ventetid", beskrivelse="Feil ventetid", epost=""
            ).pk
        ],
        "henvisning": [utkast.pk, sendt.pk],
        "foresporsel": [sporsmal.pk],
    }


# The current test's real objects (set by the fixture), and the path parameters that name them.
EKTE: dict[str, list[int]] = {}
SAMLING = {
    "tilbud": "tilbud",
    "organisasjoner": "organisasjon",
    "lokasjoner": "lokasjon",
    "forslag": "forslag",
    "feilmeldinger": "feilmelding",
    "henvisninger": "henvisning",
}


def _art(sti: str, navn: str) -> str | None:
    if navn == "tilbud_id":
        return "tilbud"
    if navn == "foresporsel_id":
        return "foresporsel"
    if navn == "id":
        deler = sti.strip("/").split("/")
        return SAMLING.get(deler[deler.index("{id}") - 1])
    return None


def flatmap_path_parameters(context, path_parameters: dict):
    """Half the generated ids are the real objects of the test's world (the other half random):
    a random id only ever meets a 404, a real one goes through access checks and the handler."""
    ekte = {}
    for navn, verdi in (path_parameters or {}).items():
        art = _art(context.operation.path, navn)
        # Only a well-formed id is swapped: a negative case keeps the bad value it was made for.
        if art in EKTE and isinstance(verdi, int) and not isinstance(verdi, bool):
            ekte[navn] = st.sampled_from(EKTE[art])
    if not ekte:
        return st.just(path_parameters)
    blandet = {navn: ekte.get(navn, st.just(verdi)) for navn, verdi in path_parameters.items()}
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(blandet))


def _konfig(rolle: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            # Fixed seed: the same cases in CI every time (a failure is reproducible).
            "seed": 14,
            "headers": AUTORISASJON[rolle],
            "generation": {
                "max-examples": MAKS_EKSEMPLER,
                "database": "none",
                # NUL bytes in generated strings (schemathesis' default, said out loud: the
                # API must answer them with a 400, helsearbeid/feil.py).
                "allow-x00": True,
            },
            "phases": {
                "examples": {"enabled": True},
                "fuzzing": {"enabled": True},
                # Under the owner only (below), also in the thorough run: under another role
                # the same enumeration meets the same 401/403/404 before any input is read,
                # and would cost the run several minutes.
                "coverage": {"enabled": False},
                "stateful": {"enabled": True, "max-steps": TILSTANDSSTEG},
            },
            "checks": {
                # Quick run: off, see above. Thorough run: on, and counted as "valid requests
                # rejected" in bench/fuzz_resultat.json.
                "positive_data_acceptance": {"enabled": GRUNDIG},
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
# Fetched before the test database exists, the schema has no målgruppe enum (the schema hook
# reads the slugs from the database): filled in from the catalogue every test imports.
sett_oppslagsverdier(
    _SKJEMA,
    sorted(m["slug"] for m in json.loads((FIXTURES / "malgrupper.json").read_text("utf-8"))),
)
SKJEMAER = {}
for _rolle in ROLLER:
    SKJEMAER[_rolle] = schemathesis.openapi.from_dict(_SKJEMA, config=_konfig(_rolle))
    SKJEMAER[_rolle].app = APP
    SKJEMAER[_rolle].hooks.register_hook_with_name(
        flatmap_path_parameters, "flatmap_path_parameters"
    )


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
def verden(request, app_i_testtransaksjonen):
    """The test's role (`rolle` on the test function) with its world, for one operation."""
    EKTE.clear()
    EKTE.update(_lag_verden(request.function.rolle))
    yield
    EKTE.clear()


# --- What the run met, for bench/fuzz_resultat.json ---------------------------------------

TELLING: Counter[str] = Counter()
OPERASJONER: set[str] = set()
# Distinct failures: (kind, operation, title); a failing case is replayed while Hypothesis
# shrinks it, and is one failure however often it is replayed.
FUNN: set[tuple[str, str, str]] = set()
ART = {
    "serverfeil": (ServerError,),
    "skjemabrudd": (
        JsonSchemaError,
        UndefinedStatusCode,
        UndefinedContentType,
        MissingHeaders,
        MissingContentType,
        MalformedMediaType,
    ),
    "gyldige_avvist": (RejectedPositiveData,),
}


def _registrer(feil: BaseException, operasjon: str) -> None:
    for enkelt in feil.exceptions if isinstance(feil, FailureGroup) else [feil]:
        art = next((a for a, typer in ART.items() if isinstance(enkelt, typer)), "andre")
        FUNN.add((art, operasjon, getattr(enkelt, "title", type(enkelt).__name__)))


def _kjor(case, sjekk=None) -> None:
    """Call and check one case (or only `sjekk` it, for the state machine, which has called),
    counting it and what it found."""
    operasjon = case.operation.label
    TELLING["tilfeller"] += 1
    OPERASJONER.add(operasjon)
    try:
        if sjekk is None:
            case.call_and_validate()
        else:
            sjekk()
    except (Failure, FailureGroup) as feil:
        _registrer(feil, operasjon)
        enkelte = feil.exceptions if isinstance(feil, FailureGroup) else [feil]
        # A schema-valid request refused with 400 is counted (bench/fuzz_resultat.json) but
        # does not stop the operation's run: most are look-ups JSON Schema cannot express (a
        # kommune by name, a signed cursor, a fødselsnummer's check digit), see above.
        if not all(isinstance(f, RejectedPositiveData) for f in enkelte):
            raise


@pytest.fixture(scope="module", autouse=True)
def _sammendrag():
    """After the module: the counts, to bench/fuzz_resultat.json in the thorough run."""
    start = time.monotonic()
    yield
    if not GRUNDIG:
        return
    arter = Counter(art for art, _, _ in FUNN)
    RESULTATFIL.write_text(
        json.dumps(
            {
                "operasjoner": len(OPERASJONER),
                "operasjoner_i_skjemaet": len(_alle_operasjoner()),
                "roller": ROLLER,
                "tilfeller": TELLING["tilfeller"],
                "tilstandssteg": TELLING["tilstandssteg"],
                "lenker_fulgt": TELLING["lenker_fulgt"],
                "dype_og_ugyldige_json_kropper": TELLING["dype_kropper"],
                "serverfeil": arter["serverfeil"],
                "skjemabrudd": arter["skjemabrudd"],
                "gyldige_foresporsler_avvist": arter["gyldige_avvist"],
                "andre_funn": arter["andre"],
                "funn": sorted(f"{art}: {op}: {tittel}" for art, op, tittel in FUNN),
                "eksempler_per_operasjon_eier": MAKS_EKSEMPLER_EIER,
                "eksempler_per_operasjon_andre_roller": MAKS_EKSEMPLER,
                "sekunder": round(time.monotonic() - start),
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


def _alle_operasjoner() -> set[str]:
    return {
        f"{metode.upper()} {sti}"
        for sti, metoder in _SKJEMA["paths"].items()
        for metode in metoder
        if metode in {"get", "post", "put", "patch", "delete"}
    }


def _operasjonstest(rolle: str):
    @SKJEMAER[rolle].parametrize()
    # Only this one: the world is made once per operation and role (a function-scoped
    # fixture), on purpose, and each example's changes stay within the test's transaction.
    @hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
    def test(case, verden) -> None:
        _kjor(case)

    test.rolle = rolle
    return test


test_api_anonym = _operasjonstest("anonym")
test_api_henviser = _operasjonstest("henviser")
test_api_mottaker = _operasjonstest("mottaker")
test_api_tilbudsredaktor = _operasjonstest("tilbudsredaktor")
test_api_koordinator = _operasjonstest("koordinator")
test_api_analytiker = _operasjonstest("analytiker")
test_api_administrator = _operasjonstest("administrator")


# Links the stateful phase must follow at least once per role that creates something it then
# reads or changes (a referral: henviser; a tilbud or organisation: koordinator and
# administrator). Only in the thorough run: the quick run's 5 sequences reach a link on some
# schemas and seeds and not on others (a create needs a body valid beyond its schema), so
# there it only has to run its steps.
MIN_LENKER = {"henviser": 1, "koordinator": 1, "administrator": 1} if GRUNDIG else {}


@pytest.mark.parametrize("rolle", ROLLER)
def test_api_stateful(rolle: str, app_i_testtransaksjonen) -> None:
    EKTE.clear()
    EKTE.update(_lag_verden(rolle))
    steg = Counter()

    class Tellende(SKJEMAER[rolle].as_state_machine()):
        """Counts its steps and the links it followed: a run that silently did nothing (every
        step filtered away, no link ever applied) must fail, not pass."""

        def step(self, input):
            steg["steg"] += 1
            if input.transition is not None and input.is_applied:
                steg["lenker"] += 1
            return super().step(input)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            ovre = super().validate_response
            _kjor(case, lambda: ovre(response, case, additional_checks=additional_checks, **kwargs))

    Tellende.run(
        settings=hypothesis.settings(
            max_examples=TILSTANDSEKSEMPLER,
            stateful_step_count=TILSTANDSSTEG,
            deadline=None,
            database=None,
            derandomize=True,
            # Only these: the in-process app on a shared machine is slow (too_slow), and the
            # state machine's rule filters reject many draws before a link applies
            # (filter_too_much).
            suppress_health_check=[
                hypothesis.HealthCheck.too_slow,
                hypothesis.HealthCheck.filter_too_much,
            ],
        )
    )
    TELLING["tilstandssteg"] += steg["steg"]
    TELLING["lenker_fulgt"] += steg["lenker"]
    assert steg["steg"] >= TILSTANDSEKSEMPLER, f"for få steg: {steg}"
    assert steg["lenker"] >= MIN_LENKER.get(rolle, 0), f"ingen lenke fulgt: {steg}"


def _django_hoder(rolle: str) -> dict[str, str]:
    return {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in AUTORISASJON[rolle].items()}


def _dype_kropper() -> list[tuple[str, str]]:
    """(label, body) for the thorough run: nesting past the parser's limit and far past
    Python's recursion limit, and strings no text field can hold."""
    return [
        ("dybde-40", "[" * 40 + "]" * 40),
        ("dybde-100000", "[" * 100_000 + "]" * 100_000),
        ("objekt-dybde-5000", '{"a":' * 5000 + "1" + "}" * 5000),
        ("nul", '{"navn": "a\\u0000b", "beskrivelse": "\\u0000"}'),
        ("surrogat", '{"navn": "a\\ud800b"}'),
    ]


@pytest.mark.parametrize("rolle", ROLLER)
def test_deep_and_invalid_json_bodies_on_every_json_operation(
    rolle: str, app_i_testtransaksjonen
) -> None:
    """Every operation that takes a JSON body, under every role, with each of _dype_kropper:
    a documented refusal (400, or the role's 401/403/404/412/428 before the body is read),
    never a 500, and a response that conforms to the schema."""
    EKTE.clear()
    EKTE.update(_lag_verden(rolle))
    skjema = SKJEMAER[rolle]
    antall = 0
    for operasjon in skjema.get_all_operations():
        operasjon = operasjon.ok()
        if not operasjon.body:
            continue
        stiparametere = {
            navn: (EKTE[_art(operasjon.path, navn)][0] if _art(operasjon.path, navn) else 1)
            for navn in re.findall(r"{(\w+)}", operasjon.path)
        }
        url = operasjon.path.format(**stiparametere)
        for etikett, kropp in _dype_kropper():
            klient = Client(**_django_hoder(rolle))
            svar = getattr(klient, operasjon.method.lower())(
                url, kropp, content_type="application/json"
            )
            TELLING["dype_kropper"] += 1
            TELLING["tilfeller"] += 1
            OPERASJONER.add(operasjon.label)
            hvorfor = (operasjon.label, etikett, svar.status_code, svar.content[:200])
            if svar.status_code >= 500:
                FUNN.add(("serverfeil", operasjon.label, f"JSON-kropp {etikett}"))
            assert svar.status_code in {400, 401, 403, 404, 412, 413, 428}, hvorfor
            antall += 1
    assert antall > 0


def test_every_operation_has_a_role_that_runs_its_coverage_phase() -> None:
    operasjoner = _alle_operasjoner()
    eid = [navn for navner in EIER.values() for navn in navner]
    assert len(eid) == len(set(eid)), "en operasjon har to eiere"
    assert set(eid) == operasjoner, (
        f"uten eier: {sorted(operasjoner - set(eid))}; "
        f"finnes ikke: {sorted(set(eid) - operasjoner)}"
    )
