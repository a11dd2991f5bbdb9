"""The referral journeys of issue 13 in Chromium at 1280 and 360 px: the GP logs in, searches
with a diagnosis, opens a tilbud, refers with the diagnosis filled in and finds the referral in
«Mine henvisninger»; the receiving unit logs in, sees it in the inbox with the referrer's HPR and
assesses it. Also: the consent checkbox beside its label, and the print view on one A4 page.
axe-core finds no WCAG 2.1 A/AA violations on the pages on the way."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from henvisning.livssyklus import Handling, Part
from henvisning.models import Henvisning, Sjekkliste
from henvisning.services import henvisning_opprett, henvisning_overgang, mottaker_for
from tests.factories import TilbudFactory, bruker_med_rolle
from tilbud.models import Organisasjon, Rolle, Tilbud

from .conftest import axe_brudd

BREDDER = pytest.mark.parametrize("bredde", [1280, 360], ids=["1280px", "360px"])
PASSORD = "hemmelig-passord-123"  # tests.factories.BrukerFactory
# The code the journey ends with when the GP types «utbrent» and takes the top suggestion.
DIAGNOSE = "Z73.0"


@pytest.fixture(autouse=True)
def nokler(settings) -> None:
    settings.HENVISNING_NOKKEL = Fernet.generate_key().decode()
    settings.HENVISNING_HMAC_NOKKEL = "test-hmac-nokkel-ikke-for-produksjon"


def logg_inn(side, bruker, neste: str) -> None:
    """Through the real login page, then on to `neste`."""
    side.goto(f"{reverse('login')}?{urlencode({'next': neste})}")
    side.get_by_label("Brukernavn").fill(bruker.username)
    side.get_by_label("Passord").fill(PASSORD)
    side.get_by_role("button", name="Logg inn").click()
    side.wait_for_url(re.compile(re.escape(neste.split("?")[0])))


def fastlege(**rolle):
    lege = bruker_med_rolle("henviser", henvisertype="fastlege")
    lege.first_name, lege.last_name = "Kari", "Lege"
    lege.save()
    Rolle.objects.filter(bruker=lege).update(
        hpr_nummer="9123456", praksis="Ålesund legesenter", telefon="70 12 34 56", **rolle
    )
    return lege


def bredde_ok(side) -> bool:
    bredder = side.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return bredder[0] == bredder[1]


@BREDDER
def test_fastlegen_henviser_fra_soket_og_mottakeren_vurderer(side_for, live_server, bredde) -> None:
    lege = fastlege()
    side = side_for(bredde=bredde)
    logg_inn(side, lege, "/")
    # As a GP would: the patient's kommune and a plain word, then the top suggestion.
    kommune = side.locator("#id_kommune")
    kommune.click()
    kommune.press_sequentially("Ålesund", delay=20)
    expect(side.locator("#id_kommune-forslag").get_by_role("option").first).to_contain_text(
        "Ålesund"
    )
    kommune.press("ArrowDown")
    kommune.press("Enter")
    diagnose = side.locator("#id_diagnose")
    diagnose.click()
    diagnose.press_sequentially("utbrent", delay=20)
    forste = side.locator("#id_diagnose-forslag").get_by_role("option").first
    expect(forste).to_contain_text(DIAGNOSE)
    diagnose.press("ArrowDown")
    diagnose.press("Enter")
    expect(side).to_have_url(re.compile(rf"diagnose={re.escape(DIAGNOSE)}"))
    kort = side.locator("li.kort h3 a").first
    expect(kort).to_be_visible()
    assert axe_brudd(side) == []
    assert f"diagnose={DIAGNOSE}" in kort.get_attribute("href")
    kort.click()
    side.get_by_role("link", name="Henvis pasienten").click()
    expect(side.get_by_role("heading", level=1)).to_have_text("Henvis pasienten")
    # The diagnosis from the search is already there.
    expect(side.locator("#id_diagnosekoder")).to_have_value(DIAGNOSE)
    tilbud_id = int(re.search(r"/ny/(\d+)/", side.url).group(1))
    assert not Henvisning.objects.exists()  # opening the form stores nothing
    assert axe_brudd(side) == [] and bredde_ok(side)
    side.get_by_label("Fødselsnummer eller D-nummer").fill("15108695088")
    side.get_by_label("Pasientens navn").fill("Ola Reise")
    side.get_by_label("Sykmeldt", exact=True).select_option("ja")
    side.get_by_label("Sykmeldingsgrad (%)").fill("100")
    side.get_by_label("Sykmeldt fra").fill((timezone.localdate() - timedelta(days=20)).isoformat())
    side.get_by_label("Spørsmål til spesialisten").fill("Arbeidsrettet vurdering?")
    for boks in side.locator(".sjekkliste input[type=checkbox]").all():
        boks.check()
    side.get_by_label("Pasienten har samtykket til henvisningen").check()
    side.get_by_role("button", name="Send henvisningen").click()
    expect(side.locator("#status")).to_contain_text("Sendt")
    h = Henvisning.objects.get()
    assert h.tilbud_id == tilbud_id and [k["kode"] for k in h.diagnosekoder] == [
        DIAGNOSE.replace(".", "")
    ]  # stored as the code list writes it
    dato = timezone.localdate().strftime("%d.%m.%Y")
    expect(side.locator(".statuslogg")).to_contain_text(f"Sendt {dato} av Kari Lege")
    assert axe_brudd(side) == [] and bredde_ok(side)
    side.goto("/henvisninger/")
    expect(side.get_by_role("link", name=f"Nr. {h.pk}")).to_be_visible()
    assert axe_brudd(side) == [] and bredde_ok(side)

    # The receiving unit.
    inntak = bruker_med_rolle("mottaker", organisasjon=mottaker_for(h.tilbud).navn)
    mottaker = side_for(bredde=bredde)
    logg_inn(mottaker, inntak, "/henvisninger/innboks/")
    rad = mottaker.locator("tr", has=mottaker.get_by_role("link", name=f"Nr. {h.pk}")).first
    expect(rad).to_contain_text("Kari Lege")
    expect(rad).to_contain_text("HPR 9123456")
    assert axe_brudd(mottaker) == [] and bredde_ok(mottaker)
    rad.get_by_role("link", name=f"Nr. {h.pk}").click()
    expect(mottaker.locator(".henviser")).to_contain_text("HPR-nummer 9123456")
    expect(mottaker.locator(".henviser")).to_contain_text("Ålesund legesenter")
    expect(mottaker.locator(".henviser")).to_contain_text("70 12 34 56")
    mottaker.get_by_role("button", name="Registrer som mottatt").click()
    mottaker.get_by_label("Rett til helsehjelp", exact=True).check()
    frist = timezone.localdate() + timedelta(days=45)
    mottaker.get_by_label("Frist for helsehjelp").fill(frist.isoformat())
    mottaker.get_by_role("button", name="Lagre vurderingen").click()
    expect(mottaker.locator("#status")).to_contain_text("Rett til helsehjelp")
    expect(mottaker.locator(".statuslogg")).to_contain_text(f"Mottatt {dato} av")
    assert axe_brudd(mottaker) == [] and bredde_ok(mottaker)

    side.goto("/henvisninger/")
    expect(side.locator("table.henvisninger")).to_contain_text("Rett til helsehjelp")


def _boks(locator) -> dict:
    boks = locator.bounding_box()
    assert boks is not None
    return boks


@BREDDER
def test_samtykket_star_ved_siden_av_etiketten(side_for, live_server, bredde) -> None:
    klinikk = Organisasjon.objects.create(navn="Avkrysningsklinikken AS", type="privat")
    tilbud = TilbudFactory(organisasjon=klinikk, henvisning_til=Tilbud.HenvisningTil.LEVERANDOR)
    Sjekkliste.objects.create(
        tilbud=tilbud, punkter=["Funksjonsnivå i arbeid", "Tidligere behandling og effekt av den"]
    )
    side = side_for(bredde=bredde)
    logg_inn(side, fastlege(), f"/henvisninger/ny/{tilbud.pk}/")
    par = [("#id_samtykke", "label[for=id_samtykke]")] + [
        (f"#id_sjekkliste_{i}", f"label[for=id_sjekkliste_{i}]") for i in range(2)
    ]
    for boks_loc, etikett_loc in par:
        boks, etikett = _boks(side.locator(boks_loc)), _boks(side.locator(etikett_loc))
        # Beside: the box ends left of the label, close to it, and on the label's first line.
        assert boks["x"] + boks["width"] <= etikett["x"] <= boks["x"] + boks["width"] + 24
        assert etikett["y"] - 4 <= boks["y"] <= etikett["y"] + 16
        assert boks["height"] < 40  # a box, not a stretched text field
    assert bredde_ok(side) and axe_brudd(side) == []
    # Clicking the label ticks the box.
    side.locator("label[for=id_samtykke]").click()
    expect(side.locator("#id_samtykke")).to_be_checked()


def _sidetall(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_utskriften_av_en_sendt_henvisning_er_en_a4_side(side_for, live_server) -> None:
    klinikk = Organisasjon.objects.create(navn="Utskriftsklinikken AS", type="privat")
    tilbud = TilbudFactory(
        organisasjon=klinikk,
        henvisning_til=Tilbud.HenvisningTil.LEVERANDOR,
        navn="Arbeidsrettet rehabilitering for muskel- og skjelettlidelser og psykiske plager",
    )
    punkter = [
        "Funksjonsnivå i arbeid",
        "Tidligere behandling og effekt av den",
        "Sykmeldingshistorikk siste 12 måneder",
        "Kontakt med arbeidsgiver og NAV",
        "Pasientens egne mål for arbeid",
    ]
    Sjekkliste.objects.create(tilbud=tilbud, punkter=punkter)
    lege = fastlege()
    avsnitt = (
        "Pasienten har hatt langvarige smerter i korsrygg og nakke og har de siste månedene "
        "også fått søvnvansker og nedstemthet. Han har prøvd fysioterapi to ganger i uken i "
        "tre måneder med noe bedring. "
    )
    h = henvisning_opprett(
        sender=lege,
        tilbud=tilbud,
        data={
            "fodselsnummer": "15108695088",
            "navn": "Ola Utskrift Nordmann",
            "diagnosekoder": ["L86", "P76", "F41.1"],
            "sykmeldt": True,
            "sykmelding_prosent": 60,
            "sykmeldt_fra": timezone.localdate() - timedelta(days=60),
            "sporsmal": avsnitt * 4,
            "arbeidssituasjon": "Lagerarbeider i 100 % stilling, tunge løft. " * 4,
            "arbeidsgiverkontakt": "Leder er kjent med saken og åpen for tilrettelegging. " * 3,
            "nav_kontakt": "Dialogmøte 1 er holdt; NAV-veileder følger opp. " * 3,
            "samtykke": True,
            "sjekkliste": punkter[:3],
        },
    )
    henvisning_overgang(henvisning=h, bruker=lege, part=Part.SENDER, handling=Handling.SEND)
    side = side_for()
    logg_inn(side, lege, f"/henvisninger/{h.pk}/")
    side.get_by_role("link", name="Utskrift (én A4-side)").click()
    expect(side.get_by_role("heading", level=1)).to_have_text(f"Henvisning nr. {h.pk}")
    expect(side.get_by_role("button", name="Skriv ut")).to_be_visible()
    expect(side.locator(".utskrift")).to_contain_text("HPR-nummer 9123456")
    assert axe_brudd(side) == []
    pdf = side.pdf(format="A4", print_background=True)
    assert _sidetall(pdf) == 1
    # The check counts pages: the same referral with a lot more text runs onto a second one.
    side.evaluate(
        "() => document.querySelector('.utskrift').append(...Array.from("
        "{length: 40}, () => Object.assign(document.createElement('p'), "
        "{textContent: 'Ekstra linje for å fylle siden.'})))"
    )
    assert _sidetall(side.pdf(format="A4")) >= 2
