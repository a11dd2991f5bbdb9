"""An Oslo GP in a real browser at 1280 and 360 px: the bydel choice appears for Oslo (live with
JavaScript, server-rendered without), the bydel's hospital comes first, Oslo without a bydel
says the order is not by bydel, and a kommune and postnummer that disagree are named."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_brudd

BREDDER = [1280, 360]


def ingen_sidelengs_rulling(side) -> None:
    bredder = side.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert bredder[0] <= bredder[1], f"ruller sidelengs: {bredder}"


@pytest.mark.parametrize("bredde", BREDDER)
def test_the_bydel_choice_appears_live_for_oslo_and_ranks_its_hospital_first(
    side_for, bredde: int
) -> None:
    side = side_for(bredde=bredde)
    side.goto("/")
    bydel = side.locator("#id_bydel")
    expect(bydel).to_be_hidden()
    kommune = side.locator("#id_kommune")
    kommune.fill("Bodø")
    kommune.press("Tab")
    expect(side.locator("#treff-status")).to_have_text(re.compile(r"tilbud"))
    expect(bydel).to_be_hidden()
    expect(side.locator("#rangering-merknad")).to_be_hidden()

    kommune.fill("0301")
    kommune.press("Tab")
    expect(bydel).to_be_visible()
    merknad = side.locator("#rangering-merknad")
    expect(merknad).to_be_visible()
    expect(merknad).to_contain_text("ikke etter bydel")
    ingen_sidelengs_rulling(side)
    assert axe_brudd(side) == []

    bydel.select_option(label="Stovner")
    expect(side).to_have_url(re.compile(r"bydel=030111"))
    expect(merknad).to_be_hidden()
    forste = side.locator("#treffliste .kort").first
    expect(forste.locator(".tilbyder")).to_contain_text("Akershus universitetssykehus")
    expect(forste.locator(".niva")).to_have_text("Ditt helseforetak")
    ingen_sidelengs_rulling(side)
    assert axe_brudd(side) == []

    # Another kommune hides the choice and empties it: no bydel travels with Bodø.
    kommune.fill("1804")
    kommune.press("Tab")
    expect(bydel).to_be_hidden()
    expect(side).not_to_have_url(re.compile(r"bydel="))
    expect(side.locator("#treffliste .kort .niva").first).to_have_text("Ditt helseforetak")


@pytest.mark.parametrize("bredde", BREDDER)
def test_without_javascript_the_bydel_choice_is_server_rendered(side_for, bredde: int) -> None:
    side = side_for(bredde=bredde, javascript=False)
    side.goto("/?kommune=0301")
    expect(side.locator("#rangering-merknad")).to_contain_text("ikke etter bydel")
    side.locator("#id_bydel").select_option(label="Frogner")
    side.get_by_role("button", name="Søk").click()
    expect(side).to_have_url(re.compile(r"bydel=030105"))
    forste = side.locator("#treffliste .kort").first
    expect(forste.locator(".tilbyder")).to_contain_text("Diakonhjemmet Sykehus")
    expect(side.locator("#rangering-merknad")).to_be_hidden()
    ingen_sidelengs_rulling(side)


@pytest.mark.parametrize("bredde", BREDDER)
def test_a_kommune_and_a_postnummer_that_disagree_are_named_on_the_page(
    side_for, bredde: int
) -> None:
    side = side_for(bredde=bredde)
    side_for.tillatt.append("status of 400 (Bad Request)")
    side.goto("/?kommune=1804&postnummer=0150")
    feil = side.locator("#feilboks")
    expect(feil).to_be_visible()
    expect(feil).to_contain_text("Bodø")
    expect(feil).to_contain_text("0150")
    expect(side.locator("#feil_kommune")).to_be_visible()
    expect(side.locator("#feil_postnummer")).to_be_visible()
    expect(side.locator("#tomt")).to_be_hidden()
    ingen_sidelengs_rulling(side)
    assert axe_brudd(side) == []


@pytest.mark.parametrize("bredde", BREDDER)
def test_a_card_without_a_site_says_avstand_ukjent(side_for, bredde: int) -> None:
    side = side_for(bredde=bredde)
    side.goto("/?kommune=1804")
    # Bodø's catalogue has tilbud without a registered site (Helse Nord RHF, Valnesfjord).
    ukjent = side.locator("#treffliste .kort", has_text="avstand ukjent")
    expect(ukjent.first).to_be_visible()
    ingen_sidelengs_rulling(side)
    assert axe_brudd(side) == []
