"""Waiting times in a real browser: a Helse Nord coordinator follows the weekly digest's link
and clears the «utdatert» list with «Uendret»; a GP sorts the search by waiting time. axe-core
on both pages, at 1280 and 360 px."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import bruker_med_rolle
from tilbud.models import Tilbud, Ventetid
from tilbud.services.ukentlig_sammendrag import send_ukentlige_sammendrag

from .conftest import axe_brudd

BODO_HIA = "Muskel/skjelett og psykisk helse - HelseIArbeid-senteret (Bodø)"


@pytest.mark.parametrize("bredde", [1280, 360])
def test_coordinator_clears_the_outdated_list_from_the_digest_link(side_for, bredde) -> None:
    bodo = Tilbud.objects.get(navn=BODO_HIA)
    Ventetid.objects.create(
        tilbud=bodo,
        type="behandling",
        uker_min=3,
        uker_maks=3,
        dato=timezone.localdate() - timedelta(days=45),
        kilde="koordinator",
    )
    bruker = bruker_med_rolle("koordinator", rhf="HN")
    bruker.email = "koordinator.hn@example.no"
    bruker.save()
    send_ukentlige_sammendrag()
    brev = next(m for m in mail.outbox if bruker.email in m.to)
    lenke = next(u for u in re.findall(r"https?://\S+", brev.body) if "/ventetider/" in u)

    side = side_for(bredde)
    side.goto(urlsplit(lenke).path)
    side.get_by_label("Brukernavn").fill(bruker.username)
    side.get_by_label("Passord").fill("hemmelig-passord-123")
    side.get_by_role("button", name="Logg inn").click()
    expect(side.get_by_role("heading", name="Utdaterte ventetider", level=1)).to_be_visible()
    assert axe_brudd(side) == []
    radene = side.locator("#utdaterte-ventetider > li")
    antall = radene.count()
    assert antall >= 2  # Bodø's and the report's Valnesfjord (measured 2020)
    expect(side.get_by_role("heading", name=BODO_HIA)).to_be_visible()
    for _ in range(antall):
        side.get_by_role("button", name=re.compile(r"^Uendret")).first.click()
        expect(side.get_by_text("er bekreftet i dag.")).to_be_visible()
    expect(side.get_by_text("Ingen utdaterte ventetider.")).to_be_visible()
    assert axe_brudd(side) == []
    assert not Ventetid.objects.filter(
        tilbud__rhf__kode="HN", uker_maks__isnull=False, dato__lt=timezone.localdate()
    ).exists()


@pytest.mark.parametrize("bredde", [1280, 360])
def test_gp_sorts_by_waiting_time(side_for, bredde) -> None:
    side = side_for(bredde)
    side.goto("/")
    side.get_by_label("Sorter etter").select_option("ventetid")
    side.get_by_role("button", name="Søk", exact=True).click()
    expect(side.get_by_text("Tilbud med ukjent ventetid står sist.")).to_be_visible()
    kort = side.locator("#treffliste > li")
    # The catalogue's two structured waiting times first: 2 weeks, then 4.
    expect(kort.nth(0)).to_contain_text("ca. 2 uker (målt 01.12.2020)")
    expect(kort.nth(0)).to_contain_text("utdatert")
    expect(kort.nth(1)).to_contain_text("ca. 4 uker (målt 01.12.2020)")
    expect(kort.nth(2)).not_to_contain_text("ca. ")
    assert axe_brudd(side) == []
