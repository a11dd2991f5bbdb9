"""A referral in a real browser: the GP sends from the tilbud page → the receiving unit assesses
with a frist → the GP sees the new status. Accessibility checked with axe-core on each page."""

import re
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
    # Diagnosis codes with the type-ahead: the keyboard for the first, a word and the mouse for
    # the second; the field keeps both, separated by a comma.
    koder = side.get_by_role("combobox", name="Diagnosekoder (ICPC-2 eller ICD-10, skilt med")
    koder.press_sequentially("L86", delay=30)
    liste = side.locator("#id_diagnosekoder-forslag")
    expect(liste).to_be_visible()
    expect(koder).to_have_attribute("aria-expanded", "true")
    valg = liste.get_by_role("option")
    indeks = next(i for i, t in enumerate(valg.all_inner_texts()) if t.startswith("L86 "))
    for _ in range(indeks + 1):
        koder.press("ArrowDown")
    expect(valg.nth(indeks)).to_have_attribute("aria-selected", "true")
    expect(koder).to_have_attribute("aria-activedescendant", valg.nth(indeks).get_attribute("id"))
    koder.press("Enter")  # picks the option; does not submit the form
    expect(koder).to_have_value("L86, ")
    expect(koder).to_have_attribute("aria-expanded", "false")
    expect(side.locator("#id_diagnosekoder-valgt")).to_contain_text("L86")
    assert axe_brudd(side) == []  # with the list open below
    koder.press_sequentially("angst", delay=30)
    expect(liste).to_be_visible()
    liste.get_by_role("option", name=re.compile(r"^F41\.1 ")).click()
    expect(koder).to_have_value("L86, F41.1, ")
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
    assert [k["kode"] for k in h.diagnosekoder] == ["L86", "F411"]
    assert h.sjekkliste == [{"punkt": "Funksjonsnivå i arbeid", "avkrysset": True}]

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


@pytest.mark.parametrize("javascript", [False, True], ids=["uten-js", "med-js"])
def test_skjemaet_pa_telefon_med_og_uten_javascript(side_for, live_server, javascript) -> None:
    """At 360 px, with and without JavaScript: the codes can be typed by hand, the server checks
    them, nothing scrolls sideways, and the field errors are marked on the fields."""
    klinikk = Organisasjon.objects.create(navn="Telefonklinikken AS", type="privat")
    tilbud = TilbudFactory(organisasjon=klinikk, henvisning_til=Tilbud.HenvisningTil.LEVERANDOR)
    Sjekkliste.objects.create(tilbud=tilbud, punkter=["Funksjonsnivå i arbeid"])
    fastlege = bruker_med_rolle("henviser", henvisertype="fastlege")
    side = side_for(bredde=360, javascript=javascript)
    side_for.tillatt.append("400")
    logg_inn(side, fastlege, live_server.url)
    side.goto(f"/henvisninger/ny/{tilbud.pk}/")
    koder = side.locator("#id_diagnosekoder")
    assert koder.get_attribute("role") == ("combobox" if javascript else None)
    assert _bredde(side) == [360, 360]
    side.get_by_label("Fødselsnummer eller D-nummer").fill("15108695088")
    side.get_by_label("Pasientens navn").fill("Kari Telefon")
    koder.fill("L86, W9Z")
    side.get_by_label("Sykmeldt", exact=True).select_option("nei")
    side.get_by_label("Spørsmål til spesialisten").fill("Arbeidsrettet vurdering?")
    side.get_by_label("Pasienten har samtykket til henvisningen").check()
    side.get_by_role("button", name="Send henvisningen").click()
    expect(side.locator(".feiloppsummering")).to_contain_text("Ukjent diagnosekode: W9Z")
    expect(koder).to_have_attribute("aria-invalid", "true")
    if javascript:  # axe-core needs JavaScript
        assert axe_brudd(side) == []
    assert _bredde(side) == [360, 360]
    koder.fill("L86, F41.1")
    side.get_by_role("button", name="Send henvisningen").click()
    expect(side.locator("#status")).to_contain_text("Sendt")
    assert _bredde(side) == [360, 360]
    if javascript:
        assert axe_brudd(side) == []
    side.goto("/henvisninger/")
    assert _bredde(side) == [360, 360]
    side.get_by_role("link", name="Finn henvisninger for en pasient (fødselsnummer)").click()
    side.get_by_label("Fødselsnummer eller D-nummer").fill("151086 95088")
    side.get_by_role("button", name="Finn henvisninger").click()
    expect(side.get_by_role("heading", level=2)).to_have_text("1 henvisning")
    assert "15108695088" not in side.url and _bredde(side) == [360, 360]
    if javascript:
        assert axe_brudd(side) == []

    # The receiving unit on a phone: the inbox and the assessment form with the forwarding list.
    mottaker = side_for(bredde=360, javascript=javascript)
    logg_inn(mottaker, bruker_med_rolle("mottaker", organisasjon=klinikk.navn), live_server.url)
    mottaker.goto("/henvisninger/innboks/")
    assert _bredde(mottaker) == [360, 360]
    mottaker.get_by_role("link", name=f"Nr. {Henvisning.objects.get().pk}").first.click()
    mottaker.get_by_role("button", name="Registrer som mottatt").click()
    expect(mottaker.get_by_label("Videresend til tilbud")).to_be_visible()
    assert _bredde(mottaker) == [360, 360]
    if javascript:
        assert axe_brudd(mottaker) == []


def _bredde(side) -> list[int]:
    return side.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
