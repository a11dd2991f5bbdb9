"""The ranking for a patient's kommune read tier by tier (tilbud.rangering.NivadeltSok, PostgreSQL)
gives exactly the rows, order and tiers of the single ranked query, on every page."""

import pytest
from django.db import connection
from django.http import QueryDict

from tests.factories import LokasjonFactory, OrganisasjonFactory, TilbudFactory
from tilbud.models import Avtale, Malgruppe, Organisasjon, Tilbud
from tilbud.sok.filtre import TilbudFilter
from tilbud.sok.rangering import NivadeltSok
from tilbud.sok.sokeside import EnkelSok

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kun_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the tier-by-tier page is PostgreSQL's; SQLite pages the single query")


@pytest.fixture
def nordland() -> None:
    """More tilbud in Helse Nord than a page, in every tier for Bodø, some at the same distance
    (same site) and with the same name, and one from another region with a site in Bodø."""
    hn = Organisasjon.objects.get(kode="HN")
    nordlandssykehuset = Organisasjon.objects.get(navn="Nordlandssykehuset")
    unn = Organisasjon.objects.get(navn="Universitetssykehuset Nord-Norge")
    privat = OrganisasjonFactory()
    Avtale.objects.create(leverandor=privat, rhf=hn, type=Avtale.Type.ARR)
    alle = list(Malgruppe.objects.all())
    for i in range(12):
        for org in (nordlandssykehuset, unn, privat):
            tilbud = TilbudFactory(
                organisasjon=org, rhf=hn, navn=f"Tilbud {i % 4}", malgrupper=alle
            )
            kommune = ("1804", "5501", "1806")[i % 3]
            tilbud.lokasjoner.add(LokasjonFactory(organisasjon=org, kommune_id=kommune))
    besok = TilbudFactory(rhf=Organisasjon.objects.get(kode="HSO"), navn="Besøk", malgrupper=alle)
    besok.lokasjoner.add(LokasjonFactory(organisasjon=besok.organisasjon, kommune_id="1804"))
    # Another region's tilbud from the provider with an agreement: the agreement tier.
    avtalebesok = TilbudFactory(
        organisasjon=privat,
        rhf=Organisasjon.objects.get(kode="HSO"),
        navn="Avtalebesøk",
        malgrupper=alle,
    )
    avtalebesok.lokasjoner.add(LokasjonFactory(organisasjon=privat, kommune_id="1804"))


@pytest.mark.usefixtures("nordland")
@pytest.mark.parametrize(
    "query",
    [
        "kommune=1804&diagnose=L86",
        "kommune=1804&status=alle",
        "kommune=1804&q=arbeid",
        "kommune=0301&diagnose=rygg",
        "kommune=1103&q=angst",
        "postnummer=9008&diagnose=P76&alder=40",
        "kommune=1804&rhf=HSO",
    ],
)
@pytest.mark.parametrize("storrelse", [1, 7, 25])
def test_every_page_equals_the_single_ranked_query(query: str, storrelse: int) -> None:
    filterset = TilbudFilter(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    treff = filterset.treff
    assert isinstance(treff, NivadeltSok)

    def rad(r) -> tuple:
        # The distance too (not only the order it gives): NivadeltSok computes it in its own SQL.
        return r.pk, r.niva_rang, None if r.avstand2 is None else round(r.avstand2, 9)

    fasit = [rad(r) for r in filterset.qs]
    sider, forberedte = [], []
    for start in range(0, len(fasit) + storrelse, storrelse):
        sider += [rad(r) for r in treff[start : start + storrelse]]
        # As the paginator reads it: count, page and cards prepared in one statement.
        forberedt = filterset.treff
        forberedt.forbered(start, start + storrelse, 1001)
        assert forberedt.antall_opptil(1001) == len(fasit)
        forberedte += [rad(r) for r in forberedt[start : start + storrelse]]
    assert sider == fasit
    assert forberedte == fasit
    assert treff.antall_opptil(1001) == len(fasit)
    if query.startswith("kommune=1804&status"):
        assert {niva for _, niva, _ in fasit} == {1, 2, 3, 4}, "every tier should be exercised"
        avtalebesok = Tilbud.objects.get(navn="Avtalebesøk").pk
        assert [niva for pk, niva, _ in fasit if pk == avtalebesok] == [2]
        assert len({avstand for *_, avstand in fasit}) > 3, "distances should differ"


@pytest.mark.usefixtures("nordland")
@pytest.mark.parametrize(
    "query", ["diagnose=L86", "rhf=HN&status=alle", "q=arbeid", "fylke=18&diagnose=rygg"]
)
@pytest.mark.parametrize("storrelse", [1, 7, 25])
def test_every_page_without_a_kommune_equals_the_ordered_query(query: str, storrelse: int) -> None:
    filterset = TilbudFilter(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    treff = filterset.treff
    assert isinstance(treff, EnkelSok)
    fasit = list(filterset.qs.values_list("pk", flat=True))
    assert len(fasit) > 25
    sider: list[int] = []
    for start in range(0, len(fasit) + storrelse, storrelse):
        # As the paginator does: the page prepared (one statement), then sliced.
        side = EnkelSok(filterset.qs)
        side.forbered(start, start + storrelse, 1001)
        assert side.antall_opptil(1001) == len(fasit)
        rader = side[start : start + storrelse]
        assert all(r.kort["id"] == r.pk for r in rader)  # each row has its own card
        sider += [r.pk for r in rader]
        # The same page read without preparing it.
        assert [r.pk for r in treff[start : start + storrelse]] == [r.pk for r in rader]
    assert sider == fasit


def test_a_page_stops_at_the_tier_that_fills_it(nordland: None) -> None:
    filterset = TilbudFilter(QueryDict("kommune=1804&status=alle"))
    assert filterset.is_valid()
    treff = filterset.treff
    assert [r.niva_rang for r in treff[0:5]] == [1] * 5
    sql, params = treff.sql(0, 5)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
        plan = "\n".join(rad[0] for rad in cursor.fetchall())
    # The own HF's tier filled the page: the scans of the other tiers never ran.
    assert plan.count("(never executed)") >= 3, plan


@pytest.mark.usefixtures("nordland")
def test_the_cards_read_with_the_page_equal_the_cards_read_apart() -> None:
    from tilbud.sok.kort import _kortdata_postgres

    filterset = TilbudFilter(QueryDict("kommune=1804&status=alle"))
    assert filterset.is_valid()
    treff = filterset.treff
    treff.forbered(0, 25, 1001)
    rader = treff[0:25]
    assert len(rader) == 25
    hver_for_seg = {k["id"]: k for k in _kortdata_postgres([r.pk for r in rader])}
    assert [r.kort for r in rader] == [hver_for_seg[r.pk] for r in rader]
    # A page after the last: no rows, and the count still there.
    filterset = TilbudFilter(QueryDict("kommune=1804&status=alle"))
    assert filterset.is_valid()
    treff = filterset.treff
    treff.forbered(5000, 5025, 1001)
    assert treff[5000:5025] == [] and treff.antall_opptil(1001) > 25


@pytest.mark.parametrize("side", ["0", "00", "-1", "²", "1.0"])
def test_a_page_number_the_schema_refuses_is_a_400_naming_the_page(api, side: str) -> None:
    svar = api.get("/api/v1/tilbud/", {"kommune": "1804", "diagnose": "L86", "page": side})
    assert svar.status_code == 400
    assert "page" in svar.json()


@pytest.mark.parametrize("side", ["41", "9999", "99999999999999999999999", "9" * 5000])
def test_a_page_past_the_last_is_an_empty_page_as_the_schema_allows(api, side: str) -> None:
    """Was a 400, but the schema allows any page ≥ 1 (it cannot know the count): an empty page
    whose `previous` is the last one (issue 15, finding 10)."""
    svar = api.get("/api/v1/tilbud/", {"kommune": "1804", "diagnose": "L86", "page": side})
    assert svar.status_code == 200, svar.content[:200]
    side_ = svar.json()
    assert side_["results"] == [] and side_["next"] is None and side_["count"] > 0
    siste = api.get(side_["previous"])
    assert siste.status_code == 200 and siste.json()["results"] and siste.json()["next"] is None


def test_id_lists_go_to_the_server_as_one_array_literal() -> None:
    from tilbud.sok.rangering import id_liste

    assert id_liste([15, 6, 14]) == "{15,6,14}" and id_liste([]) == "{}"
    with pytest.raises(ValueError):
        id_liste(["1}, {2"])  # only integers: nothing else can reach the literal
