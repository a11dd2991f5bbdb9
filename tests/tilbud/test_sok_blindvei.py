"""Issue 13, «Search never ends in a silent dead end», on both databases: a typo finds what the
right word finds and says so, the diagnosis type-ahead puts codes that give tilbud first and
marks the others, a code that no tilbud serves gets a reason and the nearest målgruppe search,
and «Til søket» on a tilbud page returns to the same search."""

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import OrganisasjonFactory, TilbudFactory
from tilbud.models import Malgruppe, MalgruppeKode, Tilbud
from tilbud.services import sokevokter

pytestmark = pytest.mark.django_db

URL = "/api/v1/tilbud/"
KODER = "/api/v1/diagnosekoder/"


def sok(api: APIClient, **params: str) -> dict[str, Any]:
    svar = api.get(URL, {"page_size": 100, **params})
    assert svar.status_code == 200, svar.content[:300]
    return svar.json()


def navn(svar: dict[str, Any]) -> set[str]:
    return {t["navn"] for t in svar["results"]}


def ordliste() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ord FROM tilbud_sokeordliste")
        return {rad[0] for rad in cursor.fetchall()}


# --------------------------------------------------------------------------- typo tolerance


def test_a_typo_finds_the_depression_tilbud_and_says_what_it_searched(api: APIClient) -> None:
    riktig = sok(api, q="depresjon")
    assert riktig["count"] > 0 and riktig["skrivefeil"] is None
    feil = sok(api, q="depresjom")
    assert navn(feil) & navn(riktig)
    assert feil["skrivefeil"]["sokt"] == "depresjom"
    assert feil["skrivefeil"]["viser"] == "depresjon"
    assert feil["skrivefeil"]["rettet"]["depresjom"][0] == "depresjon"

    side = api.get("/", {"q": "depresjom"})
    assert "Viser treff for «depresjon» (du skrev «depresjom»)." in side.content.decode()


def test_a_typo_among_right_words_keeps_the_right_words(api: APIClient) -> None:
    svar = sok(api, q="arbeidsrettet depresjom")
    assert svar["count"] > 0
    assert svar["skrivefeil"]["viser"] == "arbeidsrettet depresjon"


def test_a_word_close_to_no_catalogue_word_is_not_guessed(api: APIClient) -> None:
    svar = sok(api, q="xqzvwkj")
    assert svar["count"] == 0 and svar["skrivefeil"] is None
    # Norwegian letters are not folded: «sovn» is not taken for «søvn».
    assert sok(api, q="sovn")["skrivefeil"] is None


def test_a_new_tilbuds_words_are_corrected_towards_at_once(api: APIClient) -> None:
    """The vocabulary follows every write (the keeper's triggers): a word that came with a new
    tilbud is known at the next search, and a typo of it finds the tilbud."""
    assert sok(api, q="zyklopterapi")["count"] == 0  # loads the vocabulary, as a worker has it
    TilbudFactory(
        organisasjon=OrganisasjonFactory(navn="Fjordklinikken"),
        navn="Zyklopterapi for nakke",
        malgrupper=[Malgruppe.objects.get(slug="muskel-skjelett")],
    )
    svar = sok(api, q="zyklopterapo")
    assert navn(svar) == {"Zyklopterapi for nakke"}
    assert svar["skrivefeil"]["viser"] == "zyklopterapi"


def test_the_kept_vocabulary_equals_a_rebuild_from_scratch() -> None:
    for_ = ordliste()
    TilbudFactory(navn="Ordlisteprøve tilbud", innhold="Helt nye ordlisteord her.")
    holdt = ordliste()
    assert len(holdt - for_) >= 2, "the new tilbud's words are in the vocabulary at once"
    sokevokter.bygg_pa_nytt()
    assert ordliste() == holdt


def test_the_vocabulary_is_read_once_and_again_only_when_it_changes(api: APIClient) -> None:
    """SQLite keeps the vocabulary in memory, keyed on the word list; PostgreSQL never reads it
    whole (pg_trgm searches it in the database)."""
    helt = "FROM tilbud_sokeordliste ORDER BY"
    sok(api, q="depresjom")
    with CaptureQueriesContext(connection) as andre:
        sok(api, q="depresjom")
    assert not [q for q in andre.captured_queries if helt in q["sql"]]
    TilbudFactory(navn="Kvernsteinterapi")
    with CaptureQueriesContext(connection) as etter_endring:
        svar = sok(api, q="kvernsteinterapo")
    assert navn(svar) == {"Kvernsteinterapi"}
    if connection.vendor == "sqlite":
        assert [q for q in etter_endring.captured_queries if helt in q["sql"]]


# ---------------------------------------------------------------------- diagnosis type-ahead


def forslag(api: APIClient, **params: str) -> list[dict[str, Any]]:
    svar = api.get(KODER, {"page_size": 20, **params})
    assert svar.status_code == 200, svar.content[:300]
    return svar.json()["results"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "P7"},
        {"q": "utbrent"},
        {"q": "C5", "kommune": "Vardø"},
        {"q": "P7", "kommune": "1804"},
        {"q": "L8", "rhf": "HN"},
    ],
)
def test_the_type_ahead_puts_codes_that_give_tilbud_first_and_marks_the_others(
    api: APIClient, params: dict[str, str]
) -> None:
    koder = forslag(api, **params)
    assert koder
    sted = {k: v for k, v in params.items() if k != "q"}
    for kode in koder:
        # The mark says what the search would answer there for the code's målgrupper (for
        # this code list: L80 is a back problem in ICPC-2 and vitiligo in ICD-10).
        antall = [
            sok(api, malgruppe=m["slug"], page_size="1", **sted)["count"]
            for m in kode["malgrupper"]
        ]
        assert kode["gir_treff"] == any(antall), (kode["visningskode"], antall)
    merker = [k["gir_treff"] for k in koder]
    assert merker == sorted(merker, reverse=True), "codes without tilbud come last"


def test_schizophrenia_is_suggested_but_marked_and_after_depression(api: APIClient) -> None:
    koder = {k["visningskode"]: (i, k["gir_treff"]) for i, k in enumerate(forslag(api, q="P7"))}
    assert koder["P76"][1] is True and koder["P72"][1] is False
    assert koder["P76"][0] < koder["P72"][0]


def test_breast_cancer_gives_tilbud_in_the_country_but_not_in_vardo(api: APIClient) -> None:
    (landet,) = [k for k in forslag(api, q="C50.9") if k["visningskode"] == "C50.9"]
    (vardo,) = [k for k in forslag(api, q="C50.9", kommune="Vardø") if k["visningskode"] == "C50.9"]
    assert landet["gir_treff"] is True and vardo["gir_treff"] is False


def test_a_bad_place_in_the_type_ahead_is_a_400_naming_it(api: APIClient) -> None:
    svar = api.get(KODER, {"q": "P7", "kommune": "Atlantis"})
    assert svar.status_code == 400
    assert "Atlantis" in svar.json()["kommune"][0]


@pytest.mark.usefixtures("varme_referansedata")
def test_the_type_aheads_queries_do_not_grow_with_the_number_of_suggestions(
    api: APIClient,
) -> None:
    antall = []
    for storrelse in ("2", "20"):
        with CaptureQueriesContext(connection) as sporringer:
            svar = api.get(KODER, {"q": "P", "kommune": "Bodø", "page_size": storrelse})
        assert len(svar.json()["results"]) == int(storrelse)
        antall.append(len(sporringer))
    assert antall[0] == antall[1], antall


# ----------------------------------------------------------- a code that no tilbud serves


def grunn(api: APIClient, **params: str) -> dict[str, Any]:
    svar = sok(api, **params)
    assert svar["count"] == 0
    return svar["tomt_svar"]["diagnose"]


def test_a_code_outside_the_target_groups_says_so_and_offers_the_nearest_malgruppe(
    api: APIClient,
) -> None:
    d = grunn(api, diagnose="P72", kommune="Bodø")
    assert d["grunn"] == "utenfor_malgruppene"
    assert "«P72 Schizofreni» hører ikke til målgruppene i registeret" in d["forklaring"]
    # P72 is next to P74 (angstlidelse) in the mapping: the psychological målgruppe.
    assert d["malgruppe"]["slug"] == "psykiske-lidelser"
    assert d["malgruppe"]["parametere"] == {
        "kommune": "Bodø",
        "malgruppe": "psykiske-lidelser",
        "page_size": "100",  # the rest of the query as it was
    }
    # The offered search finds what it promises.
    assert sok(api, **d["malgruppe"]["parametere"])["count"] == d["malgruppe"]["antall"] > 0


def test_a_code_far_from_every_mapped_range_is_offered_the_diagnosis_independent_malgruppe(
    api: APIClient,
) -> None:
    d = grunn(api, diagnose="R96")  # astma
    assert d["grunn"] == "utenfor_malgruppene"
    # The one the mapping gives both work problems (Z05) and tiredness (A04).
    for kode in ("Z05", "A04"):
        assert MalgruppeKode.objects.filter(
            kodeverk="ICPC2", fra__lte=kode, til__gte=kode, malgruppe__slug=d["malgruppe"]["slug"]
        ).exists()
    assert sok(api, **d["malgruppe"]["parametere"])["count"] > 0


def test_a_code_no_tilbud_in_the_region_serves_names_the_place_and_the_target_group(
    api: APIClient,
) -> None:
    d = grunn(api, diagnose="C50", kommune="Vardø")
    assert d["grunn"] == "ingen_i_omradet"
    assert d["forklaring"] == "Ingen tilbud i Vardø tar imot kreft, som «C50» hører til."
    assert d["malgruppe"]["parametere"]["kommune"] == "Vardø"
    assert sok(api, **d["malgruppe"]["parametere"])["count"] > 0


def test_when_another_filter_is_the_reason_the_diagnosis_is_not_blamed(api: APIClient) -> None:
    svar = sok(api, diagnose="L86", q="xqzvwkj")
    assert svar["count"] == 0 and svar["tomt_svar"]["diagnose"] is None
    assert sok(api, diagnose="L86")["tomt_svar"] is None


def test_the_page_explains_and_links_the_nearest_malgruppe_search(api: APIClient) -> None:
    side = api.get("/", {"diagnose": "P72", "kommune": "Bodø"}).content.decode()
    assert "«P72 Schizofreni» hører ikke til målgruppene i registeret" in side
    assert 'id="naermeste-malgruppe" href="?kommune=Bod%C3%B8&amp;malgruppe=psykiske-lidelser"' in (
        side
    )
    assert "Søk etter tilbud for angst, depresjon og lettere psykiske lidelser" in side


# ------------------------------------------------------------------------ «← Til søket»


def kortlenker(html: str) -> list[str]:
    return re.findall(r'<h3 class="kort-tittel"><a href="([^"]+)"', html)


def tilbakelenke(api: APIClient, href: str) -> str:
    side = api.get(href.replace("&amp;", "&")).content.decode()
    (lenke,) = re.findall(r'<nav class="tilbake"[^>]*><a href="([^"]+)"', side)
    return lenke.replace("&amp;", "&")


@pytest.mark.parametrize("fragment", [False, True], ids=["side", "fragment"])
def test_til_soket_returns_to_the_same_query_and_page(api: APIClient, fragment: bool) -> None:
    params = {"rhf": "HSO", "diagnose": "L86", "page_size": "5", "page": "2"}
    hode = {"HTTP_X_SOK_FRAGMENT": "1"} if fragment else {}
    html = api.get("/", params, **hode).content.decode()
    lenker = kortlenker(html)
    assert lenker, "page 2 has results"
    tilbake = urlparse(tilbakelenke(api, lenker[0]))
    assert tilbake.path == "/"
    assert parse_qs(tilbake.query) == {k: [v] for k, v in params.items()}
    # The referral form still gets the diagnosis.
    assert parse_qs(urlparse(lenker[0].replace("&amp;", "&")).query)["diagnose"] == ["L86"]


def test_til_soket_only_ever_leads_to_this_sites_search(api: APIClient) -> None:
    tilbud = Tilbud.objects.synlige().first()
    lenke = tilbakelenke(
        api, f"/tilbud/{tilbud.pk}/?sok=//evil.example/%3Fx%3D1%26kommune%3D1804%26ukjent%3D2"
    )
    assert lenke == "/?kommune=1804"
    assert tilbakelenke(api, f"/tilbud/{tilbud.pk}/") == "/"
