"""/rapporter/ on a phone: every chart's labels and figures stay inside the chart, are not cut
off, and are at least 12 px (issue 13, «Reports and API docs»). Both sets of charts: the
catalogue's (public) and the referral figures (a coordinator)."""

import re

import pytest
from playwright.sync_api import expect

from rapporter.services.sammendrag import bygg_sammendrag, rhf_koder
from tests.factories import bruker_med_rolle

from .conftest import axe_brudd

MAALING = """() => Array.from(document.querySelectorAll('.rapport-diagram')).flatMap(figur => {
  const boks = figur.getBoundingClientRect();
  return Array.from(figur.querySelectorAll('.rapport-etikett, .rapport-tall, figcaption'))
    .filter(el => el.getClientRects().length)
    .map(el => {
      const r = el.getBoundingClientRect();
      // Text inside an SVG is drawn scaled with its viewBox: the size on screen counts.
      const skala = el.ownerSVGElement ? el.getScreenCTM().a : 1;
      return {
        tekst: el.textContent.trim(),
        storrelse: parseFloat(getComputedStyle(el).fontSize) * skala,
        innenfor: r.left >= boks.left - 0.5 && r.right <= boks.right + 0.5 && r.width > 0,
        klippet: el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline',
        synlig_bredde: r.right <= document.documentElement.clientWidth + 0.5,
      };
    });
})"""


def _logg_inn(side, bruker) -> None:
    side.goto("/konto/login/?next=/rapporter/")
    side.get_by_label("Brukernavn").fill(bruker.username)
    side.get_by_label("Passord").fill("hemmelig-passord-123")
    side.get_by_role("button", name="Logg inn").click()
    expect(side).to_have_url(re.compile(r"/rapporter/$"))


@pytest.mark.parametrize("bredde", [360, 1280])
def test_report_charts_are_readable(side_for, bredde) -> None:
    for kode in rhf_koder():
        bygg_sammendrag(kode)
    side = side_for(bredde)
    _logg_inn(side, bruker_med_rolle("koordinator", rhf="HN"))
    assert side.locator(".rapport-diagram").count() >= 8  # målgruppe and referral charts
    maalt = side.evaluate(MAALING)
    assert len(maalt) > 40
    feil = [m for m in maalt if m["storrelse"] < 12 or not m["innenfor"] or m["klippet"]]
    assert feil == []
    assert all(m["synlig_bredde"] for m in maalt)
    # The page itself does not scroll sideways at this width.
    assert side.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert axe_brudd(side) == []
