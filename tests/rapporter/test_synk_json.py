"""The sync page's records written by PostgreSQL (rapporter.api.synk_json) are the records
synk_poster makes in Python, for every kind of value."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from rapporter import selectors
from rapporter.api.serializers import SynkTilbudSerializer, synk_poster
from rapporter.api.synk_json import synk_uttrykk
from tests.factories import TilbudFactory
from tilbud.models import Behandlingsform, Lokasjon, Malgruppe, Tilbud

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="the database writes the JSON on PostgreSQL"
    ),
]

URL = "/api/v1/synk/tilbud/"


def sett_endret(tilbud: Tilbud, tidspunkt: datetime) -> None:
    # update(), not save(): save() stamps `endret` with now.
    Tilbud.objects.filter(pk=tilbud.pk).update(endret=tidspunkt)


@pytest.fixture
def spesielle() -> list[Tilbud]:
    """Tilbud whose values are the hard cases for JSON written by hand."""
    vinter = TilbudFactory(
        navn='«Rygg» & "nakke" – \\ /\tfane\nlinje\x01 ørø ÆØÅ 😀',
        malgrupper=list(Malgruppe.objects.order_by("-slug")[:3]),
        diagnoser=[{"kode": "L03", "tekst": "Korsrygg – «symptomer»"}],
        yrkesgrupper=["fysioterapeut", "psykolog"],
        deltilbud=[],
        alder_fra=None,
        alder_til=67,
        ventetid_uker=0,
        ventetid_dato=date(2026, 2, 29 - 1),
        helseiarbeid=True,
        nettside="https://example.no/a?b=c&d=%C3%B8",
        kontakt="",
    )
    vinter.behandlingsformer.set(Behandlingsform.objects.all()[:3])
    vinter.lokasjoner.set(Lokasjon.objects.order_by("-id")[:3])
    sommer = TilbudFactory(ventetid_dato=None, henvisere=[])
    avsluttet = TilbudFactory(status=Tilbud.Status.AVSLUTTET, avsluttet_dato=date(2026, 3, 1))
    # Whole seconds in winter (+01:00), microseconds in summer (+02:00), and the change to
    # summer time itself.
    sett_endret(vinter, datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC))
    sett_endret(sommer, datetime(2026, 7, 1, 9, 30, 5, 120, tzinfo=UTC))
    sett_endret(avsluttet, datetime(2026, 3, 29, 1, 0, 0, 5, tzinfo=UTC))
    Tilbud.objects.filter(pk=sommer.pk).update(
        opprettet=datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC)
    )
    return [vinter, sommer, avsluttet]


def side_begge_veier(**utvalg) -> tuple[list[dict], list[dict]]:
    utvalg = {"endret_etter": None, "etter": None, "antall": 1000, "til": timezone.now(), **utvalg}
    uttrykk, parametere = synk_uttrykk()
    fra_databasen = selectors.tilbud_endringer_json(
        **utvalg, uttrykk=uttrykk, parametere=parametere
    )
    fra_python = synk_poster(selectors.tilbud_endringer(**utvalg))
    return [json.loads(r.json) for r in fra_databasen], fra_python


def test_every_record_equals_the_python_record(spesielle: list[Tilbud]) -> None:
    assert connection.vendor == "postgresql"
    fra_databasen, fra_python = side_begge_veier()
    assert len(fra_databasen) == Tilbud.objects.count() > 70
    assert fra_databasen == fra_python
    # Field order too: a client reading the text sees the serializer's order.
    vanlig = next(p for p in fra_databasen if not p["slettet"])
    assert list(vanlig) == list(SynkTilbudSerializer().fields)


def test_the_hard_values(spesielle: list[Tilbud]) -> None:
    vinter, sommer, avsluttet = spesielle
    poster = {p["id"]: p for p in side_begge_veier()[0]}
    assert poster[vinter.id]["endret"] == "2026-01-15T13:00:00+01:00"
    assert poster[vinter.id]["navn"] == vinter.navn
    assert poster[vinter.id]["malgrupper"] == sorted(m.slug for m in vinter.malgrupper.all())
    assert poster[vinter.id]["lokasjoner"] == sorted(lok.id for lok in vinter.lokasjoner.all())
    assert poster[vinter.id]["alder_fra"] is None and poster[vinter.id]["ventetid_uker"] == 0
    assert poster[vinter.id]["ventetid_dato"] == "2026-02-28"
    assert poster[vinter.id]["diagnoser"] == [{"kode": "L03", "tekst": "Korsrygg – «symptomer»"}]
    assert poster[sommer.id]["endret"] == "2026-07-01T11:30:05.000120+02:00"
    assert poster[sommer.id]["opprettet"] == "2026-03-29T01:59:59.999999+01:00"
    assert poster[sommer.id]["ventetid_dato"] is None
    assert poster[avsluttet.id] == {
        "id": avsluttet.id,
        "slettet": True,
        "endret": "2026-03-29T03:00:00.000005+02:00",
    }


def test_utc_is_written_with_z(spesielle: list[Tilbud]) -> None:
    with timezone.override("UTC"):
        fra_databasen, fra_python = side_begge_veier()
    assert fra_databasen == fra_python
    vinter = next(p for p in fra_databasen if p["id"] == spesielle[0].id)
    assert vinter["endret"] == "2026-01-15T12:00:00Z"


def test_pages_and_cursor_select_the_same_rows(spesielle: list[Tilbud]) -> None:
    etter = selectors.SynkPosisjon(endret=datetime(2026, 1, 15, 12, tzinfo=UTC), id=0)
    fra_databasen, fra_python = side_begge_veier(etter=etter, antall=2)
    assert [p["id"] for p in fra_databasen] == [p["id"] for p in fra_python]
    assert fra_databasen == fra_python and len(fra_databasen) == 2
    nyere = datetime(2026, 3, 1, tzinfo=UTC)
    fra_databasen, fra_python = side_begge_veier(endret_etter=nyere)
    assert fra_databasen == fra_python
    assert spesielle[0].id not in {p["id"] for p in fra_databasen}


def test_the_api_page_is_the_database_text(spesielle: list[Tilbud], analytiker: APIClient) -> None:
    svar = analytiker.get(URL, {"page_size": "1000"})
    assert svar.status_code == 200
    data = json.loads(svar.content)
    assert list(data) == ["next", "fortsett", "results"] and data["next"] is None
    assert data["results"] == side_begge_veier()[1]
    # The same page as NDJSON goes through Python: the same records.
    ndjson = analytiker.get(URL, {"page_size": "1000", "format": "ndjson"})
    assert [json.loads(linje) for linje in ndjson.content.decode().splitlines()] == data["results"]
    # An empty page is still valid JSON.
    tom = analytiker.get(URL, {"endret_etter": (timezone.now() + timedelta(days=1)).isoformat()})
    assert tom.status_code == 200 and json.loads(tom.content)["results"] == []
