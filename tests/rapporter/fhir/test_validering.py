"""Everything the directory can produce validates as FHIR R4B (fhir.resources), and every
identifier system, code system and extension it writes is either national (checked against a
table taken from the published profiles) or one we mint and document (README «FHIR-katalogen»)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from rapporter.fhir import kodeverk as kv
from tilbud.models import Kommune, Tilbud

from .hjelp import hent

pytestmark = pytest.mark.django_db

# From the published profiles, not from our code:
# - HL7Norway/kodeverk input/fsh/namingsystems/no-basis-organisasjonsnummer.fsh: uniqueId oid
#   2.16.578.1.12.4.1.4.101 (preferred);
# - HL7Norway/kodeverk input/fsh/namingsystems/no-basis-her.fsh: uniqueId oid
#   2.16.578.1.12.4.1.2 (preferred);
# - no-basis-municipalitycode (basisprofiler-r4, extension on Address.district): url
#   http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode, valueCoding system
#   urn:oid:2.16.578.1.12.4.1.1.3402 (Volven 3402, kommunenummer);
# - HL7Norway/basisprofiler-r4-fsh no-basis/input/fsh/profiles/NoBasisEndpoint.fsh: Id
#   no-basis-Endpoint, payloadType[meldingensFunksjon] from urn:oid:2.16.578.1.12.4.1.1.8279;
#   codesystems/NoBasisConnectionType.fsh: url http://hl7.no/fhir/CodeSystem/
#   no-basis-connection-type, codes #no-ebxml-2 «ebXML 2.0» and #no-amqp «AMQP».
NO_BASIS = {
    "organisasjonsnummer": "urn:oid:2.16.578.1.12.4.1.4.101",
    "HER-id": "urn:oid:2.16.578.1.12.4.1.2",
    "kommunenummer": "urn:oid:2.16.578.1.12.4.1.1.3402",
    "municipalitycode": "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode",
    "no-basis-Endpoint": "http://hl7.no/fhir/StructureDefinition/no-basis-Endpoint",
    "connection-type": "http://hl7.no/fhir/CodeSystem/no-basis-connection-type",
    "meldingens funksjon": "urn:oid:2.16.578.1.12.4.1.1.8279",
}
NO_BASIS_TILKOBLING = {"no-ebxml-2": "ebXML 2.0", "no-amqp": "AMQP"}
HL7_OG_IHE = {
    "http://terminology.hl7.org/CodeSystem/service-referral-method",
    "http://terminology.hl7.org/CodeSystem/location-physical-type",
    "http://terminology.hl7.org/CodeSystem/endpoint-payload-type",
    "http://unitsofmeasure.org",
    "urn:ietf:rfc:3986",
}


def test_our_constants_are_the_published_systems() -> None:
    assert NO_BASIS["organisasjonsnummer"] == kv.ORGANISASJONSNUMMER_SYSTEM
    assert NO_BASIS["HER-id"] == kv.HER_SYSTEM
    assert NO_BASIS["kommunenummer"] == kv.KOMMUNENUMMER_SYSTEM
    assert NO_BASIS["municipalitycode"] == kv.KOMMUNE_EXTENSION
    assert NO_BASIS["no-basis-Endpoint"] == kv.NO_BASIS_ENDPOINT
    assert NO_BASIS["connection-type"] == kv.NO_BASIS_CONNECTION_TYPE
    assert NO_BASIS["meldingens funksjon"] == kv.MELDINGENS_FUNKSJON
    assert NO_BASIS_TILKOBLING[kv.EBXML[0]] == kv.EBXML[1]


def _systemer(data: Any) -> Iterator[tuple[str, str]]:
    """(what, uri) for every identifier system, coding system and extension url in a resource."""
    if isinstance(data, dict):
        utvidelse = "extension" in data or any(k.startswith("value") for k in data)
        if "url" in data and utvidelse and data["url"].startswith(("http", "urn")):
            yield "extension", data["url"]
        if data.get("system") in ("url", "phone", "email"):
            pass  # a ContactPoint, not an identifier
        elif "system" in data and "value" in data and "code" not in data:
            yield "identifier", data["system"]
        elif "system" in data and "code" in data:
            yield "coding", data["system"]
        for verdi in data.values():
            yield from _systemer(verdi)
    elif isinstance(data, list):
        for verdi in data:
            yield from _systemer(verdi)


def _alt(client: Client) -> list[dict[str, Any]]:
    """Every resource the server can produce (each page validated on the way by `hent`)."""
    t = Tilbud.objects.aktive().first()
    t.nettside, t.ventetid_uker, t.tar_imot_henvisninger = "https://example.no", 4, False
    # A synthetic mottak block (nine-digit HER-ids no receiver has), every message type.
    t.her_id, t.overordnet_her_id, t.her_navn = 999000111, 999000100, "Syntetisk mottak"
    t.meldinger = ["henvisning-1.0", "henvisning-1.1", "henvisning-2.0", "dialogmelding-1.1"]
    t.save()
    ressurser: list[dict[str, Any]] = []
    for url in (
        "/fhir/Organization?_count=100",
        "/fhir/Location?_count=100&_include=Location:organization",
        "/fhir/HealthcareService?_count=100&_include=HealthcareService:endpoint"
        "&_include=HealthcareService:coverage-area",
    ):
        while url:
            bunt = hent(client, url)
            ressurser += [e["resource"] for e in bunt.get("entry", [])]
            url = next((lenke["url"] for lenke in bunt["link"] if lenke["relation"] == "next"), "")
    ressurser.append(hent(client, "/fhir/metadata"))
    return ressurser


def test_every_resource_is_valid_and_uses_only_known_systems(client: Client) -> None:
    ressurser = _alt(client)
    typer = {r["resourceType"] for r in ressurser}
    assert typer == {
        "Organization",
        "Location",
        "HealthcareService",
        "Endpoint",
        "CapabilityStatement",
    }
    # Every kommune some tilbud covers came along as a Location.
    kommuner = {r["id"] for r in ressurser if r.get("id", "").startswith("kommune-")}
    assert 0 < len(kommuner) <= Kommune.objects.count()
    kjente = set(NO_BASIS.values()) | HL7_OG_IHE | set(kv.MINTED)
    ukjente = {
        (hva, uri)
        for r in ressurser
        if r["resourceType"] != "CapabilityStatement"
        for hva, uri in _systemer(r)
        if uri not in kjente and not uri.startswith(kv.EXT_VENTETID)
    }
    assert ukjente == set()
    brukte = {uri for r in ressurser for _hva, uri in _systemer(r)}
    # The table is not vacuous: the national systems we can fill today are in use.
    assert {
        NO_BASIS["kommunenummer"],
        NO_BASIS["municipalitycode"],
        NO_BASIS["HER-id"],
        NO_BASIS["connection-type"],
        NO_BASIS["meldingens funksjon"],
    } <= brukte
    mottak = [r for r in ressurser if r.get("id", "").endswith("-mottak")]
    assert mottak and all(r["meta"]["profile"] == [kv.NO_BASIS_ENDPOINT] for r in mottak)
    assert kv.EXT_VENTETID in brukte and kv.EXT_TAR_IMOT_NYE in brukte


def test_every_minted_system_is_documented_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    for uri in kv.MINTED:
        assert uri in readme, uri
