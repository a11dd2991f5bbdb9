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


# --- Issue 13: no silent dead end (typo, type-ahead marks, reasons, back link, live errors) ---


@pytest.mark.parametrize("bredde", [1280, 360])
def test_an_invalid_diagnosis_is_an_error_at_once_and_old_results_go(side_for, bredde) -> None:
    side = side_for(bredde=bredde)
    side_for.tillatt.append("status of 400 (Bad Request)")
    side.goto("/?kommune=1804&diagnose=L86")
    expect(side.locator("#treffliste .kort").first).to_be_visible()
    diagnose = side.locator("#id_diagnose")
    diagnose.fill("")
    diagnose.press_sequentially("XQZVW", delay=30)
    # No Enter, no leaving the field: the error is there while the GP types.
    feil = side.locator("#feil_diagnose")
    expect(feil).to_be_visible()
    expect(feil).to_contain_text("XQZVW")
    expect(diagnose).to_have_attribute("aria-invalid", "true")
    assert "feil_diagnose" in (diagnose.get_attribute("aria-describedby") or "").split()
    expect(side.locator("#treffliste .kort")).to_have_count(0)
    expect(side.locator("#treff-status")).to_have_text("Ingen tilbud vist: rett feilen i skjemaet.")
    assert diagnose.evaluate("e => document.activeElement === e")
    assert axe_brudd(side) == []
    # Correcting it brings results back and clears the error.
    diagnose.fill("")
    diagnose.press_sequentially("L86", delay=30)
    expect(side.locator("#treffliste .kort").first).to_be_visible()
    expect(feil).to_have_count(0)
    expect(diagnose).not_to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize("bredde", [1280, 360])
def test_type_ahead_marks_codes_that_give_no_tilbud_in_words(side_for, bredde) -> None:
    side = side_for(bredde=bredde)
    side.goto("/")
    side.locator("#id_diagnose").press_sequentially("P7", delay=30)
    valg = side.locator("#id_diagnose-forslag").get_by_role("option")
    expect(valg.first).to_be_visible()
    tekster = valg.all_inner_texts()
    ingen = [i for i, t in enumerate(tekster) if "gir ingen tilbud" in t]
    med = [i for i, t in enumerate(tekster) if "gir ingen tilbud" not in t]
    assert ingen and med and max(med) < min(ingen), tekster
    assert any("P72" in tekster[i] for i in ingen)
    assert "forslag-ingen" in (valg.nth(ingen[0]).get_attribute("class") or "")
    assert axe_brudd(side) == []


def test_type_ahead_marks_by_the_patients_kommune(side) -> None:
    side.goto("/?kommune=Vard%C3%B8")
    side.locator("#id_diagnose").press_sequentially("C50.9", delay=30)
    valg = side.locator("#id_diagnose-forslag").get_by_role("option")
    expect(valg.first).to_contain_text("gir ingen tilbud der pasienten bor")


@pytest.mark.parametrize("bredde", [1280, 360])
def test_a_code_nobody_serves_explains_and_offers_the_nearest_malgruppe(side_for, bredde) -> None:
    side = side_for(bredde=bredde)
    side.goto("/")
    side.locator("#id_kommune").fill("1804")
    side.locator("#id_diagnose").fill("P72")
    side.locator("#id_diagnose").press("Enter")
    expect(side.locator("#tomt-grunn")).to_contain_text("hører ikke til målgruppene i registeret")
    lenke = side.locator("#naermeste-malgruppe")
    expect(lenke).to_contain_text("Søk etter tilbud for angst, depresjon")
    assert axe_brudd(side) == []
    lenke.click()
    expect(side.locator("#treffliste .kort").first).to_be_visible()
    assert parse_qs(urlparse(side.url).query)["malgruppe"] == ["psykiske-lidelser"]


@pytest.mark.parametrize("bredde", [1280, 360])
def test_til_soket_returns_to_the_same_live_search(side_for, bredde) -> None:
    side = side_for(bredde=bredde)
    side.goto("/")
    velg_fra_typeahead(side, "kommune", "Bod", "Bodø")
    side.locator("#id_diagnose").press_sequentially("L86", delay=30)
    expect(side).to_have_url(re.compile(r"diagnose=L86"))
    expect(side.locator("#treffliste .kort").first).to_be_visible()
    sokt = parse_qs(urlparse(side.url).query)
    titler = korttitler(side)
    side.locator("#treffliste .kort-tittel a").nth(1).click()
    expect(side.locator("h1")).to_have_text(titler[1])
    side.get_by_role("link", name="Til søket").click()
    expect(side.locator("#treffliste .kort").first).to_be_visible()
    assert parse_qs(urlparse(side.url).query) == sokt
    assert korttitler(side) == titler
    expect(side.locator("#id_diagnose")).to_have_value("L86")


def test_til_soket_keeps_the_page_of_results(side) -> None:
    side.goto("/?diagnose=L86&page_size=5&page=2")
    titler = korttitler(side)
    assert len(titler) == 5
    side.locator("#treffliste .kort-tittel a").first.click()
    side.get_by_role("link", name="Til søket").click()
    assert parse_qs(urlparse(side.url).query) == {
        "diagnose": ["L86"],
        "page_size": ["5"],
        "page": ["2"],
    }
    assert korttitler(side) == titler


@pytest.mark.parametrize("bredde", [1280, 360])
def test_a_typo_finds_the_depression_tilbud_and_says_so(side_for, bredde) -> None:
    side = side_for(bredde=bredde)
    side.goto("/")
    side.locator("#id_q").press_sequentially("depresjom", delay=30)
    status = side.locator("#treff-status")
    expect(status).to_contain_text("Viser treff for «depresjon» (du skrev «depresjom»).")
    expect(side.locator("#treffliste .kort").first).to_be_visible()
    assert axe_brudd(side) == []
