"""Input no field can hold gets a 400 that says what is wrong, never a 500 (security review,
issue 15, findings 6–8): deeply nested JSON, a NUL character or lone surrogate anywhere in the
text input, and an If-Match version too long to be one."""

import json

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from helsearbeid.api.parsere import MAKS_DYBDE
from tests.factories import bruker_med_rolle, token_klient
from tests.test_url_dekning import ADMIN, _ruter
from tilbud.api.redigering import etag
from tilbud.models import Tilbud

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uten_struping(uten_struping) -> None:
    """Hundreds of requests from one client address: the quotas are tested elsewhere."""


def _nestet(dybde: int) -> str:
    return "[" * dybde + "]" * dybde


# --- 6. Deeply nested JSON ------------------------------------------------------------------


def _tilbud() -> Tilbud:
    return Tilbud.objects.get(kilde_id="s4_6_4_3_1")


JSON_ENDEPUNKT = [
    # (role, method, url, extra headers): logged-in writes and an anonymous-reachable POST.
    ("koordinator", "post", lambda: "/api/v1/tilbud/", {}),
    ("koordinator", "post", lambda: "/api/v1/organisasjoner/", {}),
    ("koordinator", "patch", lambda: f"/api/v1/tilbud/{_tilbud().pk}/", {"HTTP_IF_MATCH": None}),
    ("henviser", "post", lambda: "/api/v1/henvisninger/", {}),
    ("henviser", "post", lambda: "/api/v1/henvisninger/sok/", {}),
    ("anonym", "post", lambda: "/api/v1/henvisninger/sok/", {}),
]


def _klient(rolle: str) -> APIClient:
    if rolle == "anonym":
        return APIClient()
    if rolle == "koordinator":
        return token_klient(bruker_med_rolle("koordinator", rhf="HN"))
    return token_klient(bruker_med_rolle("henviser", henvisertype="fastlege"))


@pytest.mark.parametrize("dybde", [MAKS_DYBDE + 1, 5_000, 100_000])
@pytest.mark.parametrize(("rolle", "metode", "url", "hoder"), JSON_ENDEPUNKT)
def test_deeply_nested_json_is_a_400_with_a_message(rolle, metode, url, hoder, dybde) -> None:
    """Was: RecursionError in DRF's JSONParser → 500 for any logged-in user."""
    # The current ETag, so that the body is what decides (a PATCH without one is a 428 first).
    hoder = {navn: etag(_tilbud()) for navn in hoder}
    svar = getattr(_klient(rolle), metode)(
        url(), _nestet(dybde), content_type="application/json", **hoder
    )
    if rolle == "anonym":
        # The body is never read without login: a refusal, not a 500.
        assert svar.status_code in (401, 403)
        return
    assert svar.status_code == 400, svar.content[:300]
    assert "nestet for dypt" in svar.json()["detail"]


def test_json_within_the_depth_limit_still_reaches_the_serializer() -> None:
    """The limit is not lower than it says: MAKS_DYBDE levels are parsed and validated as usual
    (the serializer then names the field)."""
    klient = _klient("koordinator")
    svar = klient.post("/api/v1/tilbud/", _nestet(MAKS_DYBDE), content_type="application/json")
    assert svar.status_code == 400
    assert "nestet for dypt" not in json.dumps(svar.json(), ensure_ascii=False)


@pytest.mark.parametrize(
    "tekst", ['{"navn": "Ny\\u0000klinikk"}', '{"navn": "Ny\\ud800klinikk"}', '{"na\\u0000vn": 1}']
)
def test_nul_or_a_lone_surrogate_in_a_json_body_is_a_400_naming_the_field(tekst: str) -> None:
    """Was: NUL reached PostgreSQL (which refuses it in text) and a lone surrogate the UTF-8
    encoder of the driver."""
    svar = _klient("koordinator").post(
        "/api/v1/organisasjoner/", tekst, content_type="application/json"
    )
    assert svar.status_code == 400
    tekst_i_svaret = json.dumps(svar.json(), ensure_ascii=False)
    assert "nulltegn" in tekst_i_svaret or "surrogat" in tekst_i_svaret
    if "navn" in tekst and "na\\u0000vn" not in tekst:
        assert "navn" in svar.json()


# --- 7. NUL in any text parameter or form field ------------------------------------------


def _skjema() -> dict:
    return Client().get("/api/schema/?format=json").json()


def _api_get_med_parametere() -> list[tuple[str, str]]:
    """Every (GET path, query parameter) the OpenAPI schema declares, with `q` for those
    without (an unknown parameter must not get past the check either)."""
    par = []
    for sti, operasjoner in _skjema()["paths"].items():
        if "get" not in operasjoner:
            continue
        navn = [p["name"] for p in operasjoner["get"].get("parameters", []) if p["in"] == "query"]
        url = sti.replace("{slug}", "x")
        for plass in ("id", "nummer", "tilbud_id", "foresporsel_id"):
            url = url.replace("{" + plass + "}", "1")
        par += [(url, n) for n in navn or ["q"]]
    return par


@pytest.mark.parametrize("innlogget", [False, True], ids=["anonym", "administrator"])
def test_every_declared_query_parameter_of_every_api_get_refuses_nul(innlogget: bool) -> None:
    """Was: `/api/v1/diagnosekoder/?q=%00` → 500 without login."""
    klient = APIClient()
    if innlogget:
        klient.force_authenticate(bruker_med_rolle("administrator"))
    par = _api_get_med_parametere()
    assert len(par) > 40  # the walk really walks the schema
    feil = []
    for url, navn in par:
        for verdi in ("%00", "a%00b"):
            svar = klient.get(f"{url}?{navn}={verdi}")
            if svar.status_code != 400 or "nulltegn" not in svar.json().get(navn, [""])[0]:
                feil.append((url, navn, verdi, svar.status_code))
    assert not feil, feil


def _html_get_urler() -> list[str]:
    """Every route outside /admin/ and /api/, filled with sample values."""
    urler = []
    for rot, navn, monster in _ruter():
        if rot == ADMIN or navn is None:
            continue
        kwargs = dict.fromkeys(monster.pattern.regex.groupindex, "1")
        try:
            url = reverse(navn, kwargs=kwargs or None)
        except NoReverseMatch:
            url = reverse(navn, kwargs=dict.fromkeys(kwargs, "MQ"))
        urler.append(url)
    return urler


@pytest.mark.parametrize("innlogget", [False, True], ids=["anonym", "koordinator"])
def test_every_route_refuses_nul_in_the_query_string_with_a_400(innlogget: bool) -> None:
    klient = Client()
    if innlogget:
        klient.force_login(bruker_med_rolle("koordinator", rhf="HN"))
    urler = _html_get_urler()
    assert len(urler) > 50
    feil = []
    for url in urler:
        svar = klient.get(f"{url}?q=%00&side=1")
        if svar.status_code != 400:
            feil.append((url, svar.status_code))
        elif url.startswith("/api/"):
            assert "q" in svar.json()
        else:
            assert "Ugyldige tegn" in svar.content.decode()
    assert not feil, feil


def test_nul_in_a_parameter_name_and_in_the_path_is_refused(client: Client) -> None:
    assert client.get("/api/v1/tilbud/?q%00=1").status_code == 400
    assert client.get("/api/v1/tilbud%00/").status_code == 400
    assert client.get("/tilbud/%00/").status_code == 400


def test_nul_in_a_form_field_is_a_styled_400_page(client: Client) -> None:
    """An HTML form (the anonymous «Meld feil», the login): a page naming the field."""
    tilbud = _tilbud()
    svar = client.post(
        reverse("tilbud-meld-feil", kwargs={"pk": tilbud.pk}),
        {"felt": "ventetid", "beskrivelse": "Feil\x00ventetid", "epost": ""},
    )
    assert svar.status_code == 400
    innhold = svar.content.decode()
    assert "beskrivelse" in innhold and "nulltegn" in innhold
    assert not tilbud.feilmeldinger.exists()
    svar = client.post(reverse("login"), {"username": "a\x00", "password": "x"})
    assert svar.status_code == 400


def test_nul_in_a_multipart_form_to_the_api_is_a_json_400() -> None:
    klient = _klient("koordinator")
    svar = klient.post("/api/v1/organisasjoner/", {"navn": "Ny\x00"}, format="multipart")
    assert svar.status_code == 400
    assert "nulltegn" in svar.json()["navn"][0]


# --- 8. If-Match ----------------------------------------------------------------------------


@pytest.mark.parametrize("versjon", ["9" * 5000, "9" * 11, "2147483648", "0", "00"])
def test_an_if_match_version_out_of_range_is_a_400_with_a_message(versjon: str) -> None:
    """Was: int() of 4 300+ digits raised ValueError → 500; a version above the column's range
    went on to the database."""
    tilbud = _tilbud()
    klient = _klient("koordinator")
    svar = klient.patch(
        f"/api/v1/tilbud/{tilbud.pk}/",
        {"ventetid_tekst": "To uker"},
        format="json",
        HTTP_IF_MATCH=f'"tilbud-{tilbud.pk}-v{versjon}"',
    )
    assert svar.status_code == 400, svar.content[:200]
    assert "If-Match" in svar.json()["detail"]
    tilbud.refresh_from_db()
    assert tilbud.ventetid_tekst != "To uker"


def test_a_valid_but_stale_if_match_version_is_still_a_412() -> None:
    tilbud = _tilbud()
    svar = _klient("koordinator").patch(
        f"/api/v1/tilbud/{tilbud.pk}/",
        {"ventetid_tekst": "To uker"},
        format="json",
        HTTP_IF_MATCH=f'"tilbud-{tilbud.pk}-v{tilbud.versjon + 1}"',
    )
    assert svar.status_code == 412
