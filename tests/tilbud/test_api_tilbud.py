"""`/api/v1/tilbud/`: each filter returns what a GP would expect on the real catalogue."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import TilbudFactory
from tilbud import referanse
from tilbud.models import Tilbud

pytestmark = pytest.mark.django_db
URL = "/api/v1/tilbud/"
NORDLAND_HIA = "s4_6_4_3_1"  # Nordlandssykehuset, HelseIArbeid-senteret Bodø


def kilde_ider(api: APIClient, **params: str) -> set[str]:
    svar = api.get(URL, {**params, "page_size": 100})
    assert svar.status_code == 200, svar.json()
    ider = [t["id"] for t in svar.json()["results"]]
    assert svar.json()["count"] == len(ider)
    return set(Tilbud.objects.filter(id__in=ider).values_list("kilde_id", flat=True))


def test_bodo_with_icpc2_l86_includes_nordlandssykehuset_helseiarbeid(api: APIClient) -> None:
    treff = kilde_ider(api, kommune="1804", diagnose="L86")
    assert NORDLAND_HIA in treff
    # Only Helse Nord tilbud serve Bodø, and only those for musculoskeletal problems.
    tilbud = Tilbud.objects.filter(kilde_id__in=treff)
    assert {t.rhf.kode for t in tilbud} == {"HN"}
    assert all(t.malgrupper.filter(slug="muskel-skjelett").exists() for t in tilbud)
    # KAPH (competence service for mental health and work) is not for back pain.
    assert "s4_6_4_3_2" not in treff


def test_postnummer_gives_the_same_as_its_kommune(api: APIClient) -> None:
    assert kilde_ider(api, postnummer="8006") == kilde_ider(api, kommune="1804")


def test_fylke_and_rhf_select_the_region(api: APIClient) -> None:
    nordland = kilde_ider(api, fylke="18", status="aktiv")
    assert len(nordland) == 9
    assert nordland == kilde_ider(api, rhf="HN", status="aktiv")
    assert len(kilde_ider(api, rhf="hso", status="aktiv")) == 33


def test_diagnosis_codes_are_accepted_as_gps_and_hospitals_type_them(api: APIClient) -> None:
    angst = kilde_ider(api, diagnose="F41.1")
    assert angst == kilde_ider(api, diagnose="f411") == kilde_ider(api, diagnose="F41")
    assert angst == kilde_ider(api, diagnose="P74")  # ICPC-2 angstlidelse, same målgruppe
    stavanger_psyk = kilde_ider(api, kommune="1103", diagnose="F41.1")
    assert "s4_6_2_5_1" in stavanger_psyk  # Helse Stavanger, Sola DPS
    assert "s4_6_2_5_2" not in stavanger_psyk  # Helse Stavanger's muskel/skjelett tilbud


def test_codes_outside_every_malgruppe_give_an_empty_answer_not_everything(
    api: APIClient,
) -> None:
    assert kilde_ider(api, diagnose="A03") == set()  # feber


def test_malgruppe_fagomrade_behandlingsform_and_words(api: APIClient) -> None:
    kreft = kilde_ider(api, malgruppe="kreft")
    assert "s4_6_1_4_1" in kreft  # Kreftrehabiliteringssenteret, Aker
    assert all(
        Tilbud.objects.get(kilde_id=k).malgrupper.filter(slug="kreft").exists() for k in kreft
    )
    arr = kilde_ider(api, fagomrade="arr")
    assert arr and all(Tilbud.objects.get(kilde_id=k).fagomrade == "arr" for k in arr)
    dogn = kilde_ider(api, behandlingsform="dogn")
    assert dogn and all(
        Tilbud.objects.get(kilde_id=k).behandlingsformer.filter(kode="dogn").exists() for k in dogn
    )
    assert "s4_6_2_2_1" in kilde_ider(api, q="eMeistring")


def test_filters_combine_with_and(api: APIClient) -> None:
    begge = kilde_ider(api, rhf="HV", fagomrade="psykisk-helsevern")
    assert begge == kilde_ider(api, rhf="HV") & kilde_ider(api, fagomrade="psykisk-helsevern")
    assert begge


def test_ended_tilbud_are_hidden_by_default_but_can_be_asked_for(api: APIClient) -> None:
    tilbud = Tilbud.objects.get(kilde_id=NORDLAND_HIA)
    tilbud.status, tilbud.avsluttet_dato = Tilbud.Status.AVSLUTTET, "2026-01-01"
    tilbud.save()
    assert NORDLAND_HIA not in kilde_ider(api, rhf="HN")
    assert NORDLAND_HIA in kilde_ider(api, rhf="HN", status="avsluttet")
    assert len(kilde_ider(api, status="alle")) == 70


def test_detail_shows_how_to_refer_and_the_source(api: APIClient) -> None:
    tilbud = Tilbud.objects.get(kilde_id="s4_6_9_3")
    data = api.get(f"{URL}{tilbud.id}/").json()
    assert data["navn"] == "Valnesfjord Helsesportsenter"
    assert data["ventetid"]["uker"] == 4
    assert data["ventetid"]["dato"] == "2020-12-01"
    assert data["kilde"] == "Evalueringsrapport 2021 (SINTEF/NTNU), avsnitt 4.6.9.3"
    assert data["henvisere"] == ["lege"]
    assert api.get(f"{URL}999999/").status_code == 404


@pytest.mark.parametrize(
    ("params", "parameter", "tekst"),
    [
        ({"kommune": "9999"}, "kommune", "Ingen kommune har nummer 9999"),
        ({"kommune": "18O4"}, "kommune", "Fant ingen kommune som heter «18O4»"),
        ({"kommune": "123"}, "kommune", "fire sifre"),
        ({"kommune": "Herøy"}, "kommune", "Herøy (Nordland) (1818)"),
        ({"alder": "-1"}, "alder", "0"),
        ({"alder": "tjue"}, "alder", "tall"),
        ({"postnummer": "0000"}, "postnummer", "finnes ikke"),
        ({"fylke": "1"}, "fylke", "to sifre"),
        ({"fylke": "99"}, "fylke", "Ingen fylke"),
        ({"rhf": "Helse Øst"}, "rhf", "Gyldige: HMN, HN, HSO, HV"),
        ({"diagnose": "xyzzy"}, "diagnose", "Fant ingen diagnose"),
        ({"diagnose": "Y99.9"}, "diagnose", "finnes verken i ICPC-2 eller ICD-10"),
        ({"diagnose": "' OR 1=1 --"}, "diagnose", "Fant ingen diagnose"),
        ({"malgruppe": "alt"}, "malgruppe", "Ukjent målgruppe"),
        ({"fagomrade": "kirurgi"}, "fagomrade", "gyldig valg"),
        ({"behandlingsform": "telefon"}, "behandlingsform", "Ukjent behandlingsform"),
        ({"q": "x" * 201}, "q", "200"),
        ({"q": "angst\x00"}, "q", ""),
        ({"status": "slettet"}, "status", "gyldig valg"),
        ({"kommun": "1804"}, "kommun", "Ukjent parameter"),
        ({"page": "abc"}, "page", "positivt heltall"),
        ({"page": "0"}, "page", "positivt heltall"),
        ({"alder": "null"}, "alder", "tall"),
        ({"alder": "7.5"}, "alder", "tall"),
        ({"page_size": "1000"}, "page_size", "fra 1 til 100"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(
    api: APIClient, params: dict[str, str], parameter: str, tekst: str
) -> None:
    svar = api.get(URL, params)
    assert svar.status_code == 400
    feil = svar.json()
    assert parameter in feil
    assert tekst in " ".join(feil[parameter])


@pytest.mark.parametrize(
    ("params", "postgres", "ellers"),
    [
        # PostgreSQL: count, page (of the search table) and the page's cards in one
        # statement. Elsewhere: count, page, the tilbud, their målgrupper, behandlingsformer,
        # sites and waiting times.
        ({}, 1, 7),
        # + the catalogue version, read once per request by the in-memory reference tables.
        ({"rhf": "HN", "diagnose": "L86"}, 2, 8),
        # + other regions' tilbud with a site in the kommune; PostgreSQL counts, ranks and
        # reads the page's cards in one statement. The kommune, the code, its målgrupper, the
        # own HF(s) and agreements come from the in-memory reference tables.
        ({"kommune": "1804", "diagnose": "L86"}, 3, 9),
        # Sorted by the shown waiting time (one subquery per row, in the same statement).
        ({"sorter": "ventetid", "maks_uker": "10"}, 1, 7),
        ({"kommune": "1804", "sorter": "ventetid"}, 3, 9),
    ],
)
def test_list_queries_do_not_grow_with_page_size(
    api: APIClient, django_assert_num_queries, params: dict[str, str], postgres: int, ellers: int
) -> None:
    TilbudFactory.create_batch(30)  # more rows than the largest page
    referanse.referanse()  # in memory, as in a running worker (new providers reloaded it)
    sporringer = postgres if connection.vendor == "postgresql" else ellers
    for storrelse in ("1", "25"):
        with django_assert_num_queries(sporringer):
            svar = api.get(URL, {**params, "page_size": storrelse})
        assert svar.status_code == 200
        assert len(svar.json()["results"]) == min(int(storrelse), svar.json()["count"])


def test_detail_queries_are_constant(api: APIClient, django_assert_num_queries) -> None:
    tilbud = Tilbud.objects.get(kilde_id="s4_6_1_12_1")  # six sites
    with django_assert_num_queries(5):  # the tilbud, målgrupper, forms, waiting times, sites
        assert api.get(f"{URL}{tilbud.id}/").status_code == 200


@pytest.mark.parametrize("kommune", [None, "1804", "0301"])
def test_the_fast_result_card_equals_the_declared_serializer(kommune: str | None) -> None:
    # The search builds its cards from plain values (selectors.kortdata_for_treff +
    # serializers.resultatkort) for speed; DRF's field-by-field path of the declared serializer
    # (which the OpenAPI schema documents) over the model instance must give exactly the same.
    from tilbud.api.serializers import TilbudListeSerializer
    from tilbud.models import Kommune
    from tilbud.selectors import tilbud_qs
    from tilbud.sok.kort import kortdata_for_treff, resultatkort

    pasientkommune = Kommune.objects.get(nummer=kommune) if kommune else None
    alle = list(tilbud_qs())  # with their relations, for DRF's path
    if kommune:
        for rang, tilbud in enumerate(alle):
            tilbud.niva_rang = rang % 4 + 1
    serializer = TilbudListeSerializer(context={"pasientkommune": pasientkommune})
    raske = [resultatkort(kort, pasientkommune) for kort in kortdata_for_treff(alle)]
    assert len(raske) == len(alle)
    for tilbud, rask in zip(alle, raske, strict=True):
        generell = serializer.to_representation(tilbud)
        assert rask == generell, tilbud.kilde_id
        assert list(rask) == list(generell)
    assert any(t.ventetid_tekst for t in alle) and any(not t.ventetid_tekst for t in alle)
    assert any(len(t.lokasjoner.all()) > 1 for t in alle)
    assert any(len(t.malgrupper.all()) > 1 for t in alle)


def test_the_one_statement_card_values_equal_the_orm_ones() -> None:
    # PostgreSQL reads a page's card values in one statement (JSON built in the database);
    # every other database through the ORM. Both must give the same values, lists in order.
    from tilbud.sok import kort as selectors

    if connection.vendor != "postgresql":
        pytest.skip("the one-statement read is PostgreSQL's")
    ider = list(Tilbud.objects.values_list("id", flat=True))
    en_setning = sorted(selectors._kortdata_postgres(ider), key=lambda r: r["id"])
    orm = sorted(selectors.kortdata(ider), key=lambda r: r["id"])
    assert en_setning == orm
    assert len(orm) == len(ider) > 60
