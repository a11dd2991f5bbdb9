"""Look-up endpoints: kommuner, organisasjoner, målgrupper, diagnosekoder."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_kommune_detail_has_fylke_rhf_point_and_hf_area(api: APIClient) -> None:
    data = api.get("/api/v1/kommuner/1804/").json()
    assert data["navn"] == "Bodø"
    assert data["fylke"] == {"kode": "18", "navn": "Nordland"}
    assert data["rhf"]["kode"] == "HN"
    assert [o["helseforetak"] for o in data["opptaksomrader"]] == ["Nordlandssykehuset"]
    assert api.get("/api/v1/kommuner/9999/").status_code == 404


def test_oslo_is_split_by_bydel_between_four_hospitals(api: APIClient) -> None:
    data = api.get("/api/v1/kommuner/0301/").json()
    assert len(data["opptaksomrader"]) == 18
    assert {o["helseforetak"] for o in data["opptaksomrader"]} == {
        "Oslo universitetssykehus",
        "Lovisenberg Diakonale Sykehus",
        "Diakonhjemmet Sykehus",
        "Akershus universitetssykehus",
    }


def test_kommune_type_ahead_by_name_or_number(api: APIClient) -> None:
    navn = [k["navn"] for k in api.get("/api/v1/kommuner/", {"q": "bodø"}).json()["results"]]
    assert navn == ["Bodø"]
    nummer = api.get("/api/v1/kommuner/", {"q": "180"}).json()["results"]
    assert all(k["nummer"].startswith("180") for k in nummer) and nummer


def test_organisasjoner_by_type_and_region(api: APIClient) -> None:
    rhf = api.get("/api/v1/organisasjoner/", {"type": "rhf"}).json()
    assert sorted(o["kode"] for o in rhf["results"]) == ["HMN", "HN", "HSO", "HV"]
    hv = api.get(
        "/api/v1/organisasjoner/", {"rhf": "HV", "type": "privat", "page_size": 100}
    ).json()["results"]
    assert "Oppfølgingsenheten Frisk" in {o["navn"] for o in hv}
    assert api.get("/api/v1/organisasjoner/", {"type": "kommune"}).status_code == 400


def test_malgrupper_carry_their_code_ranges(api: APIClient) -> None:
    data = api.get("/api/v1/malgrupper/muskel-skjelett/").json()
    assert {"kodeverk": "ICD10", "fra": "M00", "til": "M99"} in data["koder"]


@pytest.mark.parametrize(
    ("q", "forste_kode", "malgruppe"),
    [
        ("F41.1", "F411", "psykiske-lidelser"),
        ("f411", "F411", "psykiske-lidelser"),
        ("L03", "L03", "muskel-skjelett"),
        ("korsrygg", "L03", "muskel-skjelett"),
        ("P76", "P76", "psykiske-lidelser"),
        ("angst", "P01", "psykiske-lidelser"),  # a word, not a code prefix
    ],
)
def test_diagnosekoder_type_ahead_resolves_codes_and_words(
    api: APIClient, q: str, forste_kode: str, malgruppe: str
) -> None:
    svar = api.get("/api/v1/diagnosekoder/", {"q": q})
    assert svar.status_code == 200
    forste = svar.json()["results"][0]
    assert forste["kode"] == forste_kode
    assert malgruppe in [m["slug"] for m in forste["malgrupper"]]


def test_diagnosekoder_words_keep_norwegian_letters(api: APIClient) -> None:
    koder = api.get("/api/v1/diagnosekoder/", {"q": "søvn", "page_size": 100}).json()["results"]
    titler = [k["tittel"] for k in koder]
    # Codes that give tilbud come first (tilbud.sok.dekning); within each group, titles with the
    # word as typed come first, synonyms (insomni) follow; nothing is folded.
    for gir_treff in (True, False):
        gruppe = [k["tittel"] for k in koder if k["gir_treff"] is gir_treff]
        med_ordet = [t for t in gruppe if "søvn" in t.lower()]
        assert gruppe[: len(med_ordet)] == med_ordet
    assert any("søvn" in t.lower() for t in titler)
    # "sovn" finds only titles spelled with o (Innsovnings…), never the ø of "søvn".
    uten_o = api.get("/api/v1/diagnosekoder/", {"q": "sovn", "page_size": 100}).json()["results"]
    assert all("sovn" in k["tittel"].lower() for k in uten_o)
    assert len(uten_o) < len(titler)


def test_diagnosekoder_bad_input(api: APIClient) -> None:
    assert api.get("/api/v1/diagnosekoder/", {"kodeverk": "ICD11"}).status_code == 400
    assert api.get("/api/v1/diagnosekoder/", {"q": "a" * 300}).status_code == 400
    assert "sok" in api.get("/api/v1/diagnosekoder/", {"sok": "x"}).json()


@pytest.mark.usefixtures("varme_referansedata")
def test_diagnosekoder_query_count_is_constant(api: APIClient, django_assert_num_queries) -> None:
    for storrelse in ("1", "25"):
        # count, page, målgrupper, which codes give tilbud (tilbud.sok.dekning); the catalogue
        # version (the in-memory reference tables)
        with django_assert_num_queries(5):
            api.get("/api/v1/diagnosekoder/", {"q": "L", "page_size": storrelse})
