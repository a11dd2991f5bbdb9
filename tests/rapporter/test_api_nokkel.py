"""API keys: created by an administrator, stored hashed, refused clearly when wrong, revoked or
expired, and throttled per key with 429 + Retry-After."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from rapporter.models import ApiNokkel
from rapporter.services import api_nokkel_opprett, api_nokkel_trekk_tilbake

URL = "/api/v1/synk/tilbud/"

pytestmark = pytest.mark.django_db


def med_nokkel(klartekst: str) -> APIClient:
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION=f"Api-Key {klartekst}")
    return klient


def test_command_prints_the_key_once_and_stores_only_its_hash() -> None:
    ut = StringIO()
    call_command("lag_api_nokkel", "--navn", "Forskning", "--eier", "NTNU", stdout=ut)
    nokkel = ApiNokkel.objects.get(navn="Forskning")
    (klartekst,) = [
        linje for linje in ut.getvalue().splitlines() if linje.startswith(nokkel.prefiks)
    ]
    assert nokkel.eier == "NTNU"
    assert nokkel.nokkel_hash == hashlib.sha256(klartekst.encode()).hexdigest()
    lagret = " ".join(
        str(v) for v in ApiNokkel.objects.filter(pk=nokkel.pk).values().get().values()
    )
    assert klartekst not in lagret
    assert med_nokkel(klartekst).get(URL).status_code == 200


def test_command_sets_expiry() -> None:
    ut = StringIO()
    call_command(
        "lag_api_nokkel",
        "--navn",
        "Kort",
        "--eier",
        "HV",
        "--gyldig-til",
        "2030-01-01T00:00",
        stdout=ut,
    )
    nokkel = ApiNokkel.objects.get(navn="Kort")
    assert timezone.localtime(nokkel.gyldig_til).year == 2030


def test_admin_creates_a_key_and_shows_it_once(admin_client) -> None:
    svar = admin_client.post(
        "/admin/rapporter/apinokkel/add/", {"navn": "Admin-laget", "eier": "Helse Vest RHF"}
    )
    assert svar.status_code == 200
    assert "no-store" in svar["Cache-Control"]
    nokkel = ApiNokkel.objects.get(navn="Admin-laget")
    klartekst = svar.context["klartekst"]
    assert klartekst in svar.content.decode()
    assert nokkel.opprettet_av == User.objects.get(username="admin")
    assert med_nokkel(klartekst).get(URL).status_code == 200
    # The change page never shows it again.
    endre = admin_client.get(f"/admin/rapporter/apinokkel/{nokkel.pk}/change/")
    assert klartekst not in endre.content.decode()


def test_admin_action_revokes(admin_client, nokkel_og_klartekst) -> None:
    nokkel, klartekst = nokkel_og_klartekst
    admin_client.post(
        "/admin/rapporter/apinokkel/",
        {"action": "trekk_tilbake", "_selected_action": [nokkel.pk]},
    )
    nokkel.refresh_from_db()
    assert nokkel.trukket_tilbake is not None
    assert med_nokkel(klartekst).get(URL).status_code == 401


def test_public_reads_need_no_key(api: APIClient) -> None:
    assert api.get(URL).status_code == 200
    assert api.get("/api/v1/eksport/hsds/").status_code == 200
    assert api.get("/api/v1/tilbud/").status_code == 200


def test_a_valid_key_is_accepted(analytiker: APIClient) -> None:
    assert analytiker.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("header", "kode", "tekst"),
    [
        ("Api-Key feil.nokkel", "ukjent_nokkel", "Ukjent API-nøkkel"),
        ("Api-Key utenpunktum", "ukjent_nokkel", "Ukjent API-nøkkel"),
        ("Api-Key", "ugyldig_header", "Api-Key <nøkkel>"),
        ("Api-Key a b", "ugyldig_header", "Api-Key <nøkkel>"),
    ],
)
def test_bad_keys_get_401_with_a_norwegian_message(
    api: APIClient, header: str, kode: str, tekst: str
) -> None:
    svar = api.get(URL, HTTP_AUTHORIZATION=header)
    assert svar.status_code == 401
    assert tekst in svar.json()["detail"]
    assert svar["WWW-Authenticate"].startswith("Api-Key")


def test_a_key_with_the_right_prefix_but_wrong_secret_is_unknown(nokkel_og_klartekst) -> None:
    nokkel, _ = nokkel_og_klartekst
    svar = med_nokkel(f"{nokkel.prefiks}.{'x' * 43}").get(URL)
    assert svar.status_code == 401
    assert svar.json()["detail"] == "Ukjent API-nøkkel."


def test_revoked_key_is_refused_and_says_so(nokkel_og_klartekst) -> None:
    nokkel, klartekst = nokkel_og_klartekst
    api_nokkel_trekk_tilbake(nokkel=nokkel)
    forste = ApiNokkel.objects.get(pk=nokkel.pk).trukket_tilbake
    api_nokkel_trekk_tilbake(nokkel=nokkel)  # idempotent: the first time is kept
    assert ApiNokkel.objects.get(pk=nokkel.pk).trukket_tilbake == forste
    svar = med_nokkel(klartekst).get(URL)
    assert svar.status_code == 401
    assert "trukket tilbake" in svar.json()["detail"]


def test_expired_key_is_refused_and_says_so() -> None:
    _, klartekst = api_nokkel_opprett(
        navn="Gammel", eier="HSØ", gyldig_til=timezone.now() - timedelta(minutes=1)
    )
    svar = med_nokkel(klartekst).get(URL)
    assert svar.status_code == 401
    assert "utløp" in svar.json()["detail"]


def test_key_not_yet_expired_works() -> None:
    _, klartekst = api_nokkel_opprett(
        navn="Ny", eier="HSØ", gyldig_til=timezone.now() + timedelta(days=1)
    )
    assert med_nokkel(klartekst).get(URL).status_code == 200


def test_each_key_has_its_own_quota(settings) -> None:
    settings.API_NOKKEL_STRUPING = "3/hour"
    _, en = api_nokkel_opprett(navn="En", eier="A")
    _, to = api_nokkel_opprett(navn="To", eier="B")
    klient = med_nokkel(en)
    assert [klient.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    svar = klient.get(URL)
    assert svar.status_code == 429
    assert 0 < int(svar["Retry-After"]) <= 3600
    assert "For mange forespørsler med denne API-nøkkelen" in svar.json()["detail"]
    assert "Prøv igjen om" in svar.json()["detail"]
    assert med_nokkel(to).get(URL).status_code == 200  # another key is not affected


def test_clients_without_a_key_share_a_per_ip_quota(settings, api: APIClient, analytiker) -> None:
    settings.API_ANONYM_STRUPING = "2/hour"
    ip = {"REMOTE_ADDR": "192.0.2.77"}  # TEST-NET address: a bucket no other test uses
    cache.delete("throttle_api_anonym_192.0.2.77")  # Redis keeps it between runs
    assert [api.get(URL, **ip).status_code for _ in range(2)] == [200, 200]
    svar = api.get(URL, **ip)
    assert svar.status_code == 429
    assert "Retry-After" in svar
    # With a key the same address is counted against the key, not the anonymous bucket.
    assert analytiker.get(URL, **ip).status_code == 200
