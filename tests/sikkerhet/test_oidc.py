"""Login through OpenID Connect against a real provider started by the test.

The provider is npm's oidc-provider (tests/sikkerhet/oidc_tilbyder.mjs) on 127.0.0.1: the portal
(Django's test client) sends the browser (requests) to the provider's login form, the provider
sends it back with a code, and the portal exchanges the code for tokens over HTTP, checks the ID
token (signature from the provider's JWKS, issuer, audience, nonce) and the PKCE verifier, and
fetches the user info. ASVS v5.0.0-10.1.1, 10.2.1, 10.5.1 (OIDC client), 6.3.1.
"""

import json
import select
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client
from jwt.algorithms import RSAAlgorithm

from helsearbeid.oidc import brukernavn_for

ROT = Path(__file__).resolve().parents[2]
TILBYDER = ROT / "tests" / "sikkerhet" / "oidc_tilbyder.mjs"
OPPSTART_SEKUNDER = 30
KLIENT_ID = "helsearbeid-test"
KLIENT_HEMMELIGHET = "test-hemmelighet-som-bare-finnes-i-testen"
# A second client that proves itself with a signed assertion (private_key_jwt), as HelseID asks.
NOKKEL_KLIENT_ID = "helsearbeid-nokkel"


def _jwk() -> tuple[str, dict]:
    """A new RSA key: (private JWK as JSON, public JWK)."""
    nokkel = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    privat_jwk = {**json.loads(RSAAlgorithm.to_jwk(nokkel)), "kid": "klient-1", "alg": "RS256"}
    offentlig = {**json.loads(RSAAlgorithm.to_jwk(nokkel.public_key())), "kid": "klient-1"}
    return json.dumps(privat_jwk), offentlig


KLIENT_NOKKEL, KLIENT_OFFENTLIG_NOKKEL = _jwk()
TILBAKE = "http://testserver/konto/oidc/tilbake/"
KARI_SUB = "hpr-9144889-kari"
KONTOER = {
    "kari": {
        "passord": "riktig-passord",
        "sub": KARI_SUB,
        "claims": {
            "name": "Kari Fastlege Nordmann",
            "given_name": "Kari",
            "family_name": "Nordmann",
            "email": "kari.nordmann@legekontor.example.no",
            "email_verified": True,
        },
    },
}

# A provider in another process: a login that never completes fails within two minutes.
pytestmark = [pytest.mark.django_db, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def tilbyder() -> Iterator[dict]:
    """The provider's discovery document; the process is stopped when the module is done."""
    node = shutil.which("node")
    if node is None or not (ROT / "node_modules" / "oidc-provider").exists():
        pytest.fail("node og node_modules/oidc-provider trengs: kjør `make test` (npm ci).")
    oppsett = {
        "klienter": [
            {
                "client_id": KLIENT_ID,
                "client_secret": KLIENT_HEMMELIGHET,
                "redirect_uris": [TILBAKE],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_post",
            },
            {
                "client_id": NOKKEL_KLIENT_ID,
                "redirect_uris": [TILBAKE],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "private_key_jwt",
                "token_endpoint_auth_signing_alg": "RS256",
                "jwks": {"keys": [KLIENT_OFFENTLIG_NOKKEL]},
            },
        ],
        "kontoer": KONTOER,
    }
    prosess = subprocess.Popen(  # noqa: S603 - a fixed script under tests/
        [node, str(TILBYDER)],
        cwd=ROT,
        env={"PATH": "/usr/bin:/bin", "OIDC_TILBYDER_OPPSETT": json.dumps(oppsett)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Its first line names the issuer; a provider that never writes it must not hang the run.
        klar, _, _ = select.select([prosess.stdout], [], [], OPPSTART_SEKUNDER)
        linje = prosess.stdout.readline() if klar else ""
        if not linje:
            prosess.kill()
            _, feil = prosess.communicate(timeout=10)
            pytest.fail(f"OIDC-tilbyderen startet ikke innen {OPPSTART_SEKUNDER} s: {feil}")
        issuer = json.loads(linje)["issuer"]
        discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
        discovery.raise_for_status()
        yield discovery.json()
    finally:
        prosess.terminate()
        prosess.wait(timeout=10)
        prosess.stdout.close()
        prosess.stderr.close()


@pytest.fixture
def oidc(settings, tilbyder) -> dict:
    settings.OIDC_AKTIV = True
    settings.OIDC_NAVN = "HelseID"
    settings.OIDC_OP_ISSUER = tilbyder["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = tilbyder["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = tilbyder["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = tilbyder["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = tilbyder["jwks_uri"]
    settings.OIDC_RP_CLIENT_ID = KLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = KLIENT_HEMMELIGHET
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, settings.OIDC_BACKEND]
    return tilbyder


def _til_tilbyderen(
    portal: Client, neste: str = "/koordinator/", klient_id: str = KLIENT_ID
) -> tuple[requests.Session, str]:
    """Portal → provider: returns the browser session and the provider's login form URL."""
    svar = portal.get("/konto/oidc/start/", {"next": neste})
    assert svar.status_code == 302
    parametere = parse_qs(urlsplit(svar["Location"]).query)
    assert parametere["response_type"] == ["code"] and parametere["client_id"] == [klient_id]
    assert parametere["redirect_uri"] == [TILBAKE]
    assert parametere["code_challenge_method"] == ["S256"] and parametere["code_challenge"]
    assert len(parametere["state"][0]) >= 32 and len(parametere["nonce"][0]) >= 32
    nettleser = requests.Session()
    skjema = nettleser.get(svar["Location"], timeout=10)
    assert skjema.status_code == 200 and 'name="passord"' in skjema.text
    return nettleser, skjema.url


def _logg_inn_hos_tilbyderen(
    nettleser: requests.Session, skjema_url: str, passord: str = "riktig-passord"
) -> requests.Response:
    """Submits the provider's login form and follows its redirects up to the portal."""
    svar = nettleser.post(
        skjema_url + "/login",
        data={"brukernavn": "kari", "passord": passord},
        allow_redirects=False,
        timeout=10,
    )
    while svar.status_code in (302, 303) and not svar.headers["Location"].startswith(TILBAKE):
        svar = nettleser.get(
            urljoin(svar.url, svar.headers["Location"]), allow_redirects=False, timeout=10
        )
    return svar


def _tilbake_til_portalen(portal: Client, svar: requests.Response) -> object:
    assert svar.status_code in (302, 303), svar.text
    tilbake = urlsplit(svar.headers["Location"])
    assert f"{tilbake.scheme}://{tilbake.netloc}{tilbake.path}" == TILBAKE
    return portal.get(tilbake.path, parse_qs(tilbake.query))


def test_innlogging_med_kodeflyt_gir_bruker_med_navn_og_epost(oidc) -> None:
    # A local account with the same e-mail is not taken over: users are found by `sub`.
    lokal = get_user_model().objects.create_user(
        "kari", email="kari.nordmann@legekontor.example.no", password="noe-annet-123"
    )
    portal = Client()
    innlogging = portal.get("/konto/login/")
    assert b'href="/konto/oidc/start/"' in innlogging.content
    assert "Logg inn med HelseID" in innlogging.content.decode()

    nettleser, skjema_url = _til_tilbyderen(portal)
    svar = _tilbake_til_portalen(portal, _logg_inn_hos_tilbyderen(nettleser, skjema_url))
    assert svar.status_code == 302 and svar["Location"] == "/koordinator/"

    bruker = get_user_model().objects.get(username=brukernavn_for(KARI_SUB))
    assert bruker != lokal
    assert (bruker.first_name, bruker.last_name) == ("Kari", "Nordmann")
    assert bruker.email == "kari.nordmann@legekontor.example.no"
    assert not bruker.has_usable_password()
    assert int(portal.session["_auth_user_id"]) == bruker.pk
    assert portal.session["_auth_user_backend"] == "helsearbeid.oidc.OidcBackend"

    # A second login finds the same user and takes the provider's current name.
    KONTOER["kari"]["claims"]["family_name"] = "Nordmann-Berg"
    try:
        portal2 = Client()
        nettleser2, skjema_url2 = _til_tilbyderen(portal2)
        svar = _tilbake_til_portalen(portal2, _logg_inn_hos_tilbyderen(nettleser2, skjema_url2))
    finally:
        KONTOER["kari"]["claims"]["family_name"] = "Nordmann"
    assert svar.status_code == 302
    assert int(portal2.session["_auth_user_id"]) == bruker.pk
    assert get_user_model().objects.filter(username__startswith="oidc:").count() == 1


def test_feil_passord_hos_tilbyderen_gir_ingen_kode(oidc) -> None:
    portal = Client()
    nettleser, skjema_url = _til_tilbyderen(portal)
    svar = _logg_inn_hos_tilbyderen(nettleser, skjema_url, passord="feil")
    assert svar.status_code == 401 and "Feil brukernavn eller passord" in svar.text
    assert "_auth_user_id" not in portal.session


def test_ukjent_state_avvises(oidc) -> None:
    portal = Client()
    nettleser, skjema_url = _til_tilbyderen(portal)
    svar = _logg_inn_hos_tilbyderen(nettleser, skjema_url)
    sporring = parse_qs(urlsplit(svar.headers["Location"]).query)
    sporring["state"] = ["en-annen-state"]
    svar = portal.get("/konto/oidc/tilbake/", sporring)
    assert svar.status_code == 400
    assert "_auth_user_id" not in portal.session
    # A callback in a browser that never started a login goes back to the login page.
    fremmed = Client()
    svar = fremmed.get("/konto/oidc/tilbake/", sporring)
    assert svar.status_code == 302 and svar["Location"] == "/konto/login/"
    assert "_auth_user_id" not in fremmed.session


def test_feil_nonce_avvises(oidc) -> None:
    portal = Client()
    nettleser, skjema_url = _til_tilbyderen(portal)
    # The ID token will carry the nonce the portal sent; the session now expects another one.
    okt = portal.session
    for state in okt["oidc_states"].values():
        state["nonce"] = "en-annen-nonce"
    okt.save()
    svar = _tilbake_til_portalen(portal, _logg_inn_hos_tilbyderen(nettleser, skjema_url))
    assert svar.status_code == 400
    assert "_auth_user_id" not in portal.session
    assert not get_user_model().objects.filter(username=brukernavn_for(KARI_SUB)).exists()


def test_koden_kan_bare_brukes_en_gang(oidc) -> None:
    portal = Client()
    nettleser, skjema_url = _til_tilbyderen(portal)
    tilbake = _logg_inn_hos_tilbyderen(nettleser, skjema_url)
    assert _tilbake_til_portalen(portal, tilbake).status_code == 302
    # Replaying the same callback: the state is used up (400), in any browser.
    svar = _tilbake_til_portalen(portal, tilbake)
    assert svar.status_code == 400


def test_id_token_fra_en_annen_utsteder_avvises(oidc, settings) -> None:
    settings.OIDC_OP_ISSUER = "https://helseid-sts.example.no"
    portal = Client()
    nettleser, skjema_url = _til_tilbyderen(portal)
    svar = _tilbake_til_portalen(portal, _logg_inn_hos_tilbyderen(nettleser, skjema_url))
    assert svar.status_code == 400
    assert "_auth_user_id" not in portal.session


def test_id_token_til_en_annen_klient_avvises(oidc, settings) -> None:
    """The provider issues to KLIENT_ID; a portal that believes it is another client refuses
    the token (aud) — the library alone does not check the audience."""
    portal = Client()
    nettleser, skjema_url = _til_tilbyderen(portal)
    tilbake = _logg_inn_hos_tilbyderen(nettleser, skjema_url)
    from helsearbeid import oidc as modul

    opprinnelig = modul.OidcBackend.verify_token

    def annen_klient(self, token, **kwargs):
        self.OIDC_RP_CLIENT_ID = "en-annen-klient"
        return opprinnelig(self, token, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(modul.OidcBackend, "verify_token", annen_klient)
        svar = _tilbake_til_portalen(portal, tilbake)
    assert svar.status_code == 400
    assert "_auth_user_id" not in portal.session


def test_klient_med_privat_nokkel_uten_hemmelighet(oidc, settings) -> None:
    """private_key_jwt: the portal signs a client assertion with its key; no secret is sent."""
    settings.OIDC_RP_CLIENT_ID = NOKKEL_KLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = ""
    settings.OIDC_RP_PRIVAT_NOKKEL = KLIENT_NOKKEL
    portal = Client()
    nettleser, skjema_url = _til_tilbyderen(portal, klient_id=NOKKEL_KLIENT_ID)
    svar = _tilbake_til_portalen(portal, _logg_inn_hos_tilbyderen(nettleser, skjema_url))
    assert svar.status_code == 302 and svar["Location"] == "/koordinator/"
    assert portal.session["_auth_user_backend"] == "helsearbeid.oidc.OidcBackend"

    # Signed with a key the provider does not know: the token request is refused, and the
    # portal answers with the login page and a message, not an error page.
    settings.OIDC_RP_PRIVAT_NOKKEL = _jwk()[0]
    portal = Client()
    nettleser, skjema_url = _til_tilbyderen(portal, klient_id=NOKKEL_KLIENT_ID)
    svar = _tilbake_til_portalen(portal, _logg_inn_hos_tilbyderen(nettleser, skjema_url))
    assert svar.status_code == 302 and svar["Location"] == "/konto/login/"
    assert "_auth_user_id" not in portal.session
    side = portal.get("/konto/login/").content.decode()
    assert "Innloggingen med HelseID ble ikke fullført" in side


def test_tilbyder_som_ikke_svarer_gir_innloggingssiden(oidc, settings) -> None:
    portal = Client()
    nettleser, skjema_url = _til_tilbyderen(portal)
    tilbake = _logg_inn_hos_tilbyderen(nettleser, skjema_url)
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens on port 9
    svar = _tilbake_til_portalen(portal, tilbake)
    assert svar.status_code == 302 and svar["Location"] == "/konto/login/"
    assert "_auth_user_id" not in portal.session


def test_av_som_standard(settings) -> None:
    assert settings.OIDC_AKTIV is False
    portal = Client()
    assert portal.get("/konto/oidc/start/").status_code == 404
    assert portal.get("/konto/oidc/tilbake/", {"code": "x", "state": "y"}).status_code == 404
    assert b"/konto/oidc/" not in portal.get("/konto/login/").content
