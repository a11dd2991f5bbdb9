"""Contract tests: the query shapes of IHE mCSD ITI-90 (§2:3.90.4.1.2) and ITI-91, and the
discovery walk of mCSD volume 1 §1:46.8 (find the service, its organisation and endpoint, then
walk partOf upwards), answered with our catalogue."""

from urllib.parse import quote

import pytest
from django.test import Client

from rapporter.fhir import kodeverk as kv
from tilbud.models import Opptaksomrade, Tilbud

from .hjelp import hent, ider, treff

pytestmark = pytest.mark.django_db


def test_a_gp_system_finds_a_service_for_its_kommune_and_walks_up_to_the_rhf(
    client: Client,
) -> None:
    t = Tilbud.objects.aktive().filter(organisasjon__type="hf").first()
    t.nettside = "https://example.no/henvis"
    t.save()
    kommune = Opptaksomrade.objects.filter(helseforetak=t.organisasjon).first().kommune_id
    bunt = hent(
        client,
        f"/fhir/HealthcareService?coverage-area=Location/kommune-{kommune}"
        f"&service-category={quote(kv.CS_FAGOMRADE)}|{t.fagomrade}&active=true"
        "&_include=HealthcareService:organization&_include=HealthcareService:endpoint"
        "&_count=100",
    )
    assert f"HealthcareService/{t.pk}" in ider(bunt)
    tjeneste = next(r for r in treff(bunt) if r["id"] == str(t.pk))
    inkludert = {f"{r['resourceType']}/{r['id']}": r for r in treff(bunt, "include")}
    org = inkludert[tjeneste["providedBy"]["reference"]]
    assert inkludert[tjeneste["endpoint"][0]["reference"]]["address"] == "https://example.no/henvis"
    # partOf upwards: the HF's RHF, which has no parent.
    rhf = hent(client, f"/fhir/{org['partOf']['reference']}")
    assert rhf["type"][0]["coding"][0]["code"] == "rhf" and "partOf" not in rhf


@pytest.mark.parametrize(
    "sporring",
    [
        # Common parameters, with the prefixes mCSD names.
        "Organization?_id=1",
        "Organization?_id=1,2&_sort=-name",
        "HealthcareService?_lastUpdated=gt2020-01-01T00:00:00Z",
        "HealthcareService?_lastUpdated=sa2020-01-01&_lastUpdated=eb2999-01-01",
        # Organization (§2:3.90.4.1.2.2).
        "Organization?active=true&name:contains=helse&type=hf",
        "Organization?partof=Organization/1&_revinclude=Location:organization",
        f"Organization?identifier={quote(kv.ORGANISASJONSNUMMER_SYSTEM)}|983974899",
        # Location (§2:3.90.4.1.2.3, distance option §2:3.90.4.1.2.7).
        "Location?name:exact=x&organization=Organization/1&_include=Location:organization",
        "Location?status=active&near=59.91|10.75|100|km",
        # HealthcareService (§2:3.90.4.1.2.6).
        "HealthcareService?active=true&name=a&organization=Organization/1&location=Location/1",
        "HealthcareService?service-type=x&identifier=s4",
    ],
)
def test_iti90_query_shapes_answer_a_searchset(client: Client, sporring: str) -> None:
    bunt = hent(client, f"/fhir/{sporring}", Prefer="handling=strict")
    assert bunt["type"] == "searchset" and "total" in bunt
    selv = next(lenke["url"] for lenke in bunt["link"] if lenke["relation"] == "self")
    assert selv.startswith("http://testserver/fhir/")
