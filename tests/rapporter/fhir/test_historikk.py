"""ITI-91: `_history?_since=` from the change log. A mirror that starts empty and applies the
history blindly, again and again while the catalogue is edited, ended and restored, ends equal
to the directory's own search answers."""

from datetime import timedelta
from io import StringIO
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from tilbud.models import Kommune, Lokasjon, Organisasjon, Tilbud

from .hjelp import hent

TYPER = ("Organization", "Location", "HealthcareService")
# The mirror takes the Endpoints too (made from the tilbud rows, their history from the tilbud's).
SPEILTYPER = (*TYPER, "Endpoint")
bare_postgres = pytest.mark.skipif(
    not settings.HISTORIKK_AKTIV, reason="the change log is written by PostgreSQL triggers"
)


def _kapabilitet_typer(client: Client) -> dict[str, set[str]]:
    data = hent(client, "/fhir/metadata")
    return {r["type"]: {i["code"] for i in r["interaction"]} for r in data["rest"][0]["resource"]}


@pytest.mark.django_db
def test_history_is_declared_exactly_where_the_change_log_exists(client: Client) -> None:
    har_historikk = "history-type" in _kapabilitet_typer(client)["HealthcareService"]
    assert har_historikk is settings.HISTORIKK_AKTIV
    if not settings.HISTORIKK_AKTIV:
        utfall = hent(client, "/fhir/HealthcareService/_history", status=400)
        assert utfall["issue"][0]["code"] == "not-supported"
    else:
        assert hent(client, "/fhir/HealthcareService/_history?_count=1")["type"] == "history"


def _transaksjonsstart() -> str:
    with connection.cursor() as c:
        c.execute("SELECT now() - interval '1 microsecond'")
        return quote(c.fetchone()[0].isoformat())


@bare_postgres
@pytest.mark.django_db
def test_edit_end_and_restore_are_put_delete_put(client: Client) -> None:
    siden = _transaksjonsstart()
    t = Tilbud.objects.aktive().first()
    t.navn, t.versjon = "Nytt navn", t.versjon + 1
    t.save()
    t.status, t.avsluttet_dato, t.versjon = "avsluttet", t.sist_bekreftet, t.versjon + 1
    t.save()
    t.status, t.avsluttet_dato, t.versjon = "aktiv", None, t.versjon + 1
    t.save()
    bunt = hent(client, f"/fhir/HealthcareService/_history?_since={siden}")
    egne = [e for e in bunt["entry"] if e["request"]["url"] == f"HealthcareService/{t.pk}"]
    assert [e["request"]["method"] for e in egne] == ["PUT", "DELETE", "PUT"]
    assert egne[0]["resource"]["name"] == "Nytt navn"
    assert "resource" not in egne[1]
    assert egne[2]["resource"] == hent(client, f"/fhir/HealthcareService/{t.pk}")
    # The same three from the resource's own history.
    egen = hent(client, f"/fhir/HealthcareService/{t.pk}/_history?_since={siden}")
    assert [e["request"]["method"] for e in egen["entry"]] == ["PUT", "DELETE", "PUT"]
    hent(client, "/fhir/HealthcareService/999999/_history", status=404)
    # Nothing of another type, and nothing before _since.
    assert "entry" not in hent(client, f"/fhir/Organization/_history?_since={siden}")


@bare_postgres
@pytest.mark.django_db
def test_history_pages_follow_next_links(client: Client) -> None:
    siden = _transaksjonsstart()
    for t in Tilbud.objects.aktive()[:5]:
        t.navn += " (endret)"
        t.save()
    url = f"/fhir/HealthcareService/_history?_since={siden}&_count=2"
    sider = []
    while url:
        bunt = hent(client, url)
        sider.append([e["request"]["url"] for e in bunt.get("entry", [])])
        url = next((lenke["url"] for lenke in bunt["link"] if lenke["relation"] == "next"), "")
    assert [len(s) for s in sider] == [2, 2, 1]
    assert len({u for s in sider for u in s}) == 5


@bare_postgres
@pytest.mark.django_db
def test_history_query_count_does_not_grow_with_count(client: Client) -> None:
    from django.test.utils import CaptureQueriesContext

    def sporringer(type_: str, antall: int) -> int:
        with CaptureQueriesContext(connection) as fanget:
            bunt = hent(client, f"/fhir/{type_}/_history?_count={antall}")
        assert len(bunt["entry"]) == antall
        return len(fanget)

    for type_ in TYPER:
        assert sporringer(type_, 2) == sporringer(type_, 30), type_


@bare_postgres
@pytest.mark.django_db
def test_a_til_in_the_future_cannot_pass_the_safety_margin(client: Client, settings) -> None:
    settings.SYNK_SIKKERHETSMARGIN = timedelta(hours=1)
    siden = _transaksjonsstart()
    t = Tilbud.objects.aktive().first()
    t.navn += " (endret)"
    t.save()
    # The change is younger than the margin: not yet, even when _til asks for the future.
    bunt = hent(client, f"/fhir/HealthcareService/_history?_since={siden}&_til=2999-01-01")
    assert "entry" not in bunt


@bare_postgres
@pytest.mark.django_db
def test_bad_since_is_400(client: Client) -> None:
    utfall = hent(client, "/fhir/HealthcareService/_history?_since=igår", status=400)
    assert utfall["issue"][0]["expression"] == ["_since"]


def _speil_hent(client: Client, speil: dict[str, dict], siden: dict[str, str | None]) -> None:
    """Apply every history page since the last pull, blindly: PUT stores, DELETE removes."""
    for type_ in SPEILTYPER:
        url = f"/fhir/{type_}/_history?_count=100"
        if siden[type_]:
            url += f"&_since={quote(siden[type_])}"
        while url:
            bunt = hent(client, url)
            for e in bunt.get("entry", []):
                if e["request"]["method"] == "DELETE":
                    speil.pop(e["request"]["url"], None)
                else:
                    speil[e["request"]["url"]] = e["resource"]
            siden[type_] = bunt["meta"]["lastUpdated"]
            url = next((lenke["url"] for lenke in bunt["link"] if lenke["relation"] == "next"), "")


def _kilden(client: Client) -> dict[str, dict[str, Any]]:
    ut = {}
    for type_ in SPEILTYPER:
        url = f"/fhir/{type_}?_count=100"
        while url:
            bunt = hent(client, url)
            for e in bunt.get("entry", []):
                r = e["resource"]
                ut[f"{r['resourceType']}/{r['id']}"] = r
            url = next((lenke["url"] for lenke in bunt["link"] if lenke["relation"] == "next"), "")
    return ut


@bare_postgres
@pytest.mark.timeout(300)
@pytest.mark.django_db(transaction=True)
def test_a_mirror_from_empty_ends_equal_to_the_source(client: Client, settings) -> None:
    # Transactional: each change commits on its own, with its own time, as in production.
    settings.SYNK_SIKKERHETSMARGIN = timedelta(0)
    call_command("importer_katalog", stdout=StringIO())
    speil: dict[str, dict] = {}
    siden: dict[str, str | None] = dict.fromkeys(SPEILTYPER)
    _speil_hent(client, speil, siden)
    assert speil == _kilden(client)
    assert len(speil) > 100

    t, u, m = Tilbud.objects.aktive().order_by("pk")[:3]
    t.navn, t.versjon = "Omdøpt i kilden", t.versjon + 1
    # Synthetic HER-ids (nine digits): t and m get a mottak endpoint, u one it loses on ending.
    t.her_id, t.meldinger = 999000201, ["henvisning-2.0"]
    t.save()
    for tilbud, her in ((u, 999000202), (m, 999000203)):
        tilbud.her_id, tilbud.versjon = her, tilbud.versjon + 1
        tilbud.save()
    _speil_hent(client, speil, siden)
    assert f"Endpoint/tilbud-{u.pk}-mottak" in speil
    assert speil == _kilden(client)

    u.status, u.avsluttet_dato, u.versjon = "avsluttet", u.sist_bekreftet, u.versjon + 1
    u.save()
    t.her_id, t.versjon = 999000211, t.versjon + 1  # a new HER-id: a new Endpoint version
    t.save()
    m.her_id, m.versjon = None, m.versjon + 1  # the HER-id removed: the Endpoint is deleted
    m.save()
    org = Organisasjon.objects.filter(type="hf").first()
    org.navn, org.versjon = org.navn + " (nytt navn)", org.versjon + 1
    org.save()
    lok = Lokasjon.objects.first()
    lok.kommune = Kommune.objects.exclude(pk=lok.kommune_id).first()
    lok.versjon += 1
    lok.save()
    _speil_hent(client, speil, siden)
    kilde = _kilden(client)
    assert f"HealthcareService/{u.pk}" not in speil
    assert f"Endpoint/tilbud-{u.pk}-mottak" not in speil
    assert f"Endpoint/tilbud-{m.pk}-mottak" not in speil
    assert speil[f"Endpoint/tilbud-{t.pk}-mottak"]["identifier"][0]["value"] == "999000211"
    assert speil == kilde

    u.status, u.avsluttet_dato, u.versjon = "aktiv", None, u.versjon + 1  # restored
    u.save()
    ny = Tilbud.objects.create(
        kilde_id="speil_ny",
        navn="Nytt tilbud",
        organisasjon=org,
        rhf_id=org.rhf_id,
        kategori="Test",
        fagomrade="arr",
        kilde="Test",
        sist_bekreftet=u.sist_bekreftet,
        bekreftet_av="Test",
    )
    _speil_hent(client, speil, siden)
    assert speil[f"HealthcareService/{ny.pk}"]["name"] == "Nytt tilbud"
    assert f"HealthcareService/{u.pk}" in speil
    assert f"Endpoint/tilbud-{u.pk}-mottak" in speil  # back with its tilbud
    assert speil == _kilden(client)
    # A pull with nothing new changes nothing.
    _speil_hent(client, speil, siden)
    assert speil == _kilden(client)
