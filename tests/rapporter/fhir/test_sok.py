"""ITI-90 search on /fhir/: each parameter narrows to what a directory consumer expects, paging
and includes hold, unknown parameters follow `Prefer: handling`, errors are OperationOutcome."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapporter.fhir import kodeverk as kv
from tests.factories import TilbudFactory
from tilbud.models import Lokasjon, Opptaksomrade, Organisasjon, Tilbud

from .hjelp import hent, ider, treff

pytestmark = pytest.mark.django_db


def _alle(client: Client, url: str) -> list[str]:
    """Every match, following `next` links."""
    funnet: list[str] = []
    while url:
        bunt = hent(client, url)
        funnet += ider(bunt)
        url = next((lenke["url"] for lenke in bunt["link"] if lenke["relation"] == "next"), "")
    return funnet


def test_paging_covers_every_active_tilbud_once_with_total(client: Client) -> None:
    funnet = _alle(client, "/fhir/HealthcareService?_count=7")
    forventet = [
        f"HealthcareService/{i}"
        for i in Tilbud.objects.synlige().order_by("pk").values_list("pk", flat=True)
    ]
    assert funnet == forventet
    bunt = hent(client, "/fhir/HealthcareService?_count=7")
    assert bunt["total"] == len(forventet)
    assert "total" not in hent(client, "/fhir/HealthcareService?_total=none")


def test_query_count_does_not_grow_with_count(client: Client) -> None:
    def sporringer(antall: int) -> int:
        url = (
            f"/fhir/HealthcareService?_count={antall}&_include=HealthcareService:organization"
            "&_include=HealthcareService:location&_include=HealthcareService:coverage-area"
        )
        with CaptureQueriesContext(connection) as fanget:
            bunt = hent(client, url)
        assert len(treff(bunt)) == antall
        return len(fanget)

    assert sporringer(2) == sporringer(40)


def test_name_is_case_and_accent_aware_with_norwegian_letters(client: Client) -> None:
    org = Organisasjon.objects.filter(type="hf").first()
    TilbudFactory(navn="Ørebro-modellen for Émile", organisasjon=org)
    TilbudFactory(navn="Orebro uten streker", organisasjon=org)
    funnet = {r["name"] for r in treff(hent(client, "/fhir/HealthcareService?name=ØREBRO"))}
    assert funnet == {"Ørebro-modellen for Émile"}  # ø is a letter, not an o
    funnet = {
        r["name"] for r in treff(hent(client, f"/fhir/HealthcareService?name={quote('örebro')}"))
    }
    assert funnet == {"Ørebro-modellen for Émile"}  # Swedish ö is Norwegian ø
    funnet = {r["name"] for r in treff(hent(client, "/fhir/HealthcareService?name:contains=EMILE"))}
    assert funnet == {"Ørebro-modellen for Émile"}
    assert ider(hent(client, "/fhir/HealthcareService?name:exact=Orebro")) == []


def test_organization_partof_type_identifier_and_includes(client: Client) -> None:
    rhf = Organisasjon.objects.rhf().get(kode="HN")
    hf = set(Organisasjon.objects.filter(rhf=rhf).values_list("pk", flat=True))
    bunt = hent(
        client, f"/fhir/Organization?partof=Organization/{rhf.pk}&_include=Organization:partof"
    )
    assert {int(i.split("/")[1]) for i in ider(bunt)} == hf
    assert ider(bunt, "include") == [f"Organization/{rhf.pk}"]
    bunt = hent(client, f"/fhir/Organization?type={quote(kv.CS_ORGANISASJONSTYPE)}|rhf")
    assert len(treff(bunt)) == 4
    org = Organisasjon.objects.filter(type="hf").first()
    org.organisasjonsnummer = "983974899"
    org.save()
    bunt = hent(
        client, f"/fhir/Organization?identifier={quote(kv.ORGANISASJONSNUMMER_SYSTEM)}|983974899"
    )
    assert ider(bunt) == [f"Organization/{org.pk}"]
    bunt = hent(
        client, f"/fhir/Organization?_id={org.pk}&_revinclude=HealthcareService:organization"
    )
    assert {r["id"] for r in treff(bunt, "include")} == {
        str(i)
        for i in Tilbud.objects.synlige().filter(organisasjon=org).values_list("pk", flat=True)
    }


def test_healthcare_service_filters(client: Client) -> None:
    t = Tilbud.objects.synlige().filter(lokasjoner__isnull=False, organisasjon__type="hf").first()
    lok = t.lokasjoner.first()
    synlige = Tilbud.objects.synlige()

    def pk_er(url: str) -> set[int]:
        return {int(i.split("/")[1]) for i in _alle(client, url)}

    assert t.pk in pk_er(f"/fhir/HealthcareService?location=Location/{lok.pk}")
    assert pk_er(f"/fhir/HealthcareService?organization={t.organisasjon_id}") == set(
        synlige.filter(organisasjon_id=t.organisasjon_id).values_list("pk", flat=True)
    )
    assert pk_er(f"/fhir/HealthcareService?service-category={t.fagomrade}") == set(
        synlige.filter(fagomrade=t.fagomrade).values_list("pk", flat=True)
    )
    assert pk_er(
        f"/fhir/HealthcareService?specialty={quote(kv.CS_FAGOMRADE)}|{t.fagomrade}"
    ) == set(synlige.filter(fagomrade=t.fagomrade).values_list("pk", flat=True))
    from django.utils.text import slugify

    assert t.pk in pk_er(f"/fhir/HealthcareService?service-type={slugify(t.kategori)}")
    kommune = Opptaksomrade.objects.filter(helseforetak=t.organisasjon).first().kommune_id
    dekket = pk_er(f"/fhir/HealthcareService?coverage-area=Location/kommune-{kommune}")
    assert t.pk in dekket
    # Another HF's catchment is not covered by this HF's tilbud.
    annen = (
        Opptaksomrade.objects.exclude(helseforetak=t.organisasjon)
        .exclude(
            kommune_id__in=Opptaksomrade.objects.filter(helseforetak=t.organisasjon).values(
                "kommune_id"
            )
        )
        .first()
        .kommune_id
    )
    assert t.pk not in pk_er(f"/fhir/HealthcareService?coverage-area=Location/kommune-{annen}")
    assert pk_er(f"/fhir/HealthcareService?identifier={t.kilde_id}") == {t.pk}
    assert pk_er("/fhir/HealthcareService?active=false") == set()


def test_last_updated_prefixes(client: Client) -> None:
    t = Tilbud.objects.synlige().first()
    t.navn = "Nylig endret"
    t.save()
    for_ = quote((t.endret - timedelta(seconds=1)).isoformat())
    etter = quote((t.endret + timedelta(seconds=1)).isoformat())
    nylig = ider(hent(client, f"/fhir/HealthcareService?_lastUpdated=gt{for_}&_count=100"))
    assert f"HealthcareService/{t.pk}" in nylig
    assert f"HealthcareService/{t.pk}" not in ider(
        hent(client, f"/fhir/HealthcareService?_lastUpdated=lt{for_}&_count=100")
    )
    assert f"HealthcareService/{t.pk}" in ider(
        hent(
            client,
            f"/fhir/HealthcareService?_lastUpdated=ge{for_}&_lastUpdated=le{etter}&_count=100",
        )
    )
    idag = timezone.now().date().isoformat()
    assert f"HealthcareService/{t.pk}" in ider(
        hent(client, f"/fhir/HealthcareService?_lastUpdated=ge{idag}&_count=100")
    )


def test_sort_descending_by_name(client: Client) -> None:
    navn = [r["name"] for r in treff(hent(client, "/fhir/Organization?_sort=-name&_count=100"))]
    assert navn == sorted(navn, reverse=True) and len(navn) > 5


def test_location_near_address_city_and_organization(client: Client) -> None:
    bodo = Lokasjon.objects.filter(kommune_id="1804").first()
    assert bodo is not None
    naer = ider(hent(client, "/fhir/Location?near=67.28|14.40|20|km&_count=100"))
    assert f"Location/{bodo.pk}" in naer
    assert all(
        Lokasjon.objects.get(pk=i.split("/")[1]).kommune.fylke_id == bodo.kommune.fylke_id
        for i in naer
    )
    # Oslo is more than 800 km from Bodø.
    assert f"Location/{bodo.pk}" not in ider(
        hent(client, "/fhir/Location?near=59.91|10.75|800000|m&_count=100")
    )
    assert f"Location/{bodo.pk}" in ider(
        hent(client, f"/fhir/Location?address-city={quote('BODØ')}&_count=100")
    )
    bunt = hent(
        client,
        f"/fhir/Location?organization={bodo.organisasjon_id}&_include=Location:organization"
        "&_revinclude=HealthcareService:location",
    )
    assert f"Location/{bodo.pk}" in ider(bunt)
    assert f"Organization/{bodo.organisasjon_id}" in ider(bunt, "include")


def test_unknown_parameters_strict_and_lenient(client: Client) -> None:
    bunt = hent(client, "/fhir/Organization?foo=1&_count=2")
    selv = next(lenke["url"] for lenke in bunt["link"] if lenke["relation"] == "self")
    assert "foo" not in selv and "_count=2" in selv
    advarsel = treff(bunt, "outcome")
    assert advarsel[0]["issue"][0]["expression"] == ["foo"]
    utfall = hent(client, "/fhir/Organization?foo=1", status=400, Prefer="handling=strict")
    assert utfall["issue"][0]["code"] == "not-supported"
    assert utfall["issue"][0]["expression"] == ["foo"]


@pytest.mark.parametrize(
    "sporring",
    [
        "HealthcareService?_lastUpdated=gtigår",
        "HealthcareService?_count=0",
        "HealthcareService?_count=abc",
        "HealthcareService?_sort=kilde",
        "HealthcareService?_include=HealthcareService:nope",
        "HealthcareService?_total=maybe",
        "HealthcareService?active=kanskje",
        "HealthcareService?organization=Location/1",
        "Location?near=abc",
        "Location?near=67|14|5|miles",
        "Organization?_format=xml",
        "Endpoint?_sort=name",
    ],
)
def test_bad_values_are_400_operation_outcome(client: Client, sporring: str) -> None:
    utfall = hent(client, f"/fhir/{sporring}", status=400)
    assert utfall["issue"][0]["severity"] == "error"


def test_post_search_answers_as_get(client: Client) -> None:
    org = Tilbud.objects.synlige().first().organisasjon_id
    som_get = hent(client, f"/fhir/HealthcareService?organization={org}&_count=5")
    svar = client.post(
        "/fhir/HealthcareService/_search?_count=5",
        data=f"organization={org}",
        content_type="application/x-www-form-urlencoded",
    )
    assert svar.status_code == 200 and svar["Content-Type"].startswith("application/fhir+json")
    assert ider(svar.json()) == ider(som_get) != []
    feil = client.post(
        "/fhir/HealthcareService/_search", data="{}", content_type="application/json"
    )
    assert feil.status_code == 415 and feil.json()["resourceType"] == "OperationOutcome"


def test_anonymous_clients_share_a_quota_per_address_and_a_bad_key_is_401(settings) -> None:
    import uuid

    settings.API_ANONYM_STRUPING = "2/min"

    def adresse() -> str:  # fresh per run: the PostgreSQL run's Redis outlives the test
        return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"

    klient = Client(REMOTE_ADDR=adresse())
    for _ in range(2):
        hent(klient, "/fhir/metadata")
    svar = klient.get("/fhir/HealthcareService")
    assert svar.status_code == 429 and int(svar["Retry-After"]) > 0
    assert svar.json()["issue"][0]["code"] == "throttled"
    hent(Client(REMOTE_ADDR=adresse()), "/fhir/metadata")  # another address, own bucket
    utfall = hent(Client(), "/fhir/metadata", status=401, Authorization="Api-Key feil")
    assert utfall["issue"][0]["code"] == "login"


def test_chained_parameters_search_through_the_reference(client: Client) -> None:
    t = Tilbud.objects.synlige().filter(organisasjon__type="hf", lokasjoner__isnull=False).first()
    org = t.organisasjon
    via_id = set(_alle(client, f"/fhir/HealthcareService?organization={org.pk}"))
    via_navn = set(
        _alle(client, f"/fhir/HealthcareService?organization.name:exact={quote(org.navn)}")
    )
    assert via_navn == via_id != set()
    lok = t.lokasjoner.first()
    assert f"HealthcareService/{t.pk}" in _alle(
        client, f"/fhir/HealthcareService?location.name:exact={quote(lok.navn)}"
    )
    rhf = org.rhf
    under = set(_alle(client, f"/fhir/Organization?partof.name:exact={quote(rhf.navn)}"))
    assert f"Organization/{org.pk}" in under
    assert under == set(_alle(client, f"/fhir/Organization?partof={rhf.pk}"))
    # A chain through a reference the type does not have is an unknown parameter.
    hent(client, "/fhir/Organization?organization.name=x", status=400, Prefer="handling=strict")


def test_endpoint_search_by_organization(client: Client) -> None:
    t = Tilbud.objects.synlige().first()
    t.nettside = "https://example.no/et-tilbud"
    t.save()
    bunt = hent(
        client,
        f"/fhir/Endpoint?organization={t.organisasjon_id}&status=active"
        "&connection-type=nettside&_include=Endpoint:organization",
    )
    assert f"Endpoint/tilbud-{t.pk}-nettside" in ider(bunt)
    assert ider(bunt, "include") == [f"Organization/{t.organisasjon_id}"]
    assert ider(hent(client, f"/fhir/Endpoint?_id=tilbud-{t.pk}-nettside")) == [
        f"Endpoint/tilbud-{t.pk}-nettside"
    ]
    assert ider(hent(client, "/fhir/Endpoint?status=off")) == []


def test_active_and_status_tokens_match_all_or_nothing(client: Client) -> None:
    alle_org = hent(client, "/fhir/Organization?_count=1")["total"]
    assert hent(client, "/fhir/Organization?active=true")["total"] == alle_org > 0
    assert hent(client, "/fhir/Organization?active=false")["total"] == 0
    alle_steder = hent(client, "/fhir/Location?_count=1")["total"]
    assert hent(client, "/fhir/Location?status=active,inactive")["total"] == alle_steder > 0
    assert hent(client, "/fhir/Location?status=inactive")["total"] == 0


def test_coverage_area_search_agrees_with_the_coverage_area_shown(client: Client) -> None:
    """The SQL filter (sok._dekningsomrade) and the resource builder (ressurser.dekningsomrade)
    are two codings of one rule: HF catchment, else the region."""
    TilbudFactory(organisasjon=Organisasjon.objects.filter(type="privat").first())
    alle = {}
    url = "/fhir/HealthcareService?_count=100"
    while url:
        bunt = hent(client, url)
        alle.update(
            {r["id"]: {c["reference"] for c in r.get("coverageArea", [])} for r in treff(bunt)}
        )
        url = next((lenke["url"] for lenke in bunt["link"] if lenke["relation"] == "next"), "")
    for nummer in ("1804", "0301", "4601", "5001", "3403"):
        ref = f"Location/kommune-{nummer}"
        funnet = {
            i.split("/")[1] for i in _alle(client, f"/fhir/HealthcareService?coverage-area={ref}")
        }
        assert funnet == {tid for tid, omrade in alle.items() if ref in omrade}, nummer
        assert funnet, nummer
