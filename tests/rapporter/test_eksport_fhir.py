"""The FHIR export of the real catalogue, validated with fhir.resources (R4B models)."""

from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from rest_framework.test import APIClient

from rapporter.eksport.felles import ORGNR_SYSTEM
from tests.factories import OrganisasjonFactory, TilbudFactory
from tilbud.models import Lokasjon, Organisasjon, Tilbud

URL = "/api/v1/eksport/fhir/"
MODELLER = {
    "Organization": Organization,
    "Location": Location,
    "HealthcareService": HealthcareService,
}

pytestmark = pytest.mark.django_db


def hent(api: APIClient) -> dict:
    svar = api.get(URL)
    assert svar.status_code == 200
    assert svar["Content-Type"].startswith("application/fhir+json")
    return svar.json()


def ressurser(bundle: dict, type_: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == type_]


def test_bundle_is_valid_fhir(api: APIClient) -> None:
    data = hent(api)
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    # Each resource once more through its own model, so that nothing passes as a generic dict.
    for entry in data["entry"]:
        ressurs = entry["resource"]
        MODELLER[ressurs["resourceType"]].model_validate(ressurs)
        assert entry["fullUrl"] == f"urn:uuid:{ressurs['id']}"


def test_bundle_covers_the_catalogue_and_references_resolve(api: APIClient) -> None:
    data = hent(api)
    tjenester = ressurser(data, "HealthcareService")
    assert len(tjenester) == Tilbud.objects.count() == 70
    assert len(ressurser(data, "Organization")) == Organisasjon.objects.count()
    assert len(ressurser(data, "Location")) == Lokasjon.objects.count()
    i_bunten = {e["fullUrl"] for e in data["entry"]}
    referanser = [
        *(t["providedBy"]["reference"] for t in tjenester),
        *(ref["reference"] for t in tjenester for ref in t.get("location", [])),
        *(lok["managingOrganization"]["reference"] for lok in ressurser(data, "Location")),
        *(o["partOf"]["reference"] for o in ressurser(data, "Organization") if "partOf" in o),
    ]
    assert referanser and set(referanser) <= i_bunten
    tilbud = Tilbud.objects.get(kilde_id="s4_6_1_12_1")  # six sites
    (t,) = [t for t in tjenester if t["name"] == tilbud.navn]
    assert len(t["location"]) == tilbud.lokasjoner.count() == 6
    assert t["category"][0]["coding"][0]["code"] == tilbud.fagomrade


def test_same_ids_as_the_hsds_export(api: APIClient) -> None:
    fhir_ider = {e["resource"]["id"] for e in hent(api)["entry"]}
    hsds = api.get("/api/v1/eksport/hsds/").json()
    hsds_ider = {
        o["id"] for tabell in ("organizations", "services", "locations") for o in hsds[tabell]
    }
    assert fhir_ider == hsds_ider


def test_orgnr_and_ended_tilbud(api: APIClient) -> None:
    org = OrganisasjonFactory(organisasjonsnummer="974795787")
    TilbudFactory(organisasjon=org, status=Tilbud.Status.AVSLUTTET, avsluttet_dato=date(2026, 2, 1))
    data = hent(api)
    (o,) = [o for o in ressurser(data, "Organization") if o["name"] == org.navn]
    assert o["identifier"] == [{"system": ORGNR_SYSTEM, "value": "974795787"}]
    (t,) = [
        t
        for t in ressurser(data, "HealthcareService")
        if t["providedBy"]["reference"] == f"urn:uuid:{o['id']}"
    ]
    assert t["active"] is False
    # Organisations without a number get no identifier at all (not an empty one).
    assert all(
        "identifier" not in o for o in ressurser(data, "Organization") if o["name"] != org.navn
    )
    Bundle.model_validate(data)


def test_queries_do_not_grow_with_the_catalogue(api: APIClient, django_assert_num_queries) -> None:
    with django_assert_num_queries(6):
        hent(api)
    TilbudFactory.create_batch(20)
    with django_assert_num_queries(6):
        assert len(ressurser(hent(api), "HealthcareService")) == 90


def test_the_validator_is_not_toothless(api: APIClient) -> None:
    """fhir.resources checks structure, types and formats (not value sets): make sure it does."""
    data = hent(api)
    lokasjon = ressurser(data, "Location")[0]
    tjeneste = ressurser(data, "HealthcareService")[0]
    for ugyldig in (
        {**lokasjon, "name": ""},  # FHIR forbids empty strings
        {**lokasjon, "id": "ikke gyldig id"},
        {**lokasjon, "ukjent_felt": 1},
    ):
        with pytest.raises(ValueError):
            Location.model_validate(ugyldig)
    with pytest.raises(ValueError):
        HealthcareService.model_validate({**tjeneste, "meta": {"lastUpdated": "i går"}})
