"""The coordinators' queue after an AR synchronisation, in a real browser at 1280 and 360 px: an
AR proposal and an AR flag are listed, the proposal opens and is accepted, the tilbud gets its
HER-id; axe-core finds nothing on either page. AR itself is stood in for by its copy."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import OrganisasjonFactory, TilbudFactory, bruker_med_rolle
from tests.falsk_ar import FORSTE_HER_ID
from tilbud.models import ArMarkor, ArTjeneste, Tilbud
from tilbud.services.adresseregister import foreslaa_koblinger, oppdater_flagg

from .conftest import axe_brudd


@pytest.mark.parametrize("bredde", [1280, 360])
def test_coordinator_sees_ar_proposal_and_flag_and_accepts_the_proposal(side_for, bredde) -> None:
    leverandor = OrganisasjonFactory(navn="Syntetisk leverandør", organisasjonsnummer="990100001")
    ny = TilbudFactory(organisasjon=leverandor, navn="Syntetisk tjeneste 1")
    TilbudFactory(organisasjon=leverandor, navn="Syntetisk flagget", her_id=FORSTE_HER_ID + 2)
    ArTjeneste.objects.create(
        her_id=FORSTE_HER_ID + 1,
        navn="Syntetisk tjeneste 1",
        organisasjonsnummer="990100001",
        tjenestekode="14",
        meldinger=["henvisning-2.0"],
    )
    ArTjeneste.objects.create(
        her_id=FORSTE_HER_ID + 2, navn="Syntetisk inaktiv", tjenestekode="14", aktiv=False
    )
    ArMarkor.objects.create(navn="ar", siste_hendelse_id="syntetisk-1", full_eksport=timezone.now())
    assert foreslaa_koblinger() == 1 and oppdater_flagg() == (1, 0)

    bruker = bruker_med_rolle("koordinator", rhf="HN")
    side = side_for(bredde)
    side.goto("/koordinator/forslag/")
    side.get_by_label("Brukernavn").fill(bruker.username)
    side.get_by_label("Passord").fill("hemmelig-passord-123")
    side.get_by_role("button", name="Logg inn").click()

    expect(side.get_by_role("heading", name="Forslag som venter", level=1)).to_be_visible()
    expect(side.get_by_role("link", name="Syntetisk flagget")).to_be_visible()
    expect(side.get_by_text("er ikke lenger aktiv i Adresseregisteret").first).to_be_visible()
    assert axe_brudd(side) == []

    side.get_by_role("link", name="Syntetisk tjeneste 1").click()
    expect(side.get_by_role("heading", name=re.compile("Forslag til Syntetisk"))).to_be_visible()
    expect(side.get_by_text("Foreslått av Adresseregisteret")).to_be_visible()
    assert axe_brudd(side) == []
    side.get_by_role("button", name="Godkjenn forslaget").click()
    expect(side.get_by_text("Forslaget er godkjent, og tilbudet er oppdatert.")).to_be_visible()
    # Back in the queue: the proposal is gone, the flag stays until AR and the tilbud agree.
    expect(side.get_by_role("link", name="Syntetisk tjeneste 1")).to_have_count(0)
    expect(side.get_by_role("link", name="Syntetisk flagget")).to_be_visible()

    ny.refresh_from_db()
    assert ny.her_id == FORSTE_HER_ID + 1
    assert Tilbud.objects.get(pk=ny.pk).meldinger == ["henvisning-2.0"]
