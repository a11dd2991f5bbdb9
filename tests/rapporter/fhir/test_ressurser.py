"""The four resource types read one by one: content a directory consumer relies on, valid R4B."""

import pytest
from django.test import Client

from rapporter.fhir import kodeverk as kv
from tests.factories import TilbudFactory
from tilbud.models import Lokasjon, Opptaksomrade, Organisasjon, Tilbud

from .hjelp import hent

pytestmark = pytest.mark.django_db


def test_an_hf_is_part_of_its_rhf_and_carries_its_organisasjonsnummer(client: Client) -> None:
    hf = Organisasjon.objects.filter(type="hf").first()
    hf.organisasjonsnummer = "983974899"
    hf.save()
    org = hent(client, f"/fhir/Organization/{hf.pk}")
    assert org["name"] == hf.navn
    assert org["partOf"] == {"reference": f"Organization/{hf.rhf_id}"}
    assert {"system": kv.ORGANISASJONSNUMMER_SYSTEM, "value": hf.organisasjonsnummer} in org[
        "identifier"
    ]
    # No HER-id is invented: the catalogue has none yet.
    assert all(i["system"] != kv.HER_SYSTEM for i in org["identifier"])
    rhf = hent(client, f"/fhir/Organization/{hf.rhf_id}")
    assert "partOf" not in rhf and rhf["type"][0]["coding"][0]["code"] == "rhf"


def test_a_site_has_its_kommune_position_and_operator(client: Client) -> None:
    lok = Lokasjon.objects.select_related("kommune").first()
    data = hent(client, f"/fhir/Location/{lok.pk}")
    assert data["managingOrganization"] == {"reference": f"Organization/{lok.organisasjon_id}"}
    assert data["address"]["city"] == lok.kommune.navn
    kode = data["address"]["_district"]["extension"][0]["valueCoding"]
    assert (kode["system"], kode["code"]) == (kv.KOMMUNENUMMER_SYSTEM, lok.kommune_id)
    assert data["position"] == {
        "latitude": float(lok.kommune.lat),
        "longitude": float(lok.kommune.lon),
    }


def test_a_kommune_is_a_jurisdiction_location(client: Client) -> None:
    data = hent(client, "/fhir/Location/kommune-1804")
    assert data["name"] == "Bodø" and data["mode"] == "kind"
    assert data["physicalType"]["coding"][0]["code"] == "jdn"


def test_a_healthcare_service_carries_what_the_gp_needs(client: Client) -> None:
    t = (
        Tilbud.objects.aktive()
        .filter(organisasjon__type="hf", malgrupper__isnull=False, lokasjoner__isnull=False)
        .first()
    )
    t.ventetid_uker, t.tar_imot_henvisninger, t.digital = 6, True, True
    t.henvisning_til = Tilbud.HenvisningTil.HF
    t.nettside = "https://example.no/tilbud"
    t.save()
    data = hent(client, f"/fhir/HealthcareService/{t.pk}")
    assert data["providedBy"] == {"reference": f"Organization/{t.organisasjon_id}"}
    assert data["category"][0]["coding"][0]["code"] == t.fagomrade
    malgrupper = {
        e["code"]["coding"][0]["code"] for e in data["eligibility"] if "coding" in e["code"]
    }
    assert malgrupper == set(t.malgrupper.values_list("slug", flat=True))
    # The målgruppe's ICPC-2/ICD-10 ranges travel with it.
    m = t.malgrupper.filter(koder__isnull=False).first()
    if m is not None:
        kommentar = next(e["comment"] for e in data["eligibility"] if e["code"]["text"] == m.navn)
        assert str(m.koder.first()) in kommentar
    assert {"Location/" + str(i) for i in t.lokasjoner.values_list("id", flat=True)} == {
        ref["reference"] for ref in data["location"]
    }
    # Coverage: the HF's catchment kommuner.
    kommuner = set(
        Opptaksomrade.objects.filter(helseforetak=t.organisasjon).values_list(
            "kommune_id", flat=True
        )
    )
    assert kommuner and {r["reference"] for r in data["coverageArea"]} == {
        f"Location/kommune-{k}" for k in kommuner
    }
    egenskaper = {c["coding"][0]["code"] for c in data["characteristic"]}
    assert "digital" in egenskaper
    assert data["referralMethod"][0]["coding"][0]["code"] == "elec"
    assert data["appointmentRequired"] is True
    utvidelser = {e["url"]: e for e in data["extension"]}
    uker = utvidelser[kv.EXT_VENTETID]["extension"][0]["valueQuantity"]
    assert (uker["value"], uker["code"]) == (6, "wk")
    assert utvidelser[kv.EXT_TAR_IMOT_NYE]["extension"][0]["valueBoolean"] is True
    endepunkt = data["endpoint"][0]["reference"]
    ep = hent(client, f"/fhir/{endepunkt}")
    assert ep["address"] == "https://example.no/tilbud"
    assert ep["managingOrganization"] == data["providedBy"]


def test_a_private_provider_covers_its_region(client: Client) -> None:
    t = TilbudFactory(organisasjon=Organisasjon.objects.filter(type="privat").first())
    data = hent(client, f"/fhir/HealthcareService/{t.pk}")
    assert len(data["coverageArea"]) == t.rhf.kommuner.count() > 0


def test_an_ended_tilbud_is_gone_and_unknown_ids_are_not_found(client: Client) -> None:
    t = Tilbud.objects.aktive().first()
    t.status, t.avsluttet_dato = Tilbud.Status.AVSLUTTET, t.sist_bekreftet
    t.save()
    utfall = hent(client, f"/fhir/HealthcareService/{t.pk}", status=410)
    assert utfall["issue"][0]["code"] == "deleted"
    for url in (
        "/fhir/HealthcareService/999999",
        "/fhir/Organization/abc",
        "/fhir/Location/kommune-0000",
        "/fhir/Endpoint/tilbud-1-faks",
    ):
        assert hent(client, url, status=404)["issue"][0]["code"] == "not-found"
    assert hent(client, "/fhir/Patient/1", status=404)["resourceType"] == "OperationOutcome"


def test_the_directory_is_read_only(client: Client) -> None:
    svar = client.post("/fhir/Organization", data="{}", content_type="application/fhir+json")
    assert svar.status_code == 405 and svar.json()["resourceType"] == "OperationOutcome"
