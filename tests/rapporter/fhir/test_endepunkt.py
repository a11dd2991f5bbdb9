"""The mottak block as FHIR: a tilbud with a HER-id has a no-basis-Endpoint (service-based
addressing) that HealthcareService.endpoint points at and an EPJ finds by HER-id, connection
type and message type; a tilbud without one has no messaging endpoint, nothing invented.

HER-ids here are synthetic (nine digits, 99900xxxx): no real receiver is named."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapporter.fhir import kodeverk as kv
from tilbud.models import Organisasjon, Tilbud

from .hjelp import hent, ider, treff

pytestmark = pytest.mark.django_db

HER = 999000111
ORG_HER = 999000100


def _med_mottak(t: Tilbud, *, her: int = HER, meldinger: list[str] | None = None) -> Tilbud:
    t.her_id, t.her_navn, t.overordnet_her_id = her, "Syntetisk mottak ARR", ORG_HER
    t.meldinger = ["henvisning-2.0", "dialogmelding-1.1"] if meldinger is None else meldinger
    t.versjon += 1
    t.save()
    return t


def _transaksjonsstart() -> str:
    with connection.cursor() as c:
        c.execute("SELECT now() - interval '1 microsecond'")
        return quote(c.fetchone()[0].isoformat())


def _to_tilbud() -> tuple[Tilbud, Tilbud]:
    med, uten = Tilbud.objects.synlige().order_by("pk")[:2]
    assert med.her_id is None and uten.her_id is None  # the catalogue has none of its own
    return _med_mottak(med), uten


def test_a_tilbud_with_a_her_id_has_a_no_basis_endpoint(client: Client) -> None:
    t, _ = _to_tilbud()
    tjeneste = hent(client, f"/fhir/HealthcareService/{t.pk}")
    mottak = {"system": kv.HER_SYSTEM, "value": str(HER)}
    assert {"reference": f"Endpoint/tilbud-{t.pk}-mottak", "identifier": mottak} in tjeneste[
        "endpoint"
    ]
    assert tjeneste["providedBy"]["identifier"] == {"system": kv.HER_SYSTEM, "value": str(ORG_HER)}

    e = hent(client, f"/fhir/Endpoint/tilbud-{t.pk}-mottak")
    assert e["meta"]["profile"] == ["http://hl7.no/fhir/StructureDefinition/no-basis-Endpoint"]
    assert e["identifier"] == [mottak]
    assert e["status"] == "active"
    assert e["connectionType"]["system"] == "http://hl7.no/fhir/CodeSystem/no-basis-connection-type"
    assert e["connectionType"]["code"] == "no-ebxml-2"
    assert e["name"] == "Syntetisk mottak ARR"
    assert e["managingOrganization"] == {
        "reference": f"Organization/{t.organisasjon_id}",
        "identifier": {"system": kv.HER_SYSTEM, "value": str(ORG_HER)},
    }
    # One payloadType per accepted message, its 8279 functions carrying the version.
    assert [p["text"] for p in e["payloadType"]] == ["Henvisning 2.0", "Dialogmelding 1.1"]
    henvisning, dialog = e["payloadType"]
    assert [(c["system"], c["code"], c["version"]) for c in henvisning["coding"]] == [
        ("urn:oid:2.16.578.1.12.4.1.1.8279", "HENVISNING", "2.0")
    ]
    assert {c["code"] for c in dialog["coding"]} == {
        "DIALOG_HELSEFAGLIG",
        "DIALOG_FORESPORSEL",
        "DIALOG_SVAR",
    }
    assert {c["version"] for c in dialog["coding"]} == {"1.1"}
    assert e["address"] == f"urn:oid:2.16.578.1.12.4.1.2:{HER}"


def test_a_tilbud_without_a_her_id_has_no_messaging_endpoint(client: Client) -> None:
    _, uten = _to_tilbud()
    uten.nettside = "https://example.no/uten-her"
    uten.save()
    tjeneste = hent(client, f"/fhir/HealthcareService/{uten.pk}")
    assert tjeneste["endpoint"] == [{"reference": f"Endpoint/tilbud-{uten.pk}-nettside"}]
    assert "identifier" not in tjeneste["providedBy"]
    hent(client, f"/fhir/Endpoint/tilbud-{uten.pk}-mottak", status=404)
    # The web page endpoint stays as it was.
    assert hent(client, f"/fhir/Endpoint/tilbud-{uten.pk}-nettside")["address"] == (
        "https://example.no/uten-her"
    )


def test_an_ended_tilbud_s_endpoints_are_gone(client: Client) -> None:
    t, _ = _to_tilbud()
    t.status, t.avsluttet_dato, t.versjon = "avsluttet", t.sist_bekreftet, t.versjon + 1
    t.save()
    utfall = hent(client, f"/fhir/Endpoint/tilbud-{t.pk}-mottak", status=410)
    assert utfall["issue"][0]["code"] == "deleted"
    assert ider(hent(client, f"/fhir/Endpoint?identifier={HER}")) == []


def test_unregistered_message_types_are_said_not_guessed(client: Client) -> None:
    t = _med_mottak(Tilbud.objects.synlige().first(), meldinger=[])
    e = hent(client, f"/fhir/Endpoint/tilbud-{t.pk}-mottak")
    assert e["payloadType"] == [{"text": "Meldingstyper ikke registrert"}]


def test_an_epj_finds_the_endpoint_by_her_id(client: Client) -> None:
    t, _ = _to_tilbud()
    annen = _med_mottak(Tilbud.objects.synlige().order_by("pk")[2], her=HER + 1)
    mottak = f"Endpoint/tilbud-{t.pk}-mottak"
    for verdi in (f"{kv.HER_SYSTEM}|{HER}", str(HER)):
        assert ider(hent(client, f"/fhir/Endpoint?identifier={quote(verdi)}")) == [mottak]
    both = hent(client, f"/fhir/Endpoint?identifier={HER},{HER + 1}")
    assert ider(both) == [mottak, f"Endpoint/tilbud-{annen.pk}-mottak"]
    # Another system's number, or a number nobody has, finds nothing.
    orgnr = quote(f"{kv.ORGANISASJONSNUMMER_SYSTEM}|{HER}")
    assert ider(hent(client, f"/fhir/Endpoint?identifier={orgnr}")) == []
    assert ider(hent(client, f"/fhir/Endpoint?identifier={HER + 5}")) == []


def test_connection_and_payload_type_pick_the_messaging_endpoints(client: Client) -> None:
    t, _ = _to_tilbud()
    t.nettside = "https://example.no/med-her"
    t.save()
    kun_henvisning = _med_mottak(
        Tilbud.objects.synlige().order_by("pk")[2], her=HER + 1, meldinger=["henvisning-1.1"]
    )
    ebxml = quote(f"{kv.NO_BASIS_CONNECTION_TYPE}|no-ebxml-2")
    assert set(ider(hent(client, f"/fhir/Endpoint?connection-type={ebxml}&_count=100"))) == {
        f"Endpoint/tilbud-{t.pk}-mottak",
        f"Endpoint/tilbud-{kun_henvisning.pk}-mottak",
    }
    nettsider = ider(hent(client, "/fhir/Endpoint?connection-type=nettside&_count=100"))
    assert f"Endpoint/tilbud-{t.pk}-nettside" in nettsider
    assert all(i.endswith("-nettside") for i in nettsider)
    svar = quote(f"{kv.MELDINGENS_FUNKSJON}|DIALOG_SVAR")
    assert ider(hent(client, f"/fhir/Endpoint?payload-type={svar}")) == [
        f"Endpoint/tilbud-{t.pk}-mottak"
    ]
    assert set(ider(hent(client, "/fhir/Endpoint?payload-type=HENVISNING"))) == {
        f"Endpoint/tilbud-{t.pk}-mottak",
        f"Endpoint/tilbud-{kun_henvisning.pk}-mottak",
    }
    # mCSD §1:46.8: the organisation's endpoints that take referrals.
    bunt = hent(
        client,
        f"/fhir/Endpoint?organization={t.organisasjon_id}&payload-type=HENVISNING&status=active",
    )
    assert f"Endpoint/tilbud-{t.pk}-mottak" in ider(bunt)
    # Chained through the organisation, as an EPJ that knows only its name.
    navn = quote(Organisasjon.objects.get(pk=t.organisasjon_id).navn)
    kjedet = hent(client, f"/fhir/Endpoint?organization.name:exact={navn}&connection-type={ebxml}")
    assert f"Endpoint/tilbud-{t.pk}-mottak" in ider(kjedet)
    assert all(i.endswith("-mottak") for i in ider(kjedet))


def test_paging_counts_endpoints_not_tilbud(client: Client) -> None:
    t, _ = _to_tilbud()
    t.nettside = "https://example.no/med-her"
    t.save()
    url = f"/fhir/Endpoint?organization={t.organisasjon_id}&_count=1"
    bunt = hent(client, url)
    forventet = Tilbud.objects.synlige().filter(organisasjon_id=t.organisasjon_id)
    antall = forventet.exclude(nettside="").count() + forventet.filter(her_id__isnull=False).count()
    assert bunt["total"] == antall >= 2
    funnet = []
    while url:
        bunt = hent(client, url)
        assert len(treff(bunt)) == 1
        funnet += ider(bunt)
        url = next((lenke["url"] for lenke in bunt["link"] if lenke["relation"] == "next"), "")
    assert len(funnet) == len(set(funnet)) == antall
    # The same tilbud's two endpoints stand next to each other (by kind: mottak, nettside).
    i = funnet.index(f"Endpoint/tilbud-{t.pk}-mottak")
    assert funnet[i + 1] == f"Endpoint/tilbud-{t.pk}-nettside"
    synkende = ider(hent(client, f"/fhir/Endpoint?organization={t.organisasjon_id}&_sort=-_id"))
    assert synkende == list(reversed(funnet))[: len(synkende)]


def test_endpoint_search_query_count_does_not_grow_with_count(client: Client) -> None:
    for i, t in enumerate(Tilbud.objects.synlige().order_by("pk")[:40]):
        _med_mottak(t, her=HER + i)

    def sporringer(antall: int) -> int:
        with CaptureQueriesContext(connection) as fanget:
            bunt = hent(client, f"/fhir/Endpoint?payload-type=HENVISNING&_count={antall}")
        assert len(treff(bunt)) == antall
        return len(fanget)

    assert sporringer(2) == sporringer(40)


@pytest.mark.skipif(
    not settings.HISTORIKK_AKTIV, reason="the change log is written by PostgreSQL triggers"
)
def test_a_her_id_change_is_a_new_endpoint_and_service_version(client: Client) -> None:
    siden = _transaksjonsstart()
    t = _med_mottak(Tilbud.objects.synlige().first())
    t.ventetid_uker, t.versjon = 7, t.versjon + 1  # not an endpoint change
    t.save()
    _med_mottak(t, her=HER + 9)
    t.her_id, t.her_navn, t.versjon = None, "", t.versjon + 1
    t.save()
    url = f"Endpoint/tilbud-{t.pk}-mottak"
    bunt = hent(client, f"/fhir/Endpoint/_history?_since={siden}")
    egne = [e for e in bunt["entry"] if e["request"]["url"] == url]
    assert [e["request"]["method"] for e in egne] == ["PUT", "PUT", "DELETE"]
    assert [e["resource"]["identifier"][0]["value"] for e in egne[:2]] == [
        str(HER),
        str(HER + 9),
    ]
    egen = hent(client, f"/fhir/{url}/_history?_since={siden}")
    assert [e["request"]["method"] for e in egen["entry"]] == ["PUT", "PUT", "DELETE"]
    # The HealthcareService versions carry the HER-id in their endpoint reference.
    tjenester = hent(client, f"/fhir/HealthcareService/{t.pk}/_history?_since={siden}")
    her_ider = [
        [r["identifier"]["value"] for r in e["resource"].get("endpoint", []) if "identifier" in r]
        for e in tjenester["entry"]
    ]
    assert her_ider == [[str(HER)], [str(HER)], [str(HER + 9)], []]


@pytest.mark.skipif(
    not settings.HISTORIKK_AKTIV, reason="the change log is written by PostgreSQL triggers"
)
def test_endpoint_history_query_count_does_not_grow_with_count(client: Client, settings) -> None:
    settings.SYNK_SIKKERHETSMARGIN = timedelta(0)
    siden = _transaksjonsstart()
    for i, t in enumerate(Tilbud.objects.synlige().order_by("pk")[:40]):
        _med_mottak(t, her=HER + i)

    def sporringer(antall: int) -> int:
        with CaptureQueriesContext(connection) as fanget:
            bunt = hent(client, f"/fhir/Endpoint/_history?_since={siden}&_count={antall}")
        assert len(bunt["entry"]) == antall  # each event adds the tilbud's mottak endpoint
        return len(fanget)

    assert sporringer(2) == sporringer(30)
