"""Getting in, in a real browser at 1280 and 360 px: «Logg inn» in the header, the login page
with its advice to newcomers, each role landing on its own page with name, roles and «Logg ut»
in the header, the chooser, the analyst's API page, and the 403/404 pages. axe-core reports no
WCAG 2.1 AA violations on any of them, and nothing scrolls sideways on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import BrukerFactory
from tilbud.models import Organisasjon, Rolle

from .conftest import axe_brudd

PASSORD = "hemmelig-passord-123"  # BrukerFactory's
BREDDER = [1280, 360]


def _bredde(side) -> list[int]:
    return side.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def _passer(side, bredde: int) -> None:
    scroll, vindu = _bredde(side)
    assert scroll <= vindu == bredde, (scroll, vindu)


def _bruker(*roller: tuple[str, dict]) -> object:
    bruker = BrukerFactory(first_name="Kari", last_name="Nordmann")
    for type_, omfang in roller:
        Rolle.objects.create(bruker=bruker, type=type_, **omfang)
    return bruker


def _logg_inn(side, brukernavn: str) -> None:
    side.get_by_label("Brukernavn").fill(brukernavn)
    side.get_by_label("Passord").fill(PASSORD)
    side.get_by_role("button", name="Logg inn").click()


@pytest.mark.parametrize("bredde", BREDDER)
def test_a_gp_finds_logg_inn_logs_in_lands_on_the_search_and_logs_out(side_for, bredde) -> None:
    fastlege = _bruker(("henviser", {"henvisertype": "fastlege"}))
    side = side_for(bredde)
    side.goto("/")
    topp = side.get_by_role("banner")
    logg_inn = topp.get_by_role("link", name="Logg inn")
    expect(logg_inn).to_be_visible()
    _passer(side, bredde)
    # By keyboard: the skip link, the logo, then «Logg inn».
    for _ in range(3):
        side.keyboard.press("Tab")
    expect(logg_inn).to_be_focused()
    side.keyboard.press("Enter")
    expect(side).to_have_url(re.compile(r"/konto/login/$"))
    expect(side.get_by_role("heading", name="Ny her? Slik får du en innlogging")).to_be_visible()
    expect(side.get_by_text("RHF-koordinator eller tilbudsredaktør")).to_be_visible()
    _passer(side, bredde)
    assert axe_brudd(side) == []

    _logg_inn(side, fastlege.username)
    expect(side).to_have_url(re.compile(r"/$"))
    topp = side.get_by_role("banner")
    konto = topp.get_by_role("navigation", name="Din konto")
    expect(konto).to_contain_text("Kari Nordmann")
    expect(konto).to_contain_text("Fastlege")
    expect(konto.get_by_role("link", name="Mine henvisninger")).to_be_visible()
    expect(topp.get_by_role("link", name="Logg inn")).to_have_count(0)
    _passer(side, bredde)
    assert axe_brudd(side) == []

    konto.get_by_role("link", name="Mine henvisninger").click()
    expect(side.get_by_role("heading", name="Mine henvisninger", level=1)).to_be_visible()
    ut = side.get_by_role("banner").get_by_role("button", name="Logg ut")
    ut.focus()
    side.keyboard.press("Enter")
    expect(side).to_have_url(re.compile(r"/$"))
    expect(side.get_by_role("banner").get_by_role("link", name="Logg inn")).to_be_visible()


@pytest.mark.parametrize("bredde", BREDDER)
def test_a_receiver_lands_on_the_inbox_and_a_coordinator_on_mine_tilbud(side_for, bredde) -> None:
    hf = Organisasjon.objects.filter(type="hf").order_by("pk").first()
    mottaker = _bruker(("mottaker", {"organisasjon": hf}))
    koordinator = _bruker(("koordinator", {"rhf": Organisasjon.objects.get(kode="HN")}))
    side = side_for(bredde)
    side.goto("/konto/login/")
    _logg_inn(side, mottaker.username)
    expect(side).to_have_url(re.compile(r"/henvisninger/innboks/$"))
    expect(side.get_by_role("banner")).to_contain_text("Mottak av henvisninger")
    _passer(side, bredde)
    assert axe_brudd(side) == []

    side = side_for(bredde)
    side.goto("/konto/login/")
    _logg_inn(side, koordinator.username)
    expect(side).to_have_url(re.compile(r"/koordinator/$"))
    expect(side.get_by_role("banner")).to_contain_text("Koordinator")
    _passer(side, bredde)
    assert axe_brudd(side) == []


@pytest.mark.parametrize("bredde", BREDDER)
def test_several_roles_choose_and_the_analyst_page_makes_a_token(side_for, bredde) -> None:
    hf = Organisasjon.objects.filter(type="hf").order_by("pk").first()
    bruker = _bruker(
        ("henviser", {"henvisertype": "fastlege"}),
        ("mottaker", {"organisasjon": hf}),
        ("analytiker", {}),
    )
    side = side_for(bredde)
    side.goto("/konto/login/")
    _logg_inn(side, bruker.username)
    expect(side).to_have_url(re.compile(r"/start/$"))
    expect(side.get_by_role("heading", name="Hva vil du gjøre?")).to_be_visible()
    _passer(side, bredde)
    assert axe_brudd(side) == []

    side.get_by_role("main").get_by_role("link", name="API-nøkler og tall").click()
    expect(side).to_have_url(re.compile(r"/konto/api/$"))
    expect(side.get_by_role("link", name="Les API-dokumentasjonen")).to_have_attribute(
        "href", "/api/docs/"
    )
    side.get_by_label("Hva skal tokenet brukes til? (valgfritt)").fill("R-skript")
    side.get_by_role("button", name="Lag et nytt token").click()
    expect(side.locator(".hemmelighet")).to_be_visible()
    expect(side.get_by_role("region", name="Dine API-tokener")).to_contain_text("R-skript")
    _passer(side, bredde)
    assert axe_brudd(side) == []


@pytest.mark.parametrize("bredde", BREDDER)
def test_403_and_404_pages_say_what_to_do_next(side_for, bredde) -> None:
    fastlege = _bruker(("henviser", {"henvisertype": "fastlege"}))
    side = side_for(bredde)
    side_for.tillatt += ["403", "404"]
    side.goto("/finnes-ikke/")
    expect(side.get_by_role("heading", name="Fant ikke siden")).to_be_visible()
    expect(side.get_by_role("main").get_by_role("link", name="Søk etter tilbud")).to_be_visible()
    _passer(side, bredde)
    assert axe_brudd(side) == []

    side.goto("/konto/login/")
    _logg_inn(side, fastlege.username)
    side.goto("/koordinator/feilmeldinger/")
    expect(side.get_by_role("heading", name="Du har ikke tilgang til denne siden")).to_be_visible()
    expect(side.get_by_role("main")).to_contain_text("Rollene dine: Fastlege.")
    _passer(side, bredde)
    assert axe_brudd(side) == []
    side.get_by_role("main").get_by_role("link", name="Gå til startsiden din").click()
    expect(side).to_have_url(re.compile(r"/$"))
