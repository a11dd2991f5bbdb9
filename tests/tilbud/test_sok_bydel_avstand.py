"""Oslo's bydel in the search (its own hospital first), a kommune and a postnummer that disagree,
and distance within a tier (own kommune first, a tilbud without a site stated and placed), on
the real catalogue and real kommuner. Both backends: the ORM ranking (SQLite) and the search
table's tier-by-tier page (PostgreSQL)."""

import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import LokasjonFactory, OrganisasjonFactory, TilbudFactory
from tilbud.models import Malgruppe, Organisasjon
from tilbud.sok.rangering import AVSTAND_UKJENT_KM

pytestmark = pytest.mark.django_db
URL = "/api/v1/tilbud/"


def sok(api: APIClient, **params: str) -> dict:
    svar = api.get(URL, {"page_size": 100, **params})
    assert svar.status_code == 200, svar.json()
    return svar.json()


def egne(svar: dict) -> set[str]:
    return {t["organisasjon"]["navn"] for t in svar["results"] if t["niva"]["kode"] == "eget_hf"}


@pytest.mark.parametrize(
    ("bydel", "sykehus"),
    [
        ("030111", "Akershus universitetssykehus"),  # Stovner
        ("Stovner", "Akershus universitetssykehus"),
        ("030105", "Diakonhjemmet Sykehus"),  # Frogner
        ("grunerlokka", "Lovisenberg Diakonale Sykehus"),  # Grünerløkka, typed without accents
        ("GRÜNERLØKKA", "Lovisenberg Diakonale Sykehus"),
        ("bydel St.Hanshaugen", "Lovisenberg Diakonale Sykehus"),
        ("Søndre Nordstrand", "Oslo universitetssykehus"),
        ("sondre nordstrand", "Oslo universitetssykehus"),
    ],
)
def test_the_bydels_own_hospital_ranks_first_as_ditt_helseforetak(
    api: APIClient, bydel: str, sykehus: str
) -> None:
    svar = sok(api, kommune="Oslo", bydel=bydel)
    forste = svar["results"][0]
    assert forste["organisasjon"]["navn"] == sykehus
    assert forste["niva"] == {"kode": "eget_hf", "navn": "Ditt helseforetak"}
    # Only that hospital is the patient's own; the other Oslo hospitals come after it.
    assert egne(svar) == {sykehus}
    assert svar["rangert_etter"] == "bydel" and svar["rangering_merknad"] is None


def test_a_bydel_alone_means_an_oslo_patient(api: APIClient) -> None:
    med_kommune = sok(api, kommune="0301", bydel="030111")
    alene = sok(api, bydel="030111")
    assert [t["id"] for t in alene["results"]] == [t["id"] for t in med_kommune["results"]]
    assert alene["rangert_etter"] == "bydel"
    # An Oslo postnummer agrees with an Oslo bydel.
    assert sok(api, postnummer="0150", bydel="030111")["results"][0]["organisasjon"]["navn"] == (
        "Akershus universitetssykehus"
    )


def test_the_label_is_the_same_as_for_any_other_kommune(api: APIClient) -> None:
    bodo = sok(api, kommune="1804")
    assert bodo["results"][0]["niva"] == {"kode": "eget_hf", "navn": "Ditt helseforetak"}
    assert bodo["rangert_etter"] == "kommune" and bodo["rangering_merknad"] is None


def test_oslo_without_a_bydel_says_the_order_is_not_by_bydel(api: APIClient) -> None:
    svar = sok(api, kommune="0301")
    assert svar["rangert_etter"] == "kommune"
    assert "ikke etter bydel" in svar["rangering_merknad"]
    assert len(egne(svar)) == 4  # every hospital with catchment in Oslo, none called «Ditt»
    assert {t["niva"]["navn"] for t in svar["results"] if t["niva"]["kode"] == "eget_hf"} == {
        "Sykehus med opptaksområde i Oslo (velg bydel for pasientens eget)"
    }
    # By postnummer too: an Oslo postnummer is Oslo without a bydel.
    assert "ikke etter bydel" in sok(api, postnummer="0150")["rangering_merknad"]
    assert sok(api, diagnose="L86")["rangert_etter"] is None


@pytest.mark.parametrize(
    ("params", "felt", "ord_"),
    [
        ({"bydel": "Atlantis"}, "bydel", ["Atlantis", "030111"]),
        ({"bydel": "030150"}, "bydel", ["030150"]),
        ({"kommune": "Bodø", "bydel": "030111"}, "bydel", ["Stovner", "Bodø"]),
        ({"postnummer": "8006", "bydel": "Frogner"}, "bydel", ["Frogner", "Bodø"]),
    ],
)
def test_a_bad_bydel_is_a_400_with_a_field_message(
    api: APIClient, params: dict, felt: str, ord_: list[str]
) -> None:
    svar = api.get(URL, params)
    assert svar.status_code == 400
    melding = " ".join(svar.json()[felt])
    for o in ord_:
        assert o in melding


def test_a_kommune_and_a_postnummer_that_disagree_are_a_400_naming_both(api: APIClient) -> None:
    svar = api.get(URL, {"kommune": "Bodø", "postnummer": "0150", "diagnose": "L86"})
    assert svar.status_code == 400
    feil = svar.json()
    assert set(feil) == {"kommune", "postnummer"}
    for melding in (feil["kommune"][0], feil["postnummer"][0]):
        assert "Bodø" in melding and "0150" in melding
    # Agreeing ones are a search.
    assert sok(api, kommune="Oslo", postnummer="0150")["count"] > 0


def test_the_page_names_both_and_shows_the_bydel_choice_for_oslo(client: Client) -> None:
    motsier = client.get("/", {"kommune": "Bodø", "postnummer": "0150"})
    assert motsier.status_code == 400
    html = motsier.content.decode()
    assert re.search(r'id="feil_kommune">[^<]*Bodø[^<]*0150', html)
    assert re.search(r'id="feil_postnummer">[^<]*Bodø[^<]*0150', html)
    assert '<div class="tomt" id="tomt" hidden>' in html  # no «Ingen tilbud» answer shown

    def bydelvalg(html: str) -> str:
        return re.search(r'<div class="felt felt-bydel"[^>]*>', html).group(0)

    # Without JavaScript: the choice is there when the kommune is Oslo, hidden otherwise.
    oslo = client.get("/", {"kommune": "0301"}).content.decode()
    assert "hidden" not in bydelvalg(oslo)
    assert '<option value="030111">Stovner</option>' in oslo
    assert "030199" not in oslo  # «Uoppgitt bydel» is the empty choice, not an option
    assert "ikke etter bydel" in re.search(r'id="rangering-merknad"[^>]*>([^<]*)', oslo).group(1)
    bodo = client.get("/", {"kommune": "1804"}).content.decode()
    assert "hidden" in bydelvalg(bodo)
    assert re.search(r'id="rangering-merknad" hidden>', bodo)
    valgt = client.get("/", {"kommune": "Oslo", "bydel": "030111"}).content.decode()
    assert '<option value="030111" selected>Stovner</option>' in valgt
    navngitt = client.get("/", {"kommune": "Oslo", "bydel": "søndre nordstrand"}).content.decode()
    assert '<option value="030115" selected>Søndre Nordstrand</option>' in navngitt
    assert re.search(r'id="rangering-merknad" hidden>', valgt)


@pytest.fixture
def likt_treff_i_nordland() -> dict[str, int]:
    """Four tilbud of one Helse Nord provider with no agreement (the «rest of the region» tier
    for a Bodø patient), all matching every målgruppe alike, with real kommuner:
    one with a site in Bodø and two in Finnmark (its mean point is ~500 km from Bodø), one in
    Fauske (~50 km), one in Vefsn (~175 km) and one without any site."""
    hn = Organisasjon.objects.get(kode="HN")
    org = OrganisasjonFactory(navn="Likt treff AS")
    alle = list(Malgruppe.objects.all())
    steder = {
        "Zeta, også i Bodø": ["1804", "5603", "5605"],
        "Alfa i Vefsn": ["1824"],
        "Beta i Fauske": ["1841"],
        "Gamma uten sted": [],
    }
    ider = {}
    for navn, kommuner in steder.items():
        tilbud = TilbudFactory(organisasjon=org, rhf=hn, navn=navn, malgrupper=alle)
        for kommune in kommuner:
            tilbud.lokasjoner.add(LokasjonFactory(organisasjon=org, kommune_id=kommune))
        ider[navn] = tilbud.pk
    return ider


def test_equal_matches_are_ordered_by_distance_own_kommune_first_unknown_stated(
    api: APIClient, client: Client, likt_treff_i_nordland: dict[str, int]
) -> None:
    svar = sok(api, kommune="Bodø", diagnose="L86")
    vare = {t["id"]: t for t in svar["results"] if t["id"] in likt_treff_i_nordland.values()}
    rekkefolge = [t["navn"] for t in svar["results"] if t["id"] in vare]
    # The provider in the patient's own kommune never ranks below the one 175 km away; the one
    # without a site comes after those within AVSTAND_UKJENT_KM and before those beyond it.
    assert rekkefolge == ["Zeta, også i Bodø", "Beta i Fauske", "Gamma uten sted", "Alfa i Vefsn"]
    assert {t["niva"]["kode"] for t in vare.values()} == {"regionen"}
    km = {t["navn"]: t["avstand_km"] for t in vare.values()}
    assert km["Zeta, også i Bodø"] == 0.0
    assert km["Beta i Fauske"] < AVSTAND_UKJENT_KM < km["Alfa i Vefsn"]
    assert 170 <= km["Alfa i Vefsn"] <= 180
    assert km["Gamma uten sted"] is None
    # The card says so, on the page as in the API.
    html = client.get("/", {"kommune": "Bodø", "diagnose": "L86"}).content.decode()
    kort = re.search(r"Gamma uten sted</a></h3>.*?</dl>", html, re.S).group(0)
    assert "avstand ukjent" in kort
    assert "avstand ukjent" not in re.search(r"Alfa i Vefsn</a></h3>.*?</dl>", html, re.S).group(0)


def test_the_schema_documents_bydel_and_what_the_order_is_by() -> None:
    ut = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=ut)
    schema = yaml.safe_load(ut.getvalue())
    parametere = {p["name"]: p for p in schema["paths"][URL]["get"]["parameters"]}
    assert "030111" in parametere["bydel"]["description"]
    svar = schema["components"]["schemas"]["PaginatedTilbudListeList"]["properties"]
    # drf-spectacular moves the enum into a component, null beside it.
    verdier = set()
    for ref in svar["rangert_etter"]["oneOf"]:
        navn = ref["$ref"].rsplit("/", 1)[1]
        verdier |= set(schema["components"]["schemas"][navn]["enum"])
    assert verdier == {"bydel", "kommune", None}
    assert svar["rangering_merknad"]["nullable"] is True
