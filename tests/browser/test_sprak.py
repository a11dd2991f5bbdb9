"""Bokmål, nynorsk and English in a real browser: the browser's language chooses, the switch in
the header keeps the GP on the same search at 360 px, and axe-core finds nothing on any public
page in any of the three languages. The tilbud page's three answers at 360 px."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from playwright.sync_api import Page, expect

from tests.factories import bruker_med_rolle
from tilbud.models import Tilbud

from .conftest import axe_brudd

SPRAK = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}
# The page's h1 in each language: proof that the page really is in it.
SOKETITTEL = {
    "nb": "Finn tilbud for pasienten",
    "nn": "Finn tilbod for pasienten",
    "en": "Find services for the patient",
}
BODO = "s4_6_9_3"


def _passer(side: Page, bredde: int) -> None:
    scroll, vindu = side.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= vindu == bredde, (scroll, vindu)


def _ingen_brudd(side: Page, hva: str) -> None:
    brudd = axe_brudd(side)
    assert brudd == [], f"{hva}: {brudd}"


def test_the_switch_at_360_px_keeps_the_search_and_changes_the_language(side_for) -> None:
    side = side_for(360)
    side.goto("/?kommune=1804&diagnose=L86")
    expect(side.locator("html")).to_have_attribute("lang", "nb")
    expect(side.locator("h1")).to_have_text(SOKETITTEL["nb"])
    # The GP narrows the search as you type (the URL follows): the switch must keep that too.
    side.locator("#id_q").press_sequentially("arbeid", delay=30)
    expect(side).to_have_url(re.compile(r"q=arbeid"))
    valg = side.get_by_role("form", name="Velg språk")
    nynorsk = valg.get_by_role("button", name="Nynorsk")
    expect(nynorsk).to_be_visible()
    boks = nynorsk.bounding_box()
    assert boks is not None and boks["height"] >= 44 and boks["width"] >= 44
    _passer(side, 360)
    nynorsk.click()
    expect(side.locator("html")).to_have_attribute("lang", "nn")
    expect(side.locator("h1")).to_have_text(SOKETITTEL["nn"])
    sporring = side.url.split("?", 1)[1]
    assert set(sporring.split("&")) == {"kommune=1804", "diagnose=L86", "q=arbeid"}
    expect(side.locator("#id_q")).to_have_value("arbeid")
    expect(side.get_by_role("button", name="Nynorsk")).to_have_attribute("aria-current", "true")
    _passer(side, 360)
    # The choice sticks (a cookie) over the browser's own language, also with the keyboard.
    side.get_by_role("button", name="English").focus()
    side.keyboard.press("Enter")
    expect(side.locator("html")).to_have_attribute("lang", "en")
    side.goto("/")
    expect(side.locator("h1")).to_have_text(SOKETITTEL["en"])


@pytest.mark.parametrize("sprak", list(SPRAK))
def test_public_pages_have_no_axe_violations(side_for, sprak: str) -> None:
    tilbud = Tilbud.objects.get(kilde_id=BODO)
    side = side_for(1280, sprak=SPRAK[sprak])
    # Chrome logs the 404 page's and the bad searches' status codes as console errors.
    side_for.tillatt.extend(["404 (Not Found)", "400 (Bad Request)"])
    sider = [
        ("/", "søkesiden"),
        ("/?kommune=1804&diagnose=L86", "treff"),
        ("/?kommune=Bod%C3%B8&diagnose=angst&q=qxzqxz", "tomt svar"),
        (f"/tilbud/{tilbud.pk}/", "tilbudssiden"),
        ("/tilbud/meld-feil/bekreft/x/", "bekreft e-post"),
        ("/finnes/ikke/", "404"),
    ]
    for url, navn in sider:
        side.goto(url)
        expect(side.locator("html")).to_have_attribute("lang", sprak)
        _ingen_brudd(side, f"{navn} ({sprak})")
    # Errors: a search that cannot be run, and «Meld feil» sent without what is wrong.
    side.goto("/?kommune=9999&diagnose=L86")
    expect(side.locator("#feilboks")).to_be_visible()
    _ingen_brudd(side, f"feil i søket ({sprak})")
    side.goto(f"/tilbud/{tilbud.pk}/")
    side.locator("#meld-feil button[type=submit]").click()
    expect(side.locator("#meld-feil .feilboks")).to_be_visible()
    _ingen_brudd(side, f"meld feil med feil ({sprak})")
    # The styled 500 page (tests/test_sprak.py adds a route that fails).
    side_for.tillatt.append("500 (Internal Server Error)")
    with override_settings(ROOT_URLCONF="tests.test_sprak"):
        svar = side.goto("/boom/")
        assert svar is not None and svar.status == 500
        expect(side.locator("html")).to_have_attribute("lang", sprak)
        _ingen_brudd(side, f"500 ({sprak})")


@pytest.mark.parametrize("sprak", list(SPRAK))
def test_the_403_page_for_a_gp_has_no_axe_violations(side_for, live_server, sprak: str) -> None:
    fastlege = bruker_med_rolle("henviser", henvisertype="fastlege")
    klient = Client()
    klient.force_login(fastlege)
    side = side_for(360, sprak=SPRAK[sprak])
    side_for.tillatt.append("403 (Forbidden)")
    side.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": klient.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    svar = side.goto("/koordinator/feilmeldinger/")
    assert svar is not None and svar.status == 403
    expect(side.locator("html")).to_have_attribute("lang", sprak)
    _passer(side, 360)
    _ingen_brudd(side, f"403 ({sprak})")


@pytest.mark.parametrize("sprak", list(SPRAK))
def test_the_tilbud_page_answers_the_three_questions_first_at_360_px(side_for, sprak) -> None:
    tilbud = Tilbud.objects.get(kilde_id=BODO)
    side = side_for(360, sprak=SPRAK[sprak])
    side.goto(f"/tilbud/{tilbud.pk}/")
    # A landmark and a heading a screen reader can jump to, before every other section.
    boks = side.get_by_role(
        "region", name={"nb": "Kort fortalt", "nn": "Kort fortalt", "en": "In brief"}[sprak]
    )
    expect(boks).to_be_visible()
    overskrifter = side.locator("article h2").all_inner_texts()
    assert overskrifter[0] == {"nb": "Kort fortalt", "nn": "Kort fortalt", "en": "In brief"}[sprak]
    sporsmal = boks.locator(".tre-svar dt").all_inner_texts()
    assert (
        sporsmal
        == {
            "nb": ["Hvor raskt?", "Slik henviser du", "Hvem ringer du?"],
            "nn": ["Kor raskt?", "Slik tilviser du", "Kven ringjer du?"],
            "en": ["How soon?", "How to refer", "Whom do you call?"],
        }[sprak]
    )
    # The catalogue's «innen 4 uker», read as data and shown in the page's language.
    expect(boks.locator(".svar-ventetid dd")).to_contain_text(
        {"nb": "ca. 4 uker", "nn": "ca. 4 veker", "en": "about 4 weeks"}[sprak]
    )
    # The three answers come early: within the first screen and a half of a phone.
    svar = boks.locator(".svar-kontakt").bounding_box()
    assert svar is not None and svar["y"] + svar["height"] <= 900 * 1.5
    _passer(side, 360)
    boks.get_by_role(
        "link",
        name={
            "nb": "Mer om henvisningen",
            "nn": "Meir om tilvisinga",
            "en": "More about the referral",
        }[sprak],
    ).click()
    expect(side).to_have_url(re.compile(r"#slik-henviser$"))
    _ingen_brudd(side, f"tilbudssiden 360 px ({sprak})")
