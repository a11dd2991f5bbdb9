"""The CapabilityStatement declares exactly what the server answers: every declared interaction,
search parameter and include works, and what mCSD asks of us that we lack is not declared."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver

from rapporter.fhir import urls as fhir_urls
from tilbud.models import Lokasjon, Organisasjon, Tilbud

from .hjelp import hent

pytestmark = pytest.mark.django_db

# The search parameters the brief (issue 18, after mCSD ITI-90) asks for, per type.
FELLES = {"_id", "_lastUpdated", "name", "active"}
FORVENTET = {
    "Organization": FELLES | {"identifier", "partof", "type"},
    "HealthcareService": FELLES
    | {
        "identifier",
        "organization",
        "location",
        "service-category",
        "service-type",
        "specialty",
        "coverage-area",
    },
    "Location": FELLES | {"organization", "near", "address-city", "status"},
    # mCSD §2:3.90.4.1.2.8; identifier is the mottak endpoint's HER-id.
    "Endpoint": {"_id", "identifier", "organization", "status", "connection-type", "payload-type"},
}
# Parameters that need the change log (PostgreSQL) on types without their own timestamp.
BARE_MED_HISTORIKK = {("Organization", "_lastUpdated"), ("Location", "_lastUpdated")}

EKSEMPEL = {
    "token": "x",
    "string": "a",
    "date": "ge2020-01-01",
    "special": "67.28|14.40|10|km",
}


def _eksempel(navn: str, type_: str) -> str:
    if navn == "active":
        return "true"
    if type_ == "reference":
        return (
            "Location/kommune-1804"
            if navn in ("coverage-area",)
            else ("Location/1" if navn == "location" else "Organization/1")
        )
    return EKSEMPEL[type_]


def test_declared_search_parameters_are_the_asked_ones_and_all_work(client: Client) -> None:
    cs = hent(client, "/fhir/metadata")
    ressurser = {r["type"]: r for r in cs["rest"][0]["resource"]}
    for type_, forventet in FORVENTET.items():
        uten = {p for t, p in BARE_MED_HISTORIKK if t == type_ and not settings.HISTORIKK_AKTIV}
        deklarert = {p["name"]: p["type"] for p in ressurser[type_]["searchParam"]}
        assert set(deklarert) == forventet - uten, type_
        for navn, ptype in deklarert.items():
            url = f"/fhir/{type_}?{navn}={quote(_eksempel(navn, ptype))}"
            # Strict handling: a parameter the server did not know would be a 400.
            assert hent(client, url, Prefer="handling=strict")["type"] == "searchset", url
        for navn in uten:
            utfall = hent(
                client, f"/fhir/{type_}?{navn}=ge2020", status=400, Prefer="handling=strict"
            )
            assert utfall["issue"][0]["code"] == "not-supported"
        for art, nokkel in (("_include", "searchInclude"), ("_revinclude", "searchRevInclude")):
            for lenke in ressurser[type_].get(nokkel, []):
                hent(client, f"/fhir/{type_}?_count=3&{art}={lenke}", Prefer="handling=strict")
        # An mCSD parameter we do not implement is refused, not silently ignored, when strict.
        hent(
            client,
            f"/fhir/{type_}?partof:below=Organization/1",
            status=400,
            Prefer="handling=strict",
        )


def test_declared_interactions_match_the_routes(client: Client) -> None:
    cs = hent(client, "/fhir/metadata")
    assert cs["fhirVersion"] == "4.0.1" and cs["format"] == ["application/fhir+json"]
    eksempel_id = {
        "Organization": Organisasjon.objects.first().pk,
        "Location": Lokasjon.objects.first().pk,
        "HealthcareService": Tilbud.objects.aktive().first().pk,
    }
    t = Tilbud.objects.aktive().first()
    t.nettside = "https://example.no"
    t.save()
    eksempel_id["Endpoint"] = f"tilbud-{t.pk}-nettside"
    brukt = set()
    for r in cs["rest"][0]["resource"]:
        koder = {i["code"] for i in r["interaction"]}
        type_ = r["type"]
        assert "read" in koder
        hent(client, f"/fhir/{type_}/{eksempel_id[type_]}")
        brukt.add("fhir-les")
        if "search-type" in koder:
            hent(client, f"/fhir/{type_}?_count=1")
            svar = client.post(
                f"/fhir/{type_}/_search",
                data="_count=1",
                content_type="application/x-www-form-urlencoded",
            )
            assert svar.status_code == 200 and svar.json()["type"] == "searchset"
            brukt |= {"fhir-sok", "fhir-sok-post"}
        else:
            hent(client, f"/fhir/{type_}", status=400)
        if "history-type" in koder:
            hent(client, f"/fhir/{type_}/_history?_count=1")
            brukt.add("fhir-historikk")
        else:
            hent(client, f"/fhir/{type_}/_history", status=400)
        if "history-instance" in koder:
            hent(client, f"/fhir/{type_}/{eksempel_id[type_]}/_history")
            brukt.add("fhir-historikk-ressurs")
        else:
            hent(client, f"/fhir/{type_}/{eksempel_id[type_]}/_history", status={400, 404})
    brukt.add("fhir-metadata")
    ruter = {m.name for m in fhir_urls.urlpatterns}
    forventet = (
        ruter if settings.HISTORIKK_AKTIV else ruter - {"fhir-historikk", "fhir-historikk-ressurs"}
    )
    assert brukt == forventet
    assert get_resolver().resolve("/fhir/metadata").url_name == "fhir-metadata"
