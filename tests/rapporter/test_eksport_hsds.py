"""The HSDS 3.0 export of the real catalogue, validated with jsonschema against the official
schemas in fixtures/hsds-3.0/schema (references between the files resolved locally)."""

import json
import uuid
from datetime import date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from rest_framework.test import APIClient

from tests.factories import OrganisasjonFactory, TilbudFactory
from tilbud.models import Lokasjon, Organisasjon, Tilbud

URL = "/api/v1/eksport/hsds/"
SKJEMAER = Path(settings.BASE_DIR) / "fixtures" / "hsds-3.0" / "schema"

pytestmark = pytest.mark.django_db

# jsonschema checks "uuid" itself; "uri", "email" and "date-time" need optional packages, so
# the checks are spelled out here to make them strict instead of silently skipped.
FORMATER = FormatChecker()


@FORMATER.checks("uri", raises=ValueError)
def _er_uri(verdi: object) -> bool:
    deler = urlsplit(str(verdi))
    return bool(deler.scheme and deler.netloc)


@FORMATER.checks("date-time", raises=ValueError)
def _er_tidspunkt(verdi: object) -> bool:
    return datetime.fromisoformat(str(verdi)).tzinfo is not None


@FORMATER.checks("email", raises=ValueError)
def _er_epost(verdi: object) -> bool:
    return "@" in str(verdi)


@cache
def validator(navn: str) -> Draft202012Validator:
    ressurser = [
        (fil.name, Resource.from_contents(json.loads(fil.read_text()), DRAFT202012))
        for fil in SKJEMAER.glob("*.json")
        if fil.name != "openapi.json"
    ]
    registry = Registry().with_resources(ressurser)
    skjema = json.loads((SKJEMAER / f"{navn}.json").read_text())
    return Draft202012Validator(skjema, registry=registry, format_checker=FORMATER)


def hent(api: APIClient) -> dict:
    svar = api.get(URL)
    assert svar.status_code == 200
    return svar.json()


def test_every_object_is_valid_against_the_official_schema(api: APIClient) -> None:
    dok = hent(api)
    assert dok["hsds_version"] == "3.0"
    for tabell, skjema in [
        ("organizations", "organization"),
        ("services", "service"),
        ("locations", "location"),
        ("service_at_locations", "service_at_location"),
    ]:
        assert dok[tabell], tabell
        for objekt in dok[tabell]:
            feil = sorted(validator(skjema).iter_errors(objekt), key=str)
            assert not feil, f"{tabell} {objekt['id']}: {feil[0].message} at {feil[0].json_path}"


def test_the_validator_is_not_toothless() -> None:
    """Guard against a validator that passes anything (unresolved $refs, formats ignored)."""
    gyldig = {"id": str(uuid.uuid4()), "name": "x", "status": "active"}
    assert validator("service").is_valid(gyldig)
    assert not validator("service").is_valid({**gyldig, "id": "ikke-en-uuid"})
    assert not validator("service").is_valid({**gyldig, "status": "aktiv"})
    assert not validator("service").is_valid({**gyldig, "url": "ikke en url"})
    assert not validator("service").is_valid({**gyldig, "last_modified": "i går"})
    # phone.json (reached through a $ref) requires id and number.
    assert not validator("service").is_valid({**gyldig, "phones": [{}]})


def test_export_covers_the_catalogue_and_links_resolve(api: APIClient) -> None:
    dok = hent(api)
    assert len(dok["services"]) == Tilbud.objects.count() == 70
    assert len(dok["organizations"]) == Organisasjon.objects.count()
    assert len(dok["locations"]) == Lokasjon.objects.count()
    assert len(dok["service_at_locations"]) == Tilbud.lokasjoner.through.objects.count()

    org_ider = {o["id"] for o in dok["organizations"]}
    lok_ider = {lok["id"] for lok in dok["locations"]}
    tjeneste_ider = {s["id"] for s in dok["services"]}
    alle = [o["id"] for tabell in dok.values() if isinstance(tabell, list) for o in tabell]
    assert len(alle) == len(set(alle)), "UUID-ene er unike på tvers av tabellene"
    assert {s["organization_id"] for s in dok["services"]} <= org_ider
    assert {lok["organization_id"] for lok in dok["locations"]} <= org_ider
    assert {
        o["parent_organization_id"] for o in dok["organizations"] if "parent_organization_id" in o
    } <= org_ider
    for sal in dok["service_at_locations"]:
        assert sal["service_id"] in tjeneste_ider
        assert sal["location_id"] in lok_ider


def test_mapping_is_honest(api: APIClient) -> None:
    dok = hent(api)
    tjenester = {s["name"]: s for s in dok["services"]}
    tilbud = Tilbud.objects.select_related("rhf").get(kilde_id="s4_6_1_12_1")
    s = tjenester[tilbud.navn]
    assert s["service_areas"][0]["name"] == tilbud.rhf.navn
    assert s["assured_date"] == tilbud.sist_bekreftet.isoformat()
    assert s["status"] == "active"
    # Unknown stays absent: no made-up waiting times, addresses or coordinates.
    uten_ventetid = Tilbud.objects.filter(ventetid_tekst="").values_list("navn", flat=True)
    assert all("wait_time" not in tjenester[navn] for navn in uten_ventetid)
    assert all("addresses" not in lok and "latitude" not in lok for lok in dok["locations"])
    # The catalogue has no organisasjonsnummer yet, so no identifiers are exported.
    assert all("organization_identifiers" not in o for o in dok["organizations"])
    # Norwegian text as it is.
    assert any("ø" in s["name"] or "å" in s["name"] for s in dok["services"])


def test_orgnr_becomes_an_identifier_and_ended_tilbud_are_defunct(api: APIClient) -> None:
    org = OrganisasjonFactory(organisasjonsnummer="974795787", nettside="https://example.no/")
    TilbudFactory(organisasjon=org, status=Tilbud.Status.AVSLUTTET, avsluttet_dato=date(2026, 2, 1))
    dok = hent(api)
    (o,) = [o for o in dok["organizations"] if o["name"] == org.navn]
    assert o["organization_identifiers"][0]["identifier"] == "974795787"
    assert o["organization_identifiers"][0]["identifier_scheme"] == "NO-BRC"
    assert o["website"] == "https://example.no/"
    assert validator("organization").is_valid(o)
    (s,) = [s for s in dok["services"] if s["organization_id"] == o["id"]]
    assert s["status"] == "defunct"


def test_uuids_are_stable_between_exports(api: APIClient) -> None:
    assert hent(api) == hent(api)


def test_queries_do_not_grow_with_the_catalogue(api: APIClient, django_assert_num_queries) -> None:
    # organisasjoner, tilbud, målgrupper, behandlingsformer, lokasjoner per tilbud, lokasjoner
    with django_assert_num_queries(6):
        hent(api)
    TilbudFactory.create_batch(20)
    with django_assert_num_queries(6):
        assert len(hent(api)["services"]) == 90
