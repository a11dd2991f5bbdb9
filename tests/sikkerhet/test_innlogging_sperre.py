"""Login lock-out (django-axes): after INNLOGGING_MAKS_FEIL wrong passwords a user name is locked,
even for the right password, until INNLOGGING_SPERRE_MINUTTER have passed. ASVS v5.0.0-6.3.1
(brute force), 6.1.1 (documented). Tokens and API keys are not passwords and are not affected.
"""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import BrukerFactory, token_for

pytestmark = pytest.mark.django_db

PASSORD = "hemmelig-passord-123"  # BrukerFactory's


def _logg_inn(klient: Client, brukernavn: str, passord: str) -> object:
    """A login through the page at settings.LOGIN_URL, as a browser does it."""
    return klient.post(reverse(settings.LOGIN_URL), {"username": brukernavn, "password": passord})


def test_sperret_etter_for_mange_feil_ogsa_med_riktig_passord(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    bruker = BrukerFactory()
    klient = Client()
    for _ in range(2):
        svar = _logg_inn(klient, bruker.username, "feil-passord")
        assert svar.status_code == 200 and "Brukernavnet eller passordet er feil" in svar.text
    svar = _logg_inn(klient, bruker.username, "feil-passord")
    assert svar.status_code == 429
    assert "Innloggingen er midlertidig sperret" in svar.text
    assert "3 mislykkede innloggingsforsøk" in svar.text
    assert "kan du prøve igjen om 15 minutter" in svar.text
    assert svar["Retry-After"] == str(15 * 60)
    assert svar["Content-Type"].startswith("text/html")

    # The right password, from another browser and address, is refused while the lock lasts.
    annen = Client(REMOTE_ADDR="198.51.100.23")
    svar = _logg_inn(annen, bruker.username, PASSORD)
    assert svar.status_code == 429
    assert "_auth_user_id" not in annen.session
    # The admin's login is locked too (it is the same authenticate()).
    svar = annen.post("/admin/login/", {"username": bruker.username, "password": PASSORD})
    assert svar.status_code == 429

    # Other users are not affected (the lock is per user name, not per shared office address).
    andre = BrukerFactory()
    svar = _logg_inn(Client(), andre.username, PASSORD)
    assert svar.status_code == 302


def test_apnes_igjen_etter_sperretiden(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    bruker = BrukerFactory()
    klient = Client()
    _logg_inn(klient, bruker.username, "feil")
    assert _logg_inn(klient, bruker.username, "feil").status_code == 429
    assert _logg_inn(klient, bruker.username, PASSORD).status_code == 429
    time.sleep(2.2)
    svar = _logg_inn(klient, bruker.username, PASSORD)
    assert svar.status_code == 302
    assert int(klient.session["_auth_user_id"]) == bruker.pk


def test_vellykket_innlogging_nullstiller_telleren(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    bruker = BrukerFactory()
    for _ in range(2):
        _logg_inn(Client(), bruker.username, "feil")
    assert _logg_inn(Client(), bruker.username, PASSORD).status_code == 302
    for _ in range(2):
        assert _logg_inn(Client(), bruker.username, "feil").status_code == 200
    assert _logg_inn(Client(), bruker.username, PASSORD).status_code == 302


def test_token_og_api_nokkel_virker_for_en_sperret_bruker(settings) -> None:
    """A locked user name stops password guessing; a token is not guessed by logging in."""
    settings.AXES_FAILURE_LIMIT = 1
    bruker = BrukerFactory()
    assert _logg_inn(Client(), bruker.username, "feil").status_code == 429
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(bruker)}")
    assert api.get("/api/v1/tilbud/?page_size=1").status_code == 200
    assert api.get("/api/v1/forslag/").status_code != 401  # authenticated by the token
    assert APIClient().get("/api/v1/forslag/").status_code == 401


def test_innstillingene_kommer_fra_miljoet() -> None:
    from helsearbeid.settings import sikkerhet

    assert sikkerhet.AXES_FAILURE_LIMIT == 5
    assert sikkerhet.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
