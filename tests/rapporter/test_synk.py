"""Incremental sync: changes after a time, tombstones for ended tilbud, keyset pages, CSV and
NDJSON, ETags, and a mirror that stays exactly equal to the database."""

import csv
import io
import json
from datetime import UTC, date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from rapporter.api.renderers import _celle
from rapporter.api.serializers import SynkTilbudSerializer
from tests.factories import TilbudFactory
from tilbud.models import Behandlingsform, Malgruppe, Tilbud

URL = "/api/v1/synk/tilbud/"

pytestmark = pytest.mark.django_db


def hent_alt(api: APIClient, url: str, **params: str) -> tuple[list[dict], str, int]:
    """Follow `next` to the end: (records, the last `fortsett`, pages)."""
    poster: list[dict] = []
    svar = api.get(url, params)
    sider = 1
    while True:
        assert svar.status_code == 200, svar.content
        data = svar.json()
        poster += data["results"]
        if not data["next"]:
            return poster, data["fortsett"], sider
        svar = api.get(data["next"])
        sider += 1


def avslutt(tilbud: Tilbud) -> None:
    tilbud.status = Tilbud.Status.AVSLUTTET
    tilbud.avsluttet_dato = date(2026, 3, 1)
    tilbud.avsluttet_grunn = "Nedlagt"
    tilbud.save()


def fasit() -> dict[int, dict]:
    """What an exact mirror holds: every tilbud that has not ended, as the sync record."""
    qs = Tilbud.objects.exclude(status=Tilbud.Status.AVSLUTTET).prefetch_related(
        "malgrupper", "behandlingsformer", "lokasjoner"
    )
    return {
        t.id: json.loads(json.dumps(SynkTilbudSerializer(t).data)) for t in qs.select_related("rhf")
    }


def anvend(speil: dict[int, dict], poster: list[dict]) -> None:
    for post in poster:
        if post["slettet"]:
            speil.pop(post["id"], None)
        else:
            speil[post["id"]] = post


def test_first_pull_returns_the_whole_catalogue_in_change_order(api: APIClient) -> None:
    poster, _, sider = hent_alt(api, URL, page_size="8")
    assert sider == 9  # 70 tilbud, 8 per page
    assert len(poster) == 70 == len({p["id"] for p in poster})
    rekkefolge = [(p["endret"], p["id"]) for p in poster]
    assert rekkefolge == sorted(rekkefolge)
    assert all(p["slettet"] is False for p in poster)


def test_mirror_stays_exact(api: APIClient) -> None:
    speil: dict[int, dict] = {}
    poster, fortsett, _ = hent_alt(api, URL, page_size="7")
    anvend(speil, poster)
    assert speil == fasit()
    siste_sett = max(p["endret"] for p in poster)

    # Change some, end some, add one, move one's målgrupper and behandlingsformer.
    tilbud = list(Tilbud.objects.order_by("id"))
    tilbud[0].navn = "Nytt navn på tilbudet"
    tilbud[0].save()
    tilbud[1].malgrupper.set(Malgruppe.objects.order_by("slug")[:2])
    tilbud[1].behandlingsformer.set(Behandlingsform.objects.all()[:1])
    tilbud[1].save()  # the service/admin save bumps `endret`; the sync relies on it
    avslutt(tilbud[2])
    avslutt(tilbud[3])
    ny = TilbudFactory(malgrupper=list(Malgruppe.objects.all()[:1]))
    ny.save()

    endringer, _, _ = hent_alt(api, URL, endret_etter=siste_sett, page_size="2")
    assert sorted(p["id"] for p in endringer) == sorted(
        [tilbud[0].id, tilbud[1].id, tilbud[2].id, tilbud[3].id, ny.id]
    )
    gravsteiner = [p for p in endringer if p["slettet"]]
    assert {p["id"] for p in gravsteiner} == {tilbud[2].id, tilbud[3].id}
    assert all(set(p) == {"id", "slettet", "endret"} for p in gravsteiner)
    anvend(speil, endringer)
    assert speil == fasit()

    # The saved `fortsett` link gives the same changes, with no timestamp to keep.
    fra_fortsett, nytt_fortsett, _ = hent_alt(api, fortsett)
    assert fra_fortsett == endringer
    # And once at the end, there is nothing more until something changes.
    tomt, _, _ = hent_alt(api, nytt_fortsett)
    assert tomt == []


def test_a_tilbud_that_comes_back_is_mirrored_again(api: APIClient) -> None:
    speil: dict[int, dict] = {}
    poster, fortsett, _ = hent_alt(api, URL, page_size="100")
    anvend(speil, poster)
    tilbud = Tilbud.objects.order_by("id").first()
    avslutt(tilbud)
    endringer, fortsett, _ = hent_alt(api, fortsett)
    anvend(speil, endringer)
    assert tilbud.id not in speil
    tilbud.status = Tilbud.Status.AKTIV
    tilbud.avsluttet_dato = None
    tilbud.save()
    endringer, _, _ = hent_alt(api, fortsett)
    anvend(speil, endringer)
    assert speil == fasit()


def test_endret_etter_filters_and_accepts_an_unencoded_plus(api: APIClient) -> None:
    grense = timezone.now()
    TilbudFactory.create_batch(3)
    for verdi in (
        grense.isoformat(),
        timezone.localtime(grense).isoformat().replace("+", " "),  # '+' sent unencoded
        grense.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    ):
        poster, _, _ = hent_alt(api, URL, endret_etter=verdi)
        assert len(poster) == 3, verdi


@pytest.mark.parametrize(
    ("params", "parameter", "tekst"),
    [
        ({"endret_etter": "i går"}, "endret_etter", "Ugyldig tidspunkt"),
        ({"endret_etter": "2026-13-01T00:00:00Z"}, "endret_etter", "Ugyldig tidspunkt"),
        ({"endret_etter": "2026-01-01T00:00:00"}, "endret_etter", "mangler tidssone"),
        ({"cursor": "tull"}, "cursor", "Ugyldig cursor"),
        ({"page_size": "0"}, "page_size", "fra 1 til 1000"),
        ({"page_size": "x"}, "page_size", "fra 1 til 1000"),
        ({"endret_etr": "2026-01-01T00:00:00Z"}, "endret_etr", "Ukjent parameter"),
        ({"format": "xml"}, "format", "Ukjent format"),
    ],
)
def test_bad_parameters_give_400_naming_the_parameter(
    api: APIClient, params: dict, parameter: str, tekst: str
) -> None:
    svar = api.get(URL, params)
    assert svar.status_code == 400
    assert svar["Content-Type"] == "application/json"
    assert tekst in " ".join(svar.json()[parameter])


def test_a_tampered_cursor_is_refused(api: APIClient) -> None:
    neste = api.get(URL, {"page_size": "5"}).json()["next"]
    cursor = neste.split("cursor=")[1].split("&")[0]
    for endret in (cursor[:-1] + ("A" if cursor[-1] != "A" else "B"), "x" + cursor, cursor[:10]):
        svar = api.get(URL, {"cursor": endret})
        assert svar.status_code == 400
        assert "cursor" in svar.json()


def test_csv_is_flat_with_tombstones_in_the_same_columns(api: APIClient) -> None:
    grense = timezone.now().isoformat()
    tilbud = Tilbud.objects.get(kilde_id="s4_6_1_12_1")  # six sites
    tilbud.save()
    avslutt(Tilbud.objects.exclude(pk=tilbud.pk).first())
    svar = api.get(URL, {"endret_etter": grense, "format": "csv"})
    assert svar.status_code == 200
    assert svar["Content-Type"] == "text/csv; charset=utf-8"
    rader = list(csv.DictReader(io.StringIO(svar.content.decode())))
    assert list(rader[0]) == SynkTilbudSerializer.Meta.fields
    levende, grav = rader
    assert levende["id"] == str(tilbud.id) and levende["slettet"] == "false"
    assert levende["lokasjoner"] == "|".join(
        str(i) for i in sorted(tilbud.lokasjoner.values_list("id", flat=True))
    )
    assert levende["navn"] == tilbud.navn
    assert grav["slettet"] == "true" and grav["navn"] == ""


def test_csv_cells_cannot_become_spreadsheet_formulas() -> None:
    assert _celle('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert _celle("+47 22 00 00 00") == "'+47 22 00 00 00"
    assert _celle("-2+3") == "'-2+3"
    assert _celle("- Fysioterapi\n- Psykolog") == "- Fysioterapi\n- Psykolog"  # a bullet list
    assert _celle(["fastlege", "NAV"]) == "fastlege|NAV"
    assert _celle(None) == "" and _celle(True) == "true"


@pytest.mark.parametrize("hvordan", ["format", "accept"])
def test_ndjson_one_record_per_line_and_link_header(api: APIClient, hvordan: str) -> None:
    if hvordan == "format":
        svar = api.get(URL, {"page_size": "10", "format": "ndjson"})
    else:
        svar = api.get(URL, {"page_size": "10"}, HTTP_ACCEPT="application/x-ndjson")
    assert svar.status_code == 200
    assert svar["Content-Type"].startswith("application/x-ndjson")
    linjer = svar.content.decode().splitlines()
    assert len(linjer) == 10
    assert [json.loads(linje)["id"] for linje in linjer] == [
        p["id"] for p in api.get(URL, {"page_size": "10"}).json()["results"]
    ]
    assert svar["Link"].endswith('>; rel="next"')
    neste = svar["Link"][1:].split(">")[0]
    assert "cursor=" in neste


def test_etag_gives_304_until_something_changes(api: APIClient) -> None:
    forste = api.get(URL, {"page_size": "100"})
    etag = forste["ETag"]
    uendret = api.get(URL, {"page_size": "100"}, HTTP_IF_NONE_MATCH=etag)
    assert uendret.status_code == 304
    assert uendret.content == b""
    assert uendret["ETag"] == etag
    # Another format is another representation, with another tag.
    assert api.get(URL, {"page_size": "100", "format": "csv"})["ETag"] != etag
    Tilbud.objects.order_by("id").first().save()
    endret = api.get(URL, {"page_size": "100"}, HTTP_IF_NONE_MATCH=etag)
    assert endret.status_code == 200
    assert endret["ETag"] != etag


def test_queries_do_not_grow_with_page_size(
    api: APIClient, analytiker: APIClient, django_assert_num_queries
) -> None:
    TilbudFactory.create_batch(10, malgrupper=list(Malgruppe.objects.all()[:2]))
    avslutt(Tilbud.objects.order_by("-id").first())
    # PostgreSQL: the page with its related keys as arrays; elsewhere page, målgrupper,
    # behandlingsformer, lokasjoner.
    sider = 1 if connection.vendor == "postgresql" else 4
    for storrelse in ("1", "80"):
        with django_assert_num_queries(sider):
            assert len(api.get(URL, {"page_size": storrelse}).json()["results"]) == int(storrelse)
        with django_assert_num_queries(sider + 1):  # + the key
            assert analytiker.get(URL, {"page_size": storrelse, "format": "csv"}).status_code == 200


def test_rows_with_the_same_timestamp_are_neither_skipped_nor_repeated(api: APIClient) -> None:
    samme = timezone.now() - timedelta(days=1)
    Tilbud.objects.filter(pk__in=Tilbud.objects.order_by("id").values("pk")[:20]).update(
        endret=samme
    )
    poster, _, _ = hent_alt(api, URL, page_size="3")
    ider = [p["id"] for p in poster]
    assert len(ider) == len(set(ider)) == 70


def test_changes_younger_than_the_safety_margin_wait_for_the_next_pull(
    api: APIClient, settings
) -> None:
    """A change stamped just now may belong to a transaction that has not committed everywhere
    yet; the cursor must not move past it."""
    settings.SYNK_SIKKERHETSMARGIN = timedelta(seconds=60)
    naa = timezone.now()
    Tilbud.objects.update(endret=naa - timedelta(days=1))
    tilbud = Tilbud.objects.order_by("id").first()
    tilbud.save()
    fra = {"endret_etter": (naa - timedelta(hours=1)).isoformat()}
    poster, fortsett, _ = hent_alt(api, URL, **fra)
    assert poster == []
    Tilbud.objects.filter(pk=tilbud.pk).update(endret=timezone.now() - timedelta(seconds=61))
    poster, _, _ = hent_alt(api, fortsett)
    assert [p["id"] for p in poster] == [tilbud.id]
