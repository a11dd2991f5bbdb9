"""API throttling: per address without login, per user (or API key) with login; 429 with
Retry-After over the limit. The test settings set the limits far above the suite's own traffic;
here they are set low. Each test uses its own client address, so no bucket is shared with any
other test (nor with a Redis left from an earlier run). ASVS v5.0.0-2.4.1 (anti-automation)."""

import itertools
import uuid

import pytest
from rest_framework.test import APIClient

from tests.factories import BrukerFactory, token_for

pytestmark = pytest.mark.django_db

_teller = itertools.count(1)


@pytest.fixture(autouse=True)
def ingen_gamle_botter() -> None:
    # SQLite gives a rolled-back test's user id to the next test's user, so a per-user bucket
    # left in the process-local cache by an earlier test would be this test's. (PostgreSQL
    # never reuses ids, and its Redis cache is shared with the broker: not cleared there.)
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


def _adresse() -> str:
    # A fresh address per test: 10.x from a counter plus a random part.
    return f"10.{uuid.uuid4().int % 250}.{next(_teller) % 250}.{uuid.uuid4().int % 250}"


def test_uten_innlogging_per_adresse_med_retry_after(settings) -> None:
    settings.API_STRUPING_ANONYM = "3/min"
    adresse = _adresse()
    klient = APIClient(REMOTE_ADDR=adresse)
    for _ in range(3):
        assert klient.get("/api/v1/malgrupper/").status_code == 200
    svar = klient.get("/api/v1/malgrupper/")
    assert svar.status_code == 429
    assert 1 <= int(svar["Retry-After"]) <= 60
    assert "detail" in svar.json()
    # Every endpoint shares the address's bucket; another address has its own.
    assert klient.get("/api/v1/tilbud/?page_size=1").status_code == 429
    assert APIClient(REMOTE_ADDR=_adresse()).get("/api/v1/malgrupper/").status_code == 200


def test_innlogget_per_bruker_ikke_per_adresse(settings) -> None:
    settings.API_STRUPING_ANONYM = "2/min"
    settings.API_STRUPING_INNLOGGET = "4/min"
    bruker = BrukerFactory()
    token = token_for(bruker)
    klient = APIClient(REMOTE_ADDR=_adresse())
    klient.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    for _ in range(4):
        assert klient.get("/api/v1/malgrupper/").status_code == 200
    svar = klient.get("/api/v1/malgrupper/")
    assert svar.status_code == 429 and int(svar["Retry-After"]) >= 1
    # The same user from another address is still over its limit (per user), and a session
    # login counts in the same bucket.
    annen = APIClient(REMOTE_ADDR=_adresse())
    annen.force_authenticate(user=bruker)
    assert annen.get("/api/v1/malgrupper/").status_code == 429
    # Another user has a bucket of their own.
    ny = APIClient(REMOTE_ADDR=_adresse())
    ny.credentials(HTTP_AUTHORIZATION=f"Token {token_for(BrukerFactory())}")
    assert ny.get("/api/v1/malgrupper/").status_code == 200


def test_adresse_bak_proxy_fra_x_forwarded_for(settings) -> None:
    """With one proxy in front, the client is the proxy's own X-Forwarded-For entry: what a
    client writes in front of it cannot give it a fresh bucket."""
    settings.API_STRUPING_ANONYM = "2/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    klient_adresse = _adresse()
    proxy = APIClient(REMOTE_ADDR="127.0.0.1")
    for forfalsket in ("1.1.1.1", "2.2.2.2"):
        svar = proxy.get(
            "/api/v1/malgrupper/", HTTP_X_FORWARDED_FOR=f"{forfalsket}, {klient_adresse}"
        )
        assert svar.status_code == 200
    svar = proxy.get("/api/v1/malgrupper/", HTTP_X_FORWARDED_FOR=f"3.3.3.3, {klient_adresse}")
    assert svar.status_code == 429
    svar = proxy.get("/api/v1/malgrupper/", HTTP_X_FORWARDED_FOR=_adresse())
    assert svar.status_code == 200


def test_tom_grense_slar_av(settings) -> None:
    settings.API_STRUPING_ANONYM = None
    klient = APIClient(REMOTE_ADDR=_adresse())
    assert all(klient.get("/api/v1/malgrupper/").status_code == 200 for _ in range(5))


def test_standardgrensene_og_testgrensene() -> None:
    from django.conf import settings

    from helsearbeid.settings import sikkerhet

    assert sikkerhet.API_STRUPING_ANONYM == "600/min"
    assert sikkerhet.API_STRUPING_INNLOGGET == "1200/min"
    # The suite's own traffic is never near the limit (see the module docstring).
    assert settings.API_STRUPING_ANONYM == settings.API_STRUPING_INNLOGGET == "100000/min"
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "helsearbeid.api.struping.AnonymStruping",
        "helsearbeid.api.struping.InnloggetStruping",
    ]
