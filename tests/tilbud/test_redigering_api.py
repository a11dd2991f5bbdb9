"""Coordinators and editors write through the API: scope, ETag/If-Match, proposals, history,
and no lost updates under concurrency."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import bruker_med_rolle
from tilbud.models import Endringsforslag, Tilbud
from tilbud.services.redigering import forslag_godkjenn

BODO = "s4_6_4_3_1"  # Nordlandssykehuset (Helse Nord)
URL = "/api/v1/tilbud/{}/"


def klient(bruker=None) -> APIClient:
    api = APIClient()
    if bruker is not None:
        api.force_authenticate(bruker)
    return api


@pytest.fixture
def tilbud() -> Tilbud:
    return Tilbud.objects.get(kilde_id=BODO)


@pytest.fixture
def koordinator_hn():
    return bruker_med_rolle("koordinator", rhf="HN")


def hent(api: APIClient, tilbud: Tilbud) -> tuple[dict, str]:
    svar = api.get(URL.format(tilbud.pk))
    return svar.json(), svar["ETag"]


@pytest.mark.django_db
def test_detail_has_an_etag_and_answers_304_when_unchanged(tilbud: Tilbud) -> None:
    api = klient()
    _, etag = hent(api, tilbud)
    assert api.get(URL.format(tilbud.pk), HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.django_db
def test_coordinator_changes_waiting_time_with_if_match(tilbud: Tilbud, koordinator_hn) -> None:
    api = klient(koordinator_hn)
    _, etag = hent(api, tilbud)
    svar = api.patch(
        URL.format(tilbud.pk),
        {
            "ventetid_tekst": "Tre uker",
            "ventetid_uker": 3,
            "ventetid_dato": "2026-11-20",
            "grunn": "Telefon med senteret",
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert svar.status_code == 200, svar.json()
    assert svar.json()["ventetid"]["uker"] == 3
    assert svar["ETag"] != etag
    tilbud.refresh_from_db()
    assert tilbud.versjon == 2 and tilbud.ventetid_tekst == "Tre uker"
    # The public page shows it at once.
    assert klient().get(URL.format(tilbud.pk)).json()["ventetid"]["tekst"] == "Tre uker"


@pytest.mark.django_db
def test_write_without_if_match_is_428_and_with_a_stale_one_412(
    tilbud: Tilbud, koordinator_hn
) -> None:
    api = klient(koordinator_hn)
    _, etag = hent(api, tilbud)
    assert api.patch(URL.format(tilbud.pk), {"navn": "x"}, format="json").status_code == 428
    api.patch(
        URL.format(tilbud.pk),
        {"kontakt": "Sentralbord 75 53 40 00"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    svar = api.patch(
        URL.format(tilbud.pk), {"navn": "Nytt navn"}, format="json", HTTP_IF_MATCH=etag
    )
    assert svar.status_code == 412
    assert "endret" in svar.json()["detail"]
    if connection.vendor == "postgresql":  # history tells what the other person changed
        assert svar.json()["endringer"]["kontakt"]["til"] == "Sentralbord 75 53 40 00"
        assert svar.json()["endret_av"]
    tilbud.refresh_from_db()
    assert tilbud.navn != "Nytt navn"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rolle", "rhf", "organisasjon", "forventet"),
    [
        ("koordinator", "HV", None, 404),  # another region: as if it did not exist
        ("tilbudsredaktor", None, "Helse Bergen", 404),
        ("analytiker", None, None, 404),
        ("administrator", None, None, 200),
        ("tilbudsredaktor", None, "Nordlandssykehuset", 202),  # a proposal
    ],
)
def test_scope_decides_who_may_write(
    tilbud: Tilbud, rolle: str, rhf, organisasjon, forventet: int
) -> None:
    api = klient(bruker_med_rolle(rolle, rhf=rhf, organisasjon=organisasjon))
    _, etag = hent(api, tilbud)
    svar = api.patch(
        URL.format(tilbud.pk), {"kontakt": "Ny kontakt"}, format="json", HTTP_IF_MATCH=etag
    )
    assert svar.status_code == forventet


@pytest.mark.django_db
def test_anonymous_cannot_write(tilbud: Tilbud) -> None:
    svar = klient().patch(
        URL.format(tilbud.pk), {"kontakt": "x"}, format="json", HTTP_IF_MATCH='"tilbud-1-v1"'
    )
    assert svar.status_code in (401, 403)


@pytest.mark.django_db
def test_editor_proposal_waits_for_the_coordinator(tilbud: Tilbud, koordinator_hn) -> None:
    redaktor = bruker_med_rolle("tilbudsredaktor", organisasjon="Nordlandssykehuset")
    api = klient(redaktor)
    _, etag = hent(api, tilbud)
    svar = api.patch(
        URL.format(tilbud.pk),
        {"ventetid_uker": 6, "ventetid_tekst": "6 uker", "grunn": "Ny oversikt"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert svar.status_code == 202
    tilbud.refresh_from_db()
    assert tilbud.ventetid_uker is None  # nothing changes before the coordinator says yes
    forslag = Endringsforslag.objects.get(pk=svar.json()["forslag"])
    forslag_godkjenn(bruker=koordinator_hn, forslag_id=forslag.pk, versjon=tilbud.versjon)
    tilbud.refresh_from_db()
    assert tilbud.ventetid_uker == 6 and tilbud.versjon == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "felt"),
    [
        ({"ventetid_uker": -2}, "ventetid_uker"),
        ({"alder_fra": 67, "alder_til": 18}, "__all__"),
        ({"innhold": "x" * 20_000}, "innhold"),
        ({"startdato": "i fjor"}, "startdato"),
        ({"nettside": "ikke en adresse"}, "nettside"),
        ({"malgrupper": ["finnes-ikke"]}, "malgrupper"),
        ({"fagomrade": "kirurgi"}, "fagomrade"),
        ({"kilde": "juks"}, "detail"),
    ],
)
def test_bad_input_is_a_field_error_never_a_500(
    tilbud: Tilbud, koordinator_hn, data: dict, felt
) -> None:
    api = klient(koordinator_hn)
    _, etag = hent(api, tilbud)
    svar = api.patch(URL.format(tilbud.pk), data, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 400
    if felt:
        assert felt in svar.json()
    tilbud.refresh_from_db()
    assert tilbud.versjon == 1


@pytest.mark.django_db
def test_too_long_description_names_the_limit(tilbud: Tilbud, koordinator_hn) -> None:
    api = klient(koordinator_hn)
    _, etag = hent(api, tilbud)
    svar = api.patch(
        URL.format(tilbud.pk), {"innhold": "x" * 10_001}, format="json", HTTP_IF_MATCH=etag
    )
    assert svar.status_code == 400
    assert svar.json() == {"innhold": ["Teksten er for lang: høyst 10\u00a0000 tegn."]}


@pytest.mark.django_db
def test_ten_megabyte_body_is_a_413_naming_the_limit_never_a_500(
    tilbud: Tilbud, koordinator_hn
) -> None:
    api = klient(koordinator_hn)
    _, etag = hent(api, tilbud)
    svar = api.patch(
        URL.format(tilbud.pk),
        {"innhold": "x" * 10 * 1024 * 1024},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert svar.status_code == 413
    assert svar["Content-Type"] == "application/json"
    melding = svar.json()["detail"]
    assert "høyst 2,5 MB" in melding and "10\u00a0000 tegn" in melding
    tilbud.refresh_from_db()
    assert tilbud.versjon == 1 and tilbud.innhold != "x"


@pytest.mark.django_db
def test_verify_and_end_a_tilbud(tilbud: Tilbud, koordinator_hn) -> None:
    api = klient(koordinator_hn)
    _, etag = hent(api, tilbud)
    svar = api.post(URL.format(tilbud.pk) + "bekreft/", HTTP_IF_MATCH=etag)
    assert svar.status_code == 200
    assert svar.json()["sist_bekreftet"] == timezone.localdate().isoformat()
    assert svar.json()["ferskhet"]["kode"] == "fersk"
    svar = api.post(
        URL.format(tilbud.pk) + "avslutt/",
        {"dato": "2026-12-31", "grunn": ""},
        format="json",
        HTTP_IF_MATCH=svar["ETag"],
    )
    assert svar.status_code == 400 and "grunn" in svar.json()
    _, etag = hent(api, tilbud)
    svar = api.post(
        URL.format(tilbud.pk) + "avslutt/",
        {"dato": "2026-12-31", "grunn": "Midlene er brukt opp"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert svar.status_code == 200 and svar.json()["status"]["kode"] == "avsluttet"
    assert Tilbud.objects.filter(pk=tilbud.pk).exists()  # never deleted


@pytest.mark.django_db
def test_history_records_who_what_and_why_on_postgresql(tilbud: Tilbud, koordinator_hn) -> None:
    api = klient(koordinator_hn)
    _, etag = hent(api, tilbud)
    api.patch(
        URL.format(tilbud.pk),
        {"kontakt": "75 53 40 00", "grunn": "Nytt nummer"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    historikk = api.get(URL.format(tilbud.pk) + "historikk/").json()
    if connection.vendor != "postgresql":
        assert historikk == []  # SQLite keeps no history (no triggers): said in the README
        return
    siste = historikk[0]
    assert siste["versjon"] == 2 and siste["grunn"] == "Nytt nummer"
    assert siste["bruker"] == koordinator_hn.get_full_name()
    assert siste["endringer"]["kontakt"] == {"fra": "", "til": "75 53 40 00"}
    assert historikk[-1]["bruker"] == "importer_katalog"  # the import is history too


@pytest.mark.django_db
def test_reads_carry_no_history_context(tilbud: Tilbud, koordinator_hn, monkeypatch) -> None:
    # pghistory prefixes each non-SELECT statement inside its context with set_config(); a read
    # changes no tracked row, so the search (a WITH statement on PostgreSQL) must not pay it.
    if connection.vendor != "postgresql":
        pytest.skip("the history context exists on PostgreSQL only")
    import pghistory.runtime

    kall: list[str] = []
    ekte = pghistory.runtime._inject_history_context

    def spion(execute, sql, params, many, context):
        kall.append(sql if isinstance(sql, str) else sql.decode())
        return ekte(execute, sql, params, many, context)

    monkeypatch.setattr(pghistory.runtime, "_inject_history_context", spion)
    api = klient(koordinator_hn)
    assert api.get("/api/v1/tilbud/?kommune=1804&diagnose=L86").status_code == 200
    assert api.get(URL.format(tilbud.pk)).status_code == 200
    assert kall == []
    _, etag = hent(api, tilbud)
    svar = api.patch(
        URL.format(tilbud.pk), {"kontakt": "75 53 40 00"}, format="json", HTTP_IF_MATCH=etag
    )
    assert svar.status_code == 200
    assert any(s.lstrip().upper().startswith("UPDATE") for s in kall)  # writes still carry it


@pytest.mark.timeout(180)  # threads released together: a lock that never lets go fails here
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_editors_exactly_one_wins() -> None:
    # Transactional: each thread has its own connection, as real concurrent requests do. SQLite's
    # in-memory test database locks whole tables instead of waiting, so this runs on PostgreSQL.
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a real server database")
    call_command("importer_katalog", stdout=StringIO())
    tilbud = Tilbud.objects.get(kilde_id=BODO)
    koordinatorer = [bruker_med_rolle("koordinator", rhf="HN") for _ in range(10)]
    etag = f'"tilbud-{tilbud.pk}-v{tilbud.versjon}"'
    start = threading.Barrier(10, timeout=60)
    svar: list[int] = []

    def lagre(bruker, nummer: int) -> None:
        try:
            start.wait()
            r = klient(bruker).patch(
                URL.format(tilbud.pk),
                {"kontakt": f"Redaktør {nummer}"},
                format="json",
                HTTP_IF_MATCH=etag,
            )
            svar.append(r.status_code)
        finally:
            connection.close()

    traader = [threading.Thread(target=lagre, args=(b, i)) for i, b in enumerate(koordinatorer)]
    for t in traader:
        t.start()
    for t in traader:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in traader), "a writer still hangs after 120 s"
    assert sorted(svar) == [200] + [412] * 9
    tilbud.refresh_from_db()
    assert tilbud.versjon == 2
    if connection.vendor == "postgresql":
        endringer = Tilbud.pgh_event_model.objects.filter(pgh_obj_id=tilbud.pk, versjon=2)
        assert endringer.count() == 1
