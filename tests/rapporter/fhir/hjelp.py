"""Shared helpers for the FHIR directory tests: fetching and validating with fhir.resources."""

from typing import Any

from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.endpoint import Endpoint
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization

MODELLER: dict[str, Any] = {
    "Organization": Organization,
    "Location": Location,
    "HealthcareService": HealthcareService,
    "Endpoint": Endpoint,
    "OperationOutcome": OperationOutcome,
    "CapabilityStatement": CapabilityStatement,
    "Bundle": Bundle,
}


def valider(data: dict[str, Any]) -> None:
    """The resource (and, for a Bundle, each entry's resource on its own model) is valid R4B."""
    MODELLER[data["resourceType"]].model_validate(data)
    for entry in data.get("entry", []):
        if "resource" in entry:
            valider(entry["resource"])


def hent(klient: Client, url: str, status: int | set[int] = 200, **headers: str) -> dict[str, Any]:
    svar = klient.get(url, headers=headers)
    assert svar.status_code in ({status} if isinstance(status, int) else status), svar.content[
        :2000
    ]
    assert svar["Content-Type"].startswith("application/fhir+json")
    data = svar.json()
    valider(data)
    return data


def treff(bunt: dict[str, Any], modus: str = "match") -> list[dict[str, Any]]:
    return [
        e["resource"] for e in bunt.get("entry", []) if e.get("search", {}).get("mode") == modus
    ]


def ider(bunt: dict[str, Any], modus: str = "match") -> list[str]:
    return [f"{r['resourceType']}/{r['id']}" for r in treff(bunt, modus)]
