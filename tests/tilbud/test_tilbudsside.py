"""The tilbud page answers a GP's three questions at the top: how fast, how to refer, whom to
call; the «Kort fortalt» box holds contact, place and the provider's own page when known, and
leaves out what is not."""

import re
from datetime import date

import pytest
from django.test import Client

from tilbud.models import Tilbud

pytestmark = pytest.mark.django_db


def _kort_fortalt(html: str) -> str:
    return html.split('class="kort-fortalt"', 1)[1].split("</section>", 1)[0]


def _svar(html: str, klasse: str) -> str:
    """The answer (dd) of one of the three questions, tags removed."""
    blokk = _kort_fortalt(html).split(f'class="{klasse}"', 1)[1].split("</div>", 1)[0]
    dd = blokk.split("<dd>", 1)[1].split("</dd>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", "", dd).split())


def _side(tilbud: Tilbud, sprak: str = "nb") -> str:
    svar = Client(HTTP_ACCEPT_LANGUAGE=sprak).get(f"/tilbud/{tilbud.pk}/")
    assert svar.status_code == 200
    return svar.content.decode()


def test_the_three_answers_come_first_in_the_article() -> None:
    tilbud = Tilbud.objects.get(kilde_id="s4_6_9_3")
    html = _side(tilbud)
    artikkel = html.split('<article class="tilbud"', 1)[1]
    # The first section after the heading is «Kort fortalt», with the three questions in order.
    assert artikkel.index('class="kort-fortalt"') < artikkel.index(
        "<section", 1 + artikkel.index("kort-fortalt")
    )
    sporsmal = re.findall(r"<dt>([^<]+)</dt>", _kort_fortalt(html))
    assert sporsmal[:3] == ["Hvor raskt?", "Slik henviser du", "Hvem ringer du?"]
    assert '<h2 id="kort-fortalt">Kort fortalt</h2>' in html
    assert 'aria-labelledby="kort-fortalt"' in html


def test_how_fast_is_the_waiting_time_from_the_api_or_ukjent() -> None:
    kjent = Tilbud.objects.get(kilde_id="s4_6_9_3")
    api = Client().get(f"/api/v1/tilbud/{kjent.pk}/").json()
    # The catalogue's «Opphold skal tilbys innen 4 uker …», read as data (tilbud.ventetidtolk).
    vist = api["ventetid_vist"]
    assert (vist["type"]["kode"], vist["uker_maks"], vist["visning"]) == (
        "innleggelse",
        4,
        "ca. 4 uker",
    )
    malt = date.fromisoformat(vist["dato"]).strftime("%d.%m.%Y")
    assert _svar(_side(kjent), "svar-ventetid").startswith(
        f"Innleggelse/opphold: ca. 4 uker (målt {malt})"
    )
    assert _svar(_side(kjent, "nn"), "svar-ventetid").startswith(
        f"Innlegging/opphald: ca. 4 veker (målt {malt})"
    )

    ukjent = Tilbud.objects.get(kilde_id="s4_6_1_1_1")
    assert Client().get(f"/api/v1/tilbud/{ukjent.pk}/").json()["ventetid_vist"] is None
    assert _svar(_side(ukjent), "svar-ventetid") == "Ventetiden er ukjent."
    assert _svar(_side(ukjent, "nn"), "svar-ventetid") == "Ventetida er ukjend."


def test_how_to_refer_is_the_api_line_with_a_way_to_the_details() -> None:
    tilbud = Tilbud.objects.get(kilde_id="s4_6_9_3")
    api = Client().get(f"/api/v1/tilbud/{tilbud.pk}/").json()
    html = _side(tilbud)
    assert _svar(html, "svar-henvis") == f"{api['henvisning_kort']} Mer om henvisningen"
    assert 'href="#slik-henviser"' in _kort_fortalt(html) and 'id="slik-henviser"' in html


def test_unknown_contact_says_so_and_invents_nothing() -> None:
    tilbud = Tilbud.objects.select_related("organisasjon").get(kilde_id="s4_6_9_3")
    assert tilbud.kontakt == "" and tilbud.nettside == ""
    html = _side(tilbud)
    assert _svar(html, "svar-kontakt") == (
        "Ingen kontaktperson eller telefon er oppgitt. "
        f"Tilbudet drives av {tilbud.organisasjon.navn}."
    )
    boks = _kort_fortalt(html)
    assert "linje-nettside" not in boks and "http" not in boks
    assert "Nettside" not in boks


def test_known_contact_and_website_are_in_the_box() -> None:
    tilbud = Tilbud.objects.select_related("organisasjon").get(kilde_id="s4_6_9_3")
    Tilbud.objects.filter(pk=tilbud.pk).update(
        kontakt="Inntakskontoret, tlf. 75 00 00 00", nettside="https://vhss.example/tilbud"
    )
    html = _side(tilbud)
    assert _svar(html, "svar-kontakt") == "Inntakskontoret, tlf. 75 00 00 00"
    boks = _kort_fortalt(html)
    assert (
        f'<a href="https://vhss.example/tilbud" rel="noopener noreferrer">'
        f"Nettsiden til {tilbud.organisasjon.navn}</a>"
    ) in boks
    sted = boks.split('class="linje-sted"', 1)[1].split("</div>", 1)[0]
    for lok in tilbud.lokasjoner.all():
        assert lok.navn in sted
