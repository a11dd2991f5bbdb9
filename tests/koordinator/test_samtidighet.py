"""Ten editors save at the same moment, each from the same version, in real threads with their own
database connections (as concurrent requests): exactly one wins, nine are refused, and the history
holds exactly one new version. Through the HTML form (tilbud) and the API (organisation; the
tilbud API race is in tests/tilbud/test_redigering_api.py)."""

import threading
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from tilbud.models import Organisasjon, Tilbud

from .conftest import BODO, klient, lag_bruker
from .test_redigering import rediger_url, skjemadata

ANTALL = 10

# Threads released together: a lock that never lets go fails the test within three minutes.
pytestmark = pytest.mark.timeout(180)


def samtidig(arbeid: list[Callable[[], int]]) -> list[int]:
    """Run the calls in threads released together; their status codes."""
    start = threading.Barrier(len(arbeid), timeout=60)
    svar: list[int] = []
    feil: list[BaseException] = []

    def kjor(kall: Callable[[], int]) -> None:
        try:
            start.wait()
            svar.append(kall())
        except BaseException as e:  # reported below, not swallowed
            feil.append(e)
        finally:
            connection.close()

    traader = [threading.Thread(target=kjor, args=(kall,)) for kall in arbeid]
    for t in traader:
        t.start()
    for t in traader:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in traader), "a writer still hangs after 120 s"
    assert not feil, feil
    return svar


@pytest.fixture
def katalog() -> None:
    # Transactional tests start from an empty database.
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a real server database (SQLite locks the table)")
    call_command("importer_katalog", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_ten_coordinators_save_the_html_form_at_once_exactly_one_wins(katalog: Any) -> None:
    tilbud = Tilbud.objects.get(kilde_id=BODO)
    url = rediger_url(tilbud)
    skjema = []
    for i in range(ANTALL):
        c = klient(lag_bruker("koordinator_hn"))
        skjema.append((c, skjemadata(c.get(url), ventetid_tekst=f"{i + 2} uker")))

    svar = samtidig([lambda c=c, data=data: c.post(url, data).status_code for c, data in skjema])

    assert sorted(svar) == [302] + [409] * (ANTALL - 1)
    tilbud.refresh_from_db()
    assert tilbud.versjon == 2
    hendelser = Tilbud.pgh_event_model.objects.filter(pgh_obj_id=tilbud.pk, versjon=2)
    assert hendelser.count() == 1
    assert hendelser.get().ventetid_tekst == tilbud.ventetid_tekst  # the winner's, whole


@pytest.mark.django_db(transaction=True)
def test_ten_coordinators_patch_an_organisation_at_once_exactly_one_wins(katalog: Any) -> None:
    org = Organisasjon.objects.get(navn="Nordlandssykehuset")
    url = reverse("organisasjon-detail", kwargs={"pk": org.pk})
    etag = APIClient().get(url)["ETag"]
    klienter = []
    for _i in range(ANTALL):
        c = APIClient()
        c.force_authenticate(lag_bruker("koordinator_hn"))
        klienter.append(c)

    svar = samtidig(
        [
            lambda c=c, i=i: (
                c.patch(
                    url, {"nettside": f"https://nlsh{i}.no"}, format="json", HTTP_IF_MATCH=etag
                ).status_code
            )
            for i, c in enumerate(klienter)
        ]
    )

    assert sorted(svar) == [200] + [412] * (ANTALL - 1)
    org.refresh_from_db()
    assert org.versjon == 2
    hendelser = Organisasjon.pgh_event_model.objects.filter(pgh_obj_id=org.pk, versjon=2)
    assert hendelser.count() == 1
    assert hendelser.get().nettside == org.nettside
