"""A GP's way through the portal in a real browser: search, type-ahead, results, tilbud page."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tilbud.models import Tilbud

from .conftest import axe_brudd

BODO_HIA = "Muskel/skjelett og psykisk helse - HelseIArbeid-senteret (Bodø)"
SOLA_DPS = "Psykisk helsevern – behandlingstilbud Sola DPS"


def velg_fra_typeahead(side: Page, felt: str, tekst: str, forventet_valg: str) -> None:
    """Type into a combobox and pick the option containing `forventet_valg` with the keyboard."""
    inn = side.locator(f"#id_{felt}")
    inn.click()
    inn.press_sequentially(tekst, delay=30)
    liste = side.locator(f"#id_{felt}-forslag")
    expect(liste).to_be_visible()
    expect(inn).to_have_attribute("aria-expanded", "true")
    valg = liste.get_by_role("option")
    tekster = valg.all_inner_texts()
    indeks = next(i for i, t in enumerate(tekster) if forventet_valg in t)
    for _ in range(indeks + 1):
        inn.press("ArrowDown")
    expect(valg.nth(indeks)).to_have_attribute("aria-selected", "true")
    expect(inn).to_have_attribute("aria-activedescendant", valg.nth(indeks).get_attribute("id"))
    inn.press("Enter")
    expect(inn).to_have_attribute("aria-expanded", "false")


def korttitler(side: Page) -> list[str]:
    return side.locator("#treffliste .kort-tittel").all_inner_texts()


def test_gp_in_bodo_with_l86_finds_the_helseiarbeid_senter_first_and_opens_it(side) -> None:
    side.goto("/")
    velg_fra_typeahead(side, "kommune", "Bod", "Bodø")
    velg_fra_typeahead(side, "diagnose", "L86", "L86")
    expect(side.locator("#treff-status")).to_have_text(re.compile(r"^\d+ tilbud$"))
    expect(side.locator("#treffliste .kort-tittel").first).to_have_text(BODO_HIA)
    # The URL holds the whole query: reloading gives the same page.
    sporring = parse_qs(urlparse(side.url).query)
    assert sporring["diagnose"] == ["L86"]
    assert sporring["kommune"] in (["Bodø"], ["1804"])

    side.locator("#treffliste .kort-tittel a").first.click()
    expect(side.locator("h1")).to_have_text(BODO_HIA)
    expect(side.get_by_role("heading", name="Slik henviser du")).to_be_visible()
    expect(side.get_by_text("innen 10 virkedager")).to_be_visible()


def test_gp_in_stavanger_typing_angst_sees_sola_dps(side) -> None:
    side.goto("/")
    velg_fra_typeahead(side, "kommune", "Stavan", "Stavanger")
    alle_i_stavanger = side.locator("#treff-status").inner_text()
    side.locator("#id_diagnose").press_sequentially("angst", delay=30)
    # Results update as you type (debounced), without pressing Søk, and the URL follows.
    expect(side).to_have_url(re.compile(r"diagnose=angst"))
    expect(side.locator("#treff-status")).not_to_have_text(alle_i_stavanger)
    expect(side.locator("#treffliste")).to_contain_text(SOLA_DPS)


def test_type_aheads_work_with_the_keyboard_alone(side) -> None:
    side.goto("/")
    kommune = side.locator("#id_kommune")
    kommune.focus()
    kommune.press_sequentially("Trom", delay=30)
    liste = side.locator("#id_kommune-forslag")
    expect(liste.get_by_role("option").first).to_contain_text("Tromsø")
    assert kommune.get_attribute("role") == "combobox"
    assert kommune.get_attribute("aria-controls") == "id_kommune-forslag"
    assert liste.get_attribute("role") == "listbox"
    # Escape closes the list; ArrowDown opens it again; ArrowUp wraps to the last option.
    kommune.press("Escape")
    expect(kommune).to_have_attribute("aria-expanded", "false")
    expect(liste).to_be_hidden()
    kommune.press("ArrowDown")
    expect(kommune).to_have_attribute("aria-expanded", "true")
    kommune.press("ArrowDown")
    expect(liste.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    kommune.press("Enter")
    expect(kommune).to_have_value("Tromsø")
    expect(side.locator("#id_kommune-valgt")).to_contain_text("Troms")

    diagnose = side.locator("#id_diagnose")
    diagnose.focus()
    diagnose.press_sequentially("L03", delay=30)
    forste = side.locator("#id_diagnose-forslag").get_by_role("option").first
    expect(forste).to_contain_text("L03 Korsrygg symptomer/plager")
    diagnose.press("ArrowDown")
    diagnose.press("Enter")
    expect(diagnose).to_have_value("L03")
    expect(side).to_have_url(re.compile(r"diagnose=L03"))
    expect(side.locator("#treff-status")).to_have_text(re.compile(r"tilbud|treff"))


def test_the_page_works_without_javascript_and_the_url_holds_the_query(side_for) -> None:
    side = side_for(javascript=False)
    side_for.tillatt.append("status of 400 (Bad Request)")
    side.goto("/")
    side.locator("#id_kommune").fill("1804")
    side.locator("#id_diagnose").fill("L86")
    side.get_by_role("button", name="Søk").click()
    expect(side.locator("#treffliste")).to_contain_text(BODO_HIA)
    # Empty fields are dropped from the URL a GP copies.
    assert parse_qs(urlparse(side.url).query) == {"kommune": ["1804"], "diagnose": ["L86"]}

    side.locator("#id_diagnose").fill("XYZ")
    side.get_by_role("button", name="Søk").click()
    expect(side.locator("#feil_diagnose")).to_be_visible()
    side.go_back()
    expect(side.locator("#id_diagnose")).to_have_value("L86")


def test_javascript_renders_the_same_cards_as_the_server(side) -> None:
    side.goto("/?kommune=1804&diagnose=L86")
    fra_server = side.locator("#treffliste").inner_text()
    antall_server = side.locator("#treff-status").inner_text()
    assert BODO_HIA in fra_server

    side.goto("/")
    side.locator("#id_kommune").fill("1804")
    side.locator("#id_diagnose").fill("L86")
    side.locator("#id_diagnose").press("Enter")
    expect(side.locator("#treff-status")).to_have_text(antall_server)
    assert side.locator("#treffliste").inner_text() == fra_server


def test_back_button_restores_the_previous_search(side) -> None:
    side.goto("/")
    side.locator("#id_diagnose").fill("L86")
    side.locator("#id_diagnose").press("Enter")
    expect(side).to_have_url(re.compile(r"\?diagnose=L86$"))
    side.select_option("#id_behandlingsform", "dogn")
    expect(side).to_have_url(re.compile(r"behandlingsform=dogn"))
    side.go_back()
    expect(side).to_have_url(re.compile(r"\?diagnose=L86$"))
    expect(side.locator("#id_behandlingsform")).to_have_value("")
    expect(side.locator("#id_diagnose")).to_have_value("L86")


def test_errors_from_the_api_are_shown_next_to_the_field(side_for) -> None:
    side = side_for()
    side_for.tillatt.append("status of 400 (Bad Request)")
    side.goto("/")
    side.locator("#id_diagnose").fill("ZZZ99")
    side.locator("#id_diagnose").press("Enter")
    expect(side.locator("#feil_diagnose")).to_be_visible()
    expect(side.locator("#id_diagnose")).to_have_attribute("aria-invalid", "true")
    expect(side.locator("#feilboks")).to_be_visible()


@pytest.mark.parametrize("sti", ["/", "/?kommune=1804&diagnose=L86", "tilbud"])
def test_no_horizontal_scroll_at_360_px(side_for, sti: str) -> None:
    side = side_for(bredde=360)
    if sti == "tilbud":
        sti = f"/tilbud/{Tilbud.objects.get(kilde_id='s4_6_4_3_1').pk}/"
    side.goto(sti)
    bredder = side.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert bredder[0] <= bredder[1], f"{sti} ruller sidelengs: {bredder}"


@pytest.mark.parametrize("sti", ["/", "/?kommune=1804&diagnose=L86", "tilbud"])
def test_axe_finds_no_wcag_21_aa_violations(side, sti: str) -> None:
    if sti == "tilbud":
        sti = f"/tilbud/{Tilbud.objects.get(kilde_id='s4_6_4_3_1').pk}/"
    side.goto(sti)
    assert axe_brudd(side) == []


def test_axe_with_an_open_type_ahead_and_field_errors(side_for) -> None:
    side = side_for()
    side_for.tillatt.append("status of 400 (Bad Request)")
    side.goto("/?diagnose=ZZZ99")
    side.locator("#id_kommune").press_sequentially("Bod", delay=30)
    expect(side.locator("#id_kommune-forslag")).to_be_visible()
    assert axe_brudd(side) == []


def test_meld_feil_from_the_tilbud_page(side_for) -> None:
    side = side_for()
    side_for.tillatt.append("status of 400 (Bad Request)")  # the empty form, on purpose
    tilbud = Tilbud.objects.get(kilde_id="s4_6_4_3_1")
    side.goto(f"/tilbud/{tilbud.pk}/")
    side.get_by_role("button", name="Send melding").click()
    expect(side.locator("#feil_felt")).to_be_visible()
    side.get_by_label("Hva er feil?").select_option("ventetid")
    side.get_by_label("Beskriv hva som er feil").fill("Ventetiden er nå 3 uker.")
    side.get_by_role("button", name="Send melding").click()
    expect(side.get_by_role("status")).to_contain_text("Takk!")
    assert tilbud.feilmeldinger.filter(felt="ventetid").count() == 1
