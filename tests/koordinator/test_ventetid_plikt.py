"""The update duty: outdated waiting times in the coordinator's weekly digest and on one page
with «Uendret» (one click) or a new value; the provider's editor updates its own tilbud
directly, with history, without a proposal."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.koordinator.conftest import klient, lag_bruker
from tilbud.models import Endringsforslag, Tilbud, Ventetid
from tilbud.services.ukentlig_sammendrag import send_ukentlige_sammendrag

pytestmark = pytest.mark.django_db
LISTE = reverse("koordinator:ventetider")


def _oppdater(tilbud: Tilbud) -> str:
    return reverse("koordinator:ventetid-oppdater", kwargs={"pk": tilbud.pk})


@pytest.fixture
def gammel(bodo: Tilbud) -> Ventetid:
    return Ventetid.objects.create(
        tilbud=bodo,
        type="behandling",
        uker_min=4,
        uker_maks=4,
        dato=timezone.localdate() - timedelta(days=40),
        kilde="koordinator",
    )


def test_digest_lists_it_and_one_click_unchanged_clears_it(gammel, koordinator_hn) -> None:
    koordinator_hn.email = "koordinator@example.no"
    koordinator_hn.save()
    send_ukentlige_sammendrag()
    brev = next(m for m in mail.outbox if "koordinator@example.no" in m.to)
    assert gammel.tilbud.navn in brev.body and "er utdatert (målt for over 31 dager" in brev.body
    assert LISTE in brev.body
    c = klient(koordinator_hn)
    side = c.get(LISTE).content.decode()
    assert gammel.tilbud.navn in side and "ca. 4 uker" in side
    svar = c.post(_oppdater(gammel.tilbud), {"type": "behandling", "uendret": "on"})
    assert svar.status_code == 302
    gammel.refresh_from_db()
    assert (gammel.dato, gammel.uker_maks, gammel.kilde) == (
        timezone.localdate(),
        4,
        "koordinator",
    )
    etter = c.get(LISTE).content.decode()
    assert "er bekreftet i dag" in etter and _oppdater(gammel.tilbud) not in etter


def test_editor_updates_own_tilbud_directly_with_history(gammel) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    c = klient(redaktor)
    assert gammel.tilbud.navn in c.get(LISTE).content.decode()
    svar = c.post(_oppdater(gammel.tilbud), {"type": "behandling", "uker_maks": "6"})
    assert svar.status_code == 302
    gammel.refresh_from_db()
    assert (gammel.uker_min, gammel.uker_maks, gammel.kilde, gammel.registrert_av) == (
        6,
        6,
        "tilbyder",
        redaktor,
    )
    assert not Endringsforslag.objects.exists()  # no proposal round-trip
    if connection.vendor == "postgresql":  # history by triggers (django-pghistory)
        hendelser = Ventetid.pgh_event_model.objects.filter(pgh_obj_id=gammel.pk)
        assert list(hendelser.order_by("pgh_id").values_list("uker_maks", flat=True)) == [4, 6]


def test_other_providers_editor_gets_404_and_bad_weeks_a_400(gammel, koordinator_hn) -> None:
    annen = klient(lag_bruker("redaktor_annen"))
    assert annen.post(_oppdater(gammel.tilbud), {"type": "behandling"}).status_code == 404
    assert gammel.tilbud.navn not in annen.get(LISTE).content.decode()
    c = klient(koordinator_hn)
    for data in ({"type": "behandling", "uker_maks": "fire"}, {"type": "behandling"}):
        svar = c.post(_oppdater(gammel.tilbud), data)
        assert svar.status_code == 400 and 'role="alert"' in svar.content.decode()
    gammel.refresh_from_db()
    assert gammel.uker_maks == 4 and gammel.dato < timezone.localdate()


def test_a_new_type_is_added_and_unchanged_needs_an_existing_one(bodo, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    assert c.post(_oppdater(bodo), {"type": "utredning", "uendret": "on"}).status_code == 400
    svar = c.post(_oppdater(bodo), {"type": "utredning", "uker_min": "2", "uker_maks": "3"})
    assert svar.status_code == 302
    ny = Ventetid.objects.get(tilbud=bodo, type="utredning")
    assert (ny.uker_min, ny.uker_maks, ny.dato) == (2, 3, timezone.localdate())
