"""The GP search: words for diagnoses, kommune names, ranking by tier and distance, Norwegian
text search (typos and prefixes on PostgreSQL), capped counts and empty answers."""

import re

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import TilbudFactory
from tilbud.models import Tilbud
from tilbud.visning import ferskhet, henvisning_kort

pytestmark = pytest.mark.django_db
URL = "/api/v1/tilbud/"


@pytest.fixture
def kun_postgres() -> None:
    # CI runs the suite on PostgreSQL too; SQLite has only the simpler substring fallback.
    if connection.vendor != "postgresql":
        pytest.skip("full-text and trigram search need PostgreSQL")


def sok(api: APIClient, **params: str) -> dict:
    svar = api.get(URL, {"page_size": 100, **params})
    assert svar.status_code == 200, svar.json()
    return svar.json()


def alle_ider(api: APIClient, **params: str) -> set[int]:
    """The ids of every hit, all pages."""
    ider: set[int] = set()
    side = 1
    while True:
        svar = sok(api, page=str(side), **params)
        ider |= {t["id"] for t in svar["results"]}
        if not svar.get("next"):
            return ider
        side += 1


def navn(svar: dict) -> list[str]:
    return [t["navn"] for t in svar["results"]]


def test_gp_in_bodo_with_l86_gets_the_local_helseiarbeid_centre_first(api: APIClient) -> None:
    svar = sok(api, kommune="Bodø", diagnose="L86")
    forste = svar["results"][0]
    assert forste["navn"] == "Muskel/skjelett og psykisk helse - HelseIArbeid-senteret (Bodø)"
    assert forste["niva"]["kode"] == "eget_hf"
    assert forste["avstand_km"] == 0.0
    # Then private providers with an agreement with Helse Nord, nearest first.
    nivaer = [t["niva"]["kode"] for t in svar["results"]]
    assert nivaer == sorted(nivaer, key=["eget_hf", "avtale", "regionen", "utenfor"].index)
    avtaler = [t for t in svar["results"] if t["niva"]["kode"] == "avtale"]
    avstander = [t["avstand_km"] for t in avtaler if t["avstand_km"] is not None]
    assert avstander == sorted(avstander) and len(avstander) >= 2


def test_oslo_patients_rank_the_hospitals_of_all_bydel_areas_as_their_own(api: APIClient) -> None:
    svar = sok(api, kommune="0301", diagnose="F41.1")
    egne = {t["organisasjon"]["navn"] for t in svar["results"] if t["niva"]["kode"] == "eget_hf"}
    assert "Lovisenberg Diakonale Sykehus" in egne and "Sykehuset Innlandet" not in egne


@pytest.mark.parametrize(
    ("ord_", "malgruppe"),
    [
        ("korsrygg", "muskel-skjelett"),
        ("skulder", "muskel-skjelett"),
        ("angst", "psykiske-lidelser"),
        ("utbrent", "psykiske-lidelser"),  # synonym → nevrasteni (ICPC-2 P78)
        ("hodepine", "hodepine"),
    ],
)
def test_diagnosis_words_find_the_right_malgruppe(
    api: APIClient, ord_: str, malgruppe: str
) -> None:
    svar = sok(api, diagnose=ord_)
    assert svar["count"] > 0
    assert all(
        malgruppe in [m["slug"] for m in t["malgrupper"]] or t["malgrupper"]
        for t in svar["results"]
    )
    ider = {t["id"] for t in svar["results"]}
    assert ider & set(
        Tilbud.objects.filter(malgrupper__slug=malgruppe).values_list("id", flat=True)
    )


def test_stavanger_angst_finds_helse_stavangers_psykisk_helsevern(api: APIClient) -> None:
    svar = sok(api, kommune="Stavanger", diagnose="angst")
    assert svar["results"][0]["navn"] == "Psykisk helsevern – behandlingstilbud Sola DPS"


def test_kommune_by_multilingual_name_and_postnummer(api: APIClient) -> None:
    assert navn(sok(api, kommune="Karasjok")) == navn(sok(api, kommune="5610"))
    assert navn(sok(api, kommune="tromsø")) == navn(sok(api, postnummer="9008"))


def test_age_filter_keeps_unknown_limits_and_drops_those_outside(api: APIClient) -> None:
    tiller = "Arbeidsrettet behandling – Poliklinikk for unge voksne (Tiller DPS)"
    assert tiller in navn(sok(api, alder="22"))  # 18–25 år
    assert tiller not in navn(sok(api, alder="40"))
    ukjent = Tilbud.objects.filter(alder_fra__isnull=True, alder_til__isnull=True).first()
    assert ukjent.navn in navn(sok(api, alder="40", rhf=ukjent.rhf.kode))


def _soketekst(tilbud: Tilbud) -> str:
    """Everything either database's text search looks at for a tilbud, lower case."""
    deler = [
        tilbud.sokeord,
        tilbud.navn,
        tilbud.organisasjon.navn,
        tilbud.kategori,
        tilbud.malgruppe_tekst,
        tilbud.innhold,
        tilbud.behandlingsform_tekst,
        str(tilbud.diagnoser),
        str(tilbud.deltilbud),
        *(m.navn for m in tilbud.malgrupper.all()),
    ]
    return " ".join(deler).lower()


@pytest.mark.parametrize(
    ("ord_", "synonym"),
    [("korsrygg", "rygg"), ("utbrent", "stress"), ("sykmeldt", "sykefravær")],
)
def test_words_use_the_synonym_table(api: APIClient, ord_: str, synonym: str) -> None:
    # Tilbud that only the synonym can find: the synonym starts a word of their text, the typed
    # word is nowhere in it (not even inside a word, so no prefix or stem of it either). Without
    # the synonym table a search for the typed word misses them. ("nakke/rygg" does not count:
    # PostgreSQL's parser reads it as one path-like token, so "rygg:*" does not match it there.)
    bare_synonymet = {
        t.id
        for t in Tilbud.objects.filter(id__in=alle_ider(api, q=synonym))
        if re.search(rf"(?<![\w/]){synonym}", _soketekst(t)) and ord_ not in _soketekst(t)
    }
    assert bare_synonymet, f"the catalogue has no tilbud with «{synonym}» but without «{ord_}»"
    assert bare_synonymet <= alle_ider(api, q=ord_)


def test_norwegian_letters_are_not_folded(api: APIClient) -> None:
    assert sok(api, q="søvn")["count"] > 0
    assert sok(api, q="sovn")["count"] == 0


@pytest.mark.usefixtures("kun_postgres")
def test_typos_and_partial_words_still_match_on_postgresql(api: APIClient) -> None:
    depresjon = set(navn(sok(api, q="depresjon")))
    assert depresjon
    assert set(navn(sok(api, q="depresjom"))) & depresjon
    # A word cut short still finds the tilbud named with the whole word.
    nakk = navn(sok(api, q="nakk"))
    med_nakke_i_navnet = list(
        Tilbud.objects.aktive().filter(navn__icontains="nakke").values_list("navn", flat=True)
    )
    assert med_nakke_i_navnet and set(med_nakke_i_navnet) <= set(nakk)


@pytest.mark.usefixtures("kun_postgres")
def test_full_text_ranks_name_matches_above_body_matches(api: APIClient) -> None:
    svar = sok(api, q="kreft")
    assert "Kreft" in svar["results"][0]["navn"]


def test_odd_input_is_answered_not_crashed(api: APIClient) -> None:
    # Text that looks like SQL or tsquery syntax is just words.
    for tekst in ["'; DROP TABLE tilbud_tilbud; --", "angst & | ! :*", "ø" * 200, "rygg's"]:
        svar = api.get(URL, {"q": tekst})
        assert svar.status_code == 200, (tekst, svar.json())
    # Text with no words, or with invisible characters, is a clear 400.
    for tekst, melding in [("💥💥", "minst ett ord"), ("rygg\u202e", "usynlige tegn")]:
        svar = api.get(URL, {"q": tekst})
        assert svar.status_code == 400
        assert melding in svar.json()["q"][0]


def test_diagnosis_type_ahead_understands_synonyms(api: APIClient) -> None:
    koder = api.get("/api/v1/diagnosekoder/", {"q": "utbrent"}).json()["results"]
    assert "P78" in [k["kode"] for k in koder]  # Nevrasteni


def test_empty_answer_says_what_removed_everything_and_offers_a_relaxation(
    api: APIClient,
) -> None:
    svar = sok(api, fylke="56", diagnose="hodepine")
    assert svar["count"] == 0
    assert svar["tomt_svar"]["melding"] == "Ingen tilbud for «hodepine» i Finnmark."
    forslag = svar["tomt_svar"]["forslag"]
    assert forslag[0]["parametere"] == {"diagnose": "hodepine", "page_size": "100"}
    assert forslag[0]["tekst"] == f"{forslag[0]['antall']} tilbud for «hodepine» i hele landet"
    # The suggestion is a real search with that many results.
    assert sok(api, **forslag[0]["parametere"])["count"] == forslag[0]["antall"]
    assert sok(api, rhf="HN")["tomt_svar"] is None


def test_count_is_capped_at_1000(api: APIClient, django_assert_max_num_queries) -> None:
    TilbudFactory.create_batch(1000)
    svar = api.get(URL, {"status": "alle", "page_size": 1}).json()
    assert svar["count"] == 1000 and svar["count_er_minst"] is True
    assert api.get(URL, {"rhf": "HV"}).json()["count_er_minst"] is False


@pytest.mark.usefixtures("varme_referansedata")
def test_ranked_search_query_count_does_not_grow_with_page_size(
    api: APIClient, django_assert_num_queries, django_assert_max_num_queries
) -> None:
    params = {"kommune": "Bodø", "diagnose": "korsrygg", "q": "arbeid"}
    # PostgreSQL adds one look-up per word (is it a known word or a typo?).
    with django_assert_max_num_queries(16) as forste:
        api.get(URL, {**params, "page_size": 1})
    with django_assert_num_queries(len(forste)):
        api.get(URL, {**params, "page_size": 25})


def test_staleness_badge_follows_the_settings(settings) -> None:
    from datetime import date

    settings.FERSKHET_ELDRE_MANEDER, settings.FERSKHET_GAMMEL_MANEDER = 12, 24
    idag = date(2026, 11, 24)
    assert ferskhet(date(2026, 5, 1), idag=idag)["kode"] == "fersk"
    assert ferskhet(date(2025, 6, 1), idag=idag)["kode"] == "eldre"
    assert ferskhet(date(2020, 12, 1), idag=idag)["kode"] == "gammel"


def test_how_to_refer_in_one_line() -> None:
    assert henvisning_kort(Tilbud.objects.get(kilde_id="s4_6_6_1")).startswith(
        "Send henvisning til regional vurderingsenhet (RKE/RVE)"
    )
    assert henvisning_kort(Tilbud.objects.get(kilde_id="s4_6_4_3_1")) == (
        "Send henvisning til Nordlandssykehuset."
    )
    # Helse Nord: private providers get their patients through the HF's HelseIArbeid clinics.
    assert henvisning_kort(Tilbud.objects.get(kilde_id="s4_6_9_4")).startswith(
        "Send henvisning til helseforetaket"
    )


def test_a_site_in_the_kommune_brings_in_a_tilbud_from_another_region(api: APIClient) -> None:
    from tilbud.models import Lokasjon

    bodo_tilbud = {t["id"] for t in sok(api, kommune="1804")["results"]}
    annen_region = Tilbud.objects.aktive().exclude(rhf__kode="HN").first()
    assert annen_region.pk not in bodo_tilbud
    felles = Lokasjon.objects.get(navn="Bodø", organisasjon__navn="Nordlandssykehuset")
    annen_region.lokasjoner.add(felles)  # a site shared with a Helse Nord tilbud
    svar = sok(api, kommune="1804")
    treff = {t["id"]: t for t in svar["results"]}
    assert annen_region.pk in treff
    assert treff[annen_region.pk]["niva"]["kode"] == "utenfor"


def test_searches_built_side_by_side_keep_their_own_filters() -> None:
    # Each FilterSet gets its own copies of the filters (shallow: tilbud.filters._BilligKopi),
    # each method bound to its own FilterSet, so interleaved searches cannot mix.
    from django.http import QueryDict

    from tilbud.sok.filtre import TilbudFilter

    nord = TilbudFilter(QueryDict("rhf=HN&alder=30"))
    vest = TilbudFilter(QueryDict("rhf=HV&fagomrade=psykisk-helsevern"))
    assert nord.filters["rhf"] is not vest.filters["rhf"]
    assert nord.filters["rhf"].filter.f.parent is nord
    assert vest.filters["rhf"].filter.f.parent is vest
    assert nord.is_valid() and vest.is_valid()
    assert {t.rhf.kode for t in vest.qs} == {"HV"} and {t.rhf.kode for t in nord.qs} == {"HN"}
    assert {t.fagomrade for t in vest.qs} == {"psykisk-helsevern"}
    assert TilbudFilter.base_filters["rhf"].extra is not nord.filters["rhf"].extra
