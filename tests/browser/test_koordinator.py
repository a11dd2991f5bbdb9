"""A Helse Nord coordinator in a real browser: log in, find a stale tilbud, change the waiting
time, verify it, and see both on the public page. axe-core on «Mine tilbud» and the edit form."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import bruker_med_rolle

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
