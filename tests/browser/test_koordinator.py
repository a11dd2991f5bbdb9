"""A Helse Nord coordinator in a real browser: log in, find a stale tilbud, change the waiting
time, verify it, and see both on the public page. axe-core on «Mine tilbud» and the edit form."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import bruker_med_rolle
from tilbud.models import Feilmelding, Tilbud

from .conftest import axe_brudd

BODO_HIA = "Muskel/skjelett og psykisk helse - HelseIArbeid-senteret (Bodø)"


def test_coordinator_updates_waiting_time_and_verifies(side) -> None:
    bruker = bruker_med_rolle("koordinator", rhf="HN")
    side.goto("/koordinator/")
    expect(side).to_have_url(re.compile(r"/konto/login/\?next=/koordinator/$"))
    side.get_by_label("Brukernavn").fill(bruker.username)
    side.get_by_label("Passord").fill("hemmelig-passord-123")
    side.get_by_role("button", name="Logg inn").click()

    expect(side.get_by_role("heading", name="Mine tilbud", level=1)).to_be_visible()
    assert axe_brudd(side) == []
    side.get_by_label("Ikke bekreftet på 12 mnd").check()
    side.get_by_role("button", name="Vis", exact=True).click()
    expect(side).to_have_url(re.compile(r"ikke_bekreftet=1"))
    side.get_by_role("link", name=BODO_HIA).click()

    expect(side.get_by_role("heading", name=BODO_HIA, level=1)).to_be_visible()
    assert axe_brudd(side) == []
    side.get_by_label("Ventetid", exact=True).fill("Om lag tre uker")
    side.get_by_label("Ventetid i uker").fill("3")
    side.get_by_role("button", name="Lagre endringene").click()
    expect(side.get_by_text("Endringene er lagret")).to_be_visible()

    side.get_by_role("button", name="Bekreft opplysningene").click()
    expect(side.get_by_text("Opplysningene er bekreftet i dag.")).to_be_visible()

    side.get_by_role("link", name="Se den offentlige siden").click()
    expect(side.get_by_role("heading", name=BODO_HIA, level=1)).to_be_visible()
    expect(side.get_by_text("Om lag tre uker")).to_be_visible()
    idag = timezone.localdate().strftime("%d.%m.%Y")
    expect(side.get_by_text(idag).first).to_be_visible()
    expect(side.get_by_text("Nylig bekreftet").first).to_be_visible()


@pytest.mark.parametrize("bredde", [1280, 360])
def test_coordinator_fixes_a_reported_error_saves_and_confirms(side_for, bredde) -> None:
    """Issue 13's coordinator journey: a GP reported an error; the coordinator finds it, opens
    the tilbud from it, fixes it, «Lagre og bekreft», resolves the report, and the public page
    shows the fix, confirmed by «RHF-koordinator, Helse Nord» (never the user name)."""
    tilbud = Tilbud.objects.get(navn=BODO_HIA)
    Tilbud.objects.filter(pk=tilbud.pk).update(sist_bekreftet=date(2020, 1, 1))
    Feilmelding.objects.create(
        tilbud=tilbud, felt="kontakt", beskrivelse="Telefonnummeret er feil, riktig er 75 12 34 56."
    )
    bruker = bruker_med_rolle("koordinator", rhf="HN")
    side = side_for(bredde)
    side.goto("/koordinator/")
    side.get_by_label("Brukernavn").fill(bruker.username)
    side.get_by_label("Passord").fill("hemmelig-passord-123")
    side.get_by_role("button", name="Logg inn").click()
    expect(side.get_by_role("heading", name="Mine tilbud", level=1)).to_be_visible()
    expect(side.get_by_role("button", name="Bekreft uendret")).to_be_visible()
    assert axe_brudd(side) == []

    side.get_by_role("link", name="Feilmeldinger", exact=True).click()
    rapport = f"{BODO_HIA}: Kontaktinformasjon eller nettside"
    side.get_by_role("link", name=rapport).click()
    expect(side.get_by_text("Telefonnummeret er feil")).to_be_visible()
    assert axe_brudd(side) == []
    side.get_by_role("link", name="Rett opplysningene i tilbudet").click()

    expect(side.get_by_role("heading", name=BODO_HIA, level=1)).to_be_visible()
    side.locator("#id_kontakt").fill("75 12 34 56")
    assert axe_brudd(side) == []
    side.get_by_role("button", name="Lagre og bekreft").click()
    expect(
        side.get_by_text("Endringene er lagret, og opplysningene er bekreftet i dag")
    ).to_be_visible()
    idag = timezone.localdate().strftime("%d.%m.%Y")
    expect(side.locator("#sist-bekreftet")).to_have_text(idag)

    # Back to the report from the tilbud, and mark it handled.
    side.get_by_role("link", name="1 åpen feilmelding fra fastleger").click()
    expect(side.get_by_role("heading", name=f"Åpne feilmeldinger for {BODO_HIA}")).to_be_visible()
    assert axe_brudd(side) == []
    side.get_by_role("link", name=rapport).click()
    side.get_by_label("Hva ble gjort?").fill("Rettet telefonnummeret.")
    side.get_by_role("button", name="Merk som løst").click()
    expect(side.get_by_text("Feilmeldingen er løst.")).to_be_visible()
    expect(side.get_by_text("Ingen åpne feilmeldinger.")).to_be_visible()

    side.goto(f"/tilbud/{tilbud.pk}/")
    expect(side.get_by_role("heading", name=BODO_HIA, level=1)).to_be_visible()
    expect(side.get_by_text("75 12 34 56").first).to_be_visible()
    expect(side.get_by_text("RHF-koordinator, Helse Nord").first).to_be_visible()
    assert bruker.username not in side.content()


def test_bulk_confirm_on_my_list(side_for) -> None:
    """«Bekreft uendret» for two selected tilbud in one POST, at 360 px."""
    valgt = list(
        Tilbud.objects.filter(rhf__kode="HN").exclude(status="avsluttet").order_by("pk")[:2]
    )
    Tilbud.objects.filter(pk__in=[t.pk for t in valgt]).update(sist_bekreftet=date(2020, 1, 1))
    bruker = bruker_med_rolle("koordinator", rhf="HN")
    side = side_for(360)
    side.goto("/koordinator/")
    side.get_by_label("Brukernavn").fill(bruker.username)
    side.get_by_label("Passord").fill("hemmelig-passord-123")
    side.get_by_role("button", name="Logg inn").click()
    for t in valgt:
        side.locator(f"#velg-{t.pk}").check()
    side.get_by_role("button", name="Bekreft uendret").click()
    expect(side.get_by_text("2 tilbud er bekreftet uendret i dag.")).to_be_visible()
    assert axe_brudd(side) == []
    for t in valgt:
        assert Tilbud.objects.get(pk=t.pk).sist_bekreftet == timezone.localdate()
