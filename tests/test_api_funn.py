"""Regression tests for what schemathesis found (tests/test_api_fuzz.py), one per bug, each
written so it fails on the code before the fix."""

import pytest
from rest_framework.test import APIClient

from rapporter.services import api_nokkel_opprett
from tests.factories import bruker_med_rolle, token_klient

# At collection, as the fuzz module itself is: it fetches the schema through the WSGI handler,
# which inside a test would close the test's database connection.
from tests.test_api_fuzz import TOKEN, _lag_verden

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uten_struping(uten_struping) -> None:
    """Hundreds of requests from one client address: the quotas are tested elsewhere."""


@pytest.fixture
def analytiker_nokkel() -> APIClient:
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_nokkel_opprett(navn='F', eier='T')[1]}")
    return klient


@pytest.mark.parametrize(
    ("metode", "url"),
    [
        ("get", "/api/v1/tilbud/null,null/"),
        ("patch", "/api/v1/tilbud/abc/"),
        ("post", "/api/v1/tilbud/1x/bekreft/"),
        ("post", "/api/v1/tilbud/x/avslutt/"),
        ("post", "/api/v1/tilbud/x/gjenopprett/"),
        ("get", "/api/v1/tilbud/x/historikk/"),
        ("get", "/api/v1/organisasjoner/x/"),
        ("patch", "/api/v1/organisasjoner/x/"),
        ("post", "/api/v1/organisasjoner/x/lokasjoner/"),
        ("patch", "/api/v1/lokasjoner/x/"),
        ("get", "/api/v1/forslag/null,null/"),
        ("post", "/api/v1/forslag/x/godkjenn/"),
        ("post", "/api/v1/forslag/x/avvis/"),
        ("get", "/api/v1/feilmeldinger/null,null/"),
        ("post", "/api/v1/feilmeldinger/x/los/"),
    ],
)
def test_a_non_numeric_id_is_a_json_404_not_a_500(metode: str, url: str) -> None:
    """Was: the router let any string through to `.filter(pk=…)` → ValueError → 500."""
    klient = token_klient(bruker_med_rolle("koordinator", rhf="HN"))
    svar = getattr(klient, metode)(url, {}, format="json")
    assert svar.status_code == 404
    assert svar["Content-Type"] == "application/json"
    assert svar.json() == {"detail": "Ikke funnet."}


def test_an_address_no_route_matches_under_api_is_json() -> None:
    """Was: Django's HTML 404 page under /api/, where the schema promises JSON."""
    svar = APIClient().get("/api/v1/finnes-ikke/")
    assert svar.status_code == 404 and svar["Content-Type"] == "application/json"


def test_options_on_the_referral_list_describes_the_post() -> None:
    """Was: OPTIONS /api/v1/henvisninger/ → 500 (no serializer for the metadata)."""
    svar = token_klient(bruker_med_rolle("henviser", henvisertype="fastlege")).options(
        "/api/v1/henvisninger/"
    )
    assert svar.status_code == 200
    assert "fodselsnummer" in svar.json()["actions"]["POST"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/henvisninger/",
        "/api/v1/henvisninger/forfalte/",
        "/api/v1/henvisninger/forfalte-per-enhet/",
        "/api/v1/henvisninger/1/",
    ],
)
def test_an_analyst_api_key_gets_403_on_referrals(analytiker_nokkel: APIClient, url: str) -> None:
    """Was: the key passed IsAuthenticated and the views crashed on a user without roles."""
    svar = analytiker_nokkel.get(url)
    assert svar.status_code == 403
    assert "API-nøkkel" in svar.json()["detail"]


@pytest.mark.parametrize(
    ("url", "type_"),
    [
        ("/api/v1/eksport/fhir/?format=xml", "application/json"),
        ("/api/v1/eksport/fhir/?format=fhir&ukjent=1", "application/json"),
        ("/api/v1/synk/tilbud/?format=csv&cursor=tull", "application/json"),
        ("/api/v1/synk/tilbud/?format=ndjson&page_size=0", "application/json"),
    ],
)
def test_errors_of_the_bulk_api_are_json_whatever_the_format(url: str, type_: str) -> None:
    """Was: the error body rendered by the FHIR/CSV/NDJSON renderer under its content type."""
    svar = APIClient().get(url)
    assert svar.status_code == 400
    assert svar["Content-Type"] == type_
    assert svar.json()


def test_an_empty_format_parameter_is_refused() -> None:
    """Was: `?format=` (not one of the schema's values) silently accepted."""
    svar = APIClient().get("/api/v1/eksport/fhir/?format=")
    assert svar.status_code == 400
    assert "format" in svar.json()


def test_the_schema_documents_the_error_answers() -> None:
    """Was: most operations documented only 200; 400/401/403/404/409/413/415 were undocumented."""
    skjema = APIClient().get("/api/schema/?format=json").json()
    stier = skjema["paths"]
    send = stier["/api/v1/henvisninger/{id}/send/"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409", "413", "415"} <= set(send)
    liste = stier["/api/v1/tilbud/"]["get"]
    assert {"200", "400", "401"} <= set(liste["responses"])
    sider = {p["name"]: p["schema"] for p in stier["/api/v1/kommuner/"]["get"]["parameters"]}
    assert sider["page"]["minimum"] == 1
    assert (sider["page_size"]["minimum"], sider["page_size"]["maximum"]) == (1, 100)
    feil = send["404"]["content"]["application/json"]["schema"]
    assert feil == {"$ref": "#/components/schemas/ApiFeil"}


@pytest.mark.parametrize(
    "url", ["/api/v1/forslag/?tilbud=7.5", "/api/v1/feilmeldinger/?tilbud=1.0"]
)
def test_an_id_filter_takes_whole_numbers_only(url: str) -> None:
    """Was: NumberFilter read `?tilbud=2661000289936842.0` as a decimal and answered 200."""
    svar = token_klient(bruker_med_rolle("koordinator", rhf="HN")).get(url)
    assert svar.status_code == 400 and "tilbud" in svar.json()


def test_a_sync_record_matches_exactly_one_of_its_two_shapes(settings) -> None:
    """Was: a tilbud record also matched the tombstone shape (whose fields it all has), so
    `oneOf` failed for every record a client validated. Now `slettet` tells them apart."""
    import jsonschema

    settings.SYNK_SIKKERHETSMARGIN = __import__("datetime").timedelta(0)
    skjema = APIClient().get("/api/schema/?format=json").json()
    komponenter = skjema["components"]["schemas"]

    def enum(skjema: dict) -> list:
        skjema = skjema.get("allOf", [skjema])[0]
        return komponenter[skjema["$ref"].rsplit("/", 1)[1]]["enum"]

    assert enum(komponenter["SynkTilbud"]["properties"]["slettet"]) == [False]
    assert enum(komponenter["SynkSlettet"]["properties"]["slettet"]) == [True]
    assert "slettet" in komponenter["SynkSlettet"]["required"]
    gravstein_skjema = jsonschema.Draft7Validator(
        {"$ref": "#/components/schemas/SynkSlettet", "components": skjema["components"]}
    )
    poster = APIClient().get("/api/v1/synk/tilbud/?page_size=3").json()["results"]
    assert poster
    # (SynkTilbud itself is checked by schemathesis, which reads OpenAPI's `nullable`.)
    assert not any(gravstein_skjema.is_valid(post) for post in poster)
    assert gravstein_skjema.is_valid({"id": 1, "slettet": True, "endret": "2026-01-01T00:00:00Z"})


def test_a_412_without_a_version_matches_the_schema() -> None:
    """Was: «If-Match gjelder ikke dette objektet» (412, only `detail`) broke the documented
    412 body, which required versjon, endret_av and endringer."""
    skjema = APIClient().get("/api/schema/?format=json").json()
    assert skjema["components"]["schemas"]["Konflikt"]["required"] == ["detail"]
    klient = token_klient(bruker_med_rolle("koordinator", rhf="HN"))
    from tilbud.models import Tilbud

    tilbud = Tilbud.objects.filter(rhf__kode="HN").first()
    svar = klient.patch(
        f"/api/v1/tilbud/{tilbud.pk}/", {"navn": "x"}, format="json", HTTP_IF_MATCH="*"
    )
    assert svar.status_code == 412 and set(svar.json()) == {"detail"}


def test_an_empty_optional_query_parameter_is_documented_as_allowed() -> None:
    """Was: `?status=`, `?region=`, `?endret_etter=` were read as «not given» (200) while the
    schema said an empty value was invalid."""
    skjema = APIClient().get("/api/schema/?format=json").json()
    for sti, navn in [
        ("/api/v1/forslag/", "status"),
        ("/api/v1/rapporter/sammendrag/", "region"),
        ("/api/v1/synk/tilbud/", "endret_etter"),
    ]:
        parameter = next(p for p in skjema["paths"][sti]["get"]["parameters"] if p["name"] == navn)
        assert parameter["allowEmptyValue"] is True
    assert APIClient().get("/api/v1/rapporter/sammendrag/?region=").status_code == 200
    # Paging answers an empty value with 400, and says so.
    sider = skjema["paths"]["/api/v1/kommuner/"]["get"]["parameters"]
    assert not any(p.get("allowEmptyValue") for p in sider if p["name"] in {"page", "page_size"})
    assert APIClient().get("/api/v1/kommuner/?page=").status_code == 400


def test_a_referral_as_fhir_is_documented_with_its_content_type() -> None:
    """Was: the schema promised application/json; the answer is application/fhir+json (found
    once the fuzzing met real referrals)."""
    from henvisning.livssyklus import Handling, Part
    from henvisning.services import henvisning_opprett, henvisning_overgang
    from tests.factories import TilbudFactory
    from tests.henvisning.conftest import komplett
    from tilbud.models import Organisasjon, Tilbud

    klinikk = Organisasjon.objects.create(navn="Klinikken AS", type=Organisasjon.Type.PRIVAT)
    tilbud = TilbudFactory(organisasjon=klinikk, henvisning_til=Tilbud.HenvisningTil.LEVERANDOR)
    sender = bruker_med_rolle("henviser", henvisertype="fastlege")
    h = henvisning_overgang(
        henvisning=henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett()),
        bruker=sender,
        part=Part.SENDER,
        handling=Handling.SEND,
    )
    svar = token_klient(sender).get(f"/api/v1/henvisninger/{h.pk}/fhir/")
    assert svar.status_code == 200 and svar["Content-Type"] == "application/fhir+json"
    skjema = APIClient().get("/api/schema/?format=json").json()
    dokumentert = skjema["paths"]["/api/v1/henvisninger/{id}/fhir/"]["get"]["responses"]["200"]
    assert set(dokumentert["content"]) == {"application/fhir+json"}


@pytest.mark.parametrize(
    ("kropp", "type_"), [("true", "application/json"), ("{", "application/json")]
)
def test_an_action_without_input_refuses_a_body(kropp: str, type_: str) -> None:
    """Was: POST …/send/ (and motta/, start/ …) ignored whatever body came, even broken JSON."""
    from henvisning.services import henvisning_opprett
    from tests.factories import TilbudFactory
    from tests.henvisning.conftest import komplett
    from tilbud.models import Organisasjon, Tilbud

    klinikk = Organisasjon.objects.create(navn="Klinikken AS", type=Organisasjon.Type.PRIVAT)
    tilbud = TilbudFactory(organisasjon=klinikk, henvisning_til=Tilbud.HenvisningTil.LEVERANDOR)
    sender = bruker_med_rolle("henviser", henvisertype="fastlege")
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    klient = token_klient(sender)
    url = f"/api/v1/henvisninger/{h.pk}/send/"
    assert klient.generic("POST", url, kropp, content_type=type_).status_code == 400
    # Without a body, or with {}, it is sent.
    assert klient.post(url, {}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("url", "data", "felt"),
    [
        ("/api/v1/henvisninger/", {"sykmeldt": 0.0}, "sykmeldt"),
        ("/api/v1/henvisninger/", {"sykmeldt": "yes"}, "sykmeldt"),
        ("svar", {"svar": 897018}, "svar"),
    ],
)
def test_a_value_of_another_type_than_the_schema_says_is_refused(url, data, felt) -> None:
    """Was (make fuzz, negative_data_rejection): DRF coerced 0.0 to false and 897018 to
    "897018", so a schema-violating body was accepted (201/200)."""
    verden = _lag_verden("henviser")
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION=f"Token {TOKEN['henviser']}")
    if url == "svar":
        henvisning, foresporsel = verden["henvisning"][1], verden["foresporsel"][0]
        url = f"/api/v1/henvisninger/{henvisning}/foresporsler/{foresporsel}/svar/"
    else:
        data = {"tilbud": verden["tilbud"][1], **data}
    svar = klient.post(url, data, format="json")
    assert svar.status_code == 400, svar.content[:300]
    assert felt in svar.json()
