"""Issue 17 in a real browser: a coordinator registers the tilbud's electronic address (HER-id,
AR's name, who assesses, accepted messages) on the edit page, and a GP then sees «Elektronisk
adresse: <navn> (HER-id …)» in «Slik henviser du» on the tilbud page. axe-core on both pages, at
1280 and 360 px."""

import pytest
from playwright.sync_api import expect

from tests.factories import bruker_med_rolle
from tilbud.models import Organisasjon, Tilbud

from .conftest import axe_brudd

BODO_HIA = "Muskel/skjelett og psykisk helse - HelseIArbeid-senteret (Bodø)"
RVE = "Regional vurderingsenhet, Helse Nord (test)"


def logg_inn(side, bruker, neste: str) -> None:
    side.goto(f"/konto/login/?next={neste}")
    side.get_by_label("Brukernavn").fill(bruker.username)
    side.get_by_label("Passord").fill("hemmelig-passord-123")
    side.get_by_role("button", name="Logg inn").click()


@pytest.mark.parametrize("bredde", [1280, 360])
def test_coordinator_enters_a_her_id_and_the_gp_sees_the_address(side_for, bredde) -> None:
    tilbud = Tilbud.objects.get(navn=BODO_HIA)
    Organisasjon.objects.create(
        navn=RVE, type=Organisasjon.Type.VURDERINGSENHET, rhf=Organisasjon.objects.get(kode="HN")
    )
    koordinator = bruker_med_rolle("koordinator", rhf="HN")
    side = side_for(bredde)
    logg_inn(side, koordinator, f"/koordinator/tilbud/{tilbud.pk}/")
    expect(side.get_by_role("heading", name=BODO_HIA, level=1)).to_be_visible()
    side.get_by_label("HER-id", exact=True).fill("8765432")
    side.get_by_label("Navn i Adresseregisteret").fill("HelseIArbeid Bodø, inntak")
    side.get_by_label("Overordnet HER-id").fill("123456")
    side.get_by_label("Vurderes av").select_option(label="Regional vurderingsenhet (RKE/RVE)")
    side.get_by_label("Enheten som vurderer").select_option(label=RVE)
    side.get_by_label("Henvisning 2.0").check()
    side.get_by_label("Dialogmelding 1.1").check()
    assert axe_brudd(side) == []
    side.get_by_role("button", name="Lagre endringene").click()
    expect(side.get_by_text("Endringene er lagret")).to_be_visible()

    fastlege = bruker_med_rolle("henviser", henvisertype="fastlege")
    gp = side_for(bredde)
    logg_inn(gp, fastlege, f"/tilbud/{tilbud.pk}/")
    expect(gp.get_by_role("heading", name=BODO_HIA, level=1)).to_be_visible()
    adresse = gp.locator(".elektronisk-adresse")
    expect(adresse).to_have_text("HelseIArbeid Bodø, inntak (HER-id 8765432)")
    expect(adresse).to_be_visible()
    expect(gp.get_by_text(f"{RVE} (Regional vurderingsenhet (RKE/RVE))")).to_be_visible()
    expect(gp.get_by_text("Henvisning 2.0, Dialogmelding 1.1")).to_be_visible()
    assert axe_brudd(gp) == []
    if bredde == 360:
        # Nothing wider than the phone: no sideways scrolling.
        assert gp.evaluate("document.documentElement.scrollWidth") <= 360
