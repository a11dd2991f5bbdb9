"""A referral in a real browser: the GP sends from the tilbud page → the receiving unit assesses
with a frist → the GP sees the new status. Accessibility checked with axe-core on each page."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from henvisning.models import Henvisning, Sjekkliste
from tests.factories import TilbudFactory, bruker_med_rolle
from tilbud.models import Organisasjon, Tilbud

from .conftest import axe_brudd


@pytest.fixture(autouse=True)
def nokler(settings) -> None:
    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()
    settings.HENVISNING_HMAC_NOKKEL = "test-hmac-nokkel-ikke-for-produksjon"


def logg_inn(side, bruker, url: str) -> None:
    """Sign in through a session made by Django's test client (the login page is not ours)."""
    klient = Client()
    klient.force_login(bruker)
    cookie = klient.cookies[django_settings.SESSION_COOKIE_NAME]
    side.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url}])


def test_fastlege_sender_mottaker_vurderer_fastlegen_ser_status(side_for, live_server) -> None:
    klinikk = Organisasjon.objects.create(navn="Nettleserklinikken AS", type="privat")
    tilbud = TilbudFactory(
        organisasjon=klinikk,
        henvisning_til=Tilbud.HenvisningTil.LEVERANDOR,
    )
    Sjekkliste.objects.create(tilbud=tilbud, punkter=["Funksjonsnivå i arbeid"])
    fastlege = bruker_med_rolle("henviser", henvisertype="fastlege")
    inntak = bruker_med_rolle("mottaker", organisasjon=klinikk.navn)

    side = side_for()
    logg_inn(side, fastlege, live_server.url)
    side.goto(f"/tilbud/{tilbud.pk}/")
    side.get_by_role("link", name="Henvis pasienten").click()
    expect(side.get_by_role("heading", level=1)).to_have_text("Henvis pasienten")
    assert axe_brudd(side) == []
    side.get_by_label("Fødselsnummer eller D-nummer").fill("15108695088")
    side.get_by_label("Pasientens navn").fill("Ola Nettleser")
    side.get_by_label("Diagnosekoder (ICPC-2 eller ICD-10, skilt med komma)").fill("L86")
    side.get_by_label("Sykmeldt", exact=True).select_option("ja")
    side.get_by_label("Sykmeldingsgrad (%)").fill("50")
    side.get_by_label("Sykmeldt fra").fill("2026-01-05")
    side.get_by_label("Spørsmål til spesialisten").fill("Arbeidsrettet vurdering?")
    side.get_by_label("Funksjonsnivå i arbeid").check()
    side.get_by_label("Pasienten har samtykket til henvisningen").check()
    side.get_by_role("button", name="Send henvisningen").click()
    expect(side.locator("#status")).to_contain_text("Sendt")
    h = Henvisning.objects.get()
    assert "15108695088" not in side.url

    mottaker_side = side_for()
    logg_inn(mottaker_side, inntak, live_server.url)
    mottaker_side.goto("/henvisninger/innboks/")
    assert axe_brudd(mottaker_side) == []
    mottaker_side.get_by_role("link", name=f"Nr. {h.pk}").first.click()
    mottaker_side.get_by_role("button", name="Registrer som mottatt").click()
    mottaker_side.get_by_label("Rett til helsehjelp", exact=True).check()
    frist = timezone.localdate() + timedelta(days=45)
    mottaker_side.get_by_label("Frist for helsehjelp").fill(frist.isoformat())
    assert axe_brudd(mottaker_side) == []
    mottaker_side.get_by_role("button", name="Lagre vurderingen").click()
    expect(mottaker_side.locator("#status")).to_contain_text("Rett til helsehjelp")

    side.goto("/henvisninger/")
    expect(side.locator("table.henvisninger")).to_contain_text("Rett til helsehjelp")
    expect(side.locator("table.henvisninger")).to_contain_text(frist.strftime("%d.%m.%Y"))
    assert axe_brudd(side) == []
