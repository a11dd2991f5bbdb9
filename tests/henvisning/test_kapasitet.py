"""Capacity: a referral to a tilbud that takes no new patients asks the GP to confirm, with the
reason; sent anyway, the receiver sees it came in so. Page and API alike."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from henvisning.models import Henvisning
from tests.henvisning.conftest import komplett
from tests.henvisning.test_html import skjema

pytestmark = pytest.mark.django_db
URL = "/api/v1/henvisninger/"


@pytest.fixture
def stengt(tilbud):
    tilbud.tar_imot_nye = "nei"
    tilbud.tar_imot_nye_dato = date(2026, 11, 1)
    tilbud.save()
    return tilbud


def test_gp_confirms_with_the_reason_and_the_receiver_sees_it(
    client, sender, mottaker, stengt
) -> None:
    client.force_login(sender)
    side = client.get(f"/henvisninger/ny/{stengt.pk}/").content.decode()
    assert "Tilbudet tar ikke imot nye pasienter nå (oppgitt 01.11.2026)." in side
    svar = client.post(f"/henvisninger/ny/{stengt.pk}/", skjema(samtykke="on"))
    assert svar.status_code == 400 and not Henvisning.objects.exists()
    assert "Bekreft at du vil sende henvisningen likevel" in svar.content.decode()
    svar = client.post(
        f"/henvisninger/ny/{stengt.pk}/", skjema(samtykke="on", bekreft_kapasitet="on")
    )
    assert svar.status_code == 302
    h = Henvisning.objects.get()
    assert h.status == "sendt" and h.sendt_tross_kapasitet
    client.force_login(mottaker)
    side = client.get(f"/henvisninger/{h.pk}/").content.decode()
    assert "Sendt selv om tilbudet ikke tok imot nye pasienter" in side


def test_open_tilbud_and_a_passed_til_og_med_ask_nothing(client, sender, tilbud) -> None:
    client.force_login(sender)
    tilbud.tar_imot_nye = "nei"
    tilbud.tar_imot_nye_dato = date(2026, 1, 1)
    tilbud.tar_imot_nye_til = timezone.localdate() - timedelta(days=1)
    tilbud.save()
    svar = client.post(f"/henvisninger/ny/{tilbud.pk}/", skjema(samtykke="on"))
    assert svar.status_code == 302
    assert not Henvisning.objects.get().sendt_tross_kapasitet


def test_api_send_needs_the_confirmation(api, sender, stengt) -> None:
    api.force_authenticate(sender)
    pk = api.post(URL, {"tilbud": stengt.pk, **komplett()}, format="json").json()["id"]
    svar = api.post(f"{URL}{pk}/send/")
    assert svar.status_code == 400 and set(svar.json()) == {"bekreft_kapasitet"}
    assert "tar ikke imot nye pasienter" in svar.json()["bekreft_kapasitet"][0]
    svar = api.post(f"{URL}{pk}/send/", {"bekreft_kapasitet": True}, format="json")
    assert svar.status_code == 200 and svar.json()["sendt_tross_kapasitet"] is True
