"""The narrow search table on PostgreSQL: the triggers keep it equal to the tilbud whatever
writes them (ORM saves, link changes, bulk UPDATE, delete, truncate), and a search ranked there
answers exactly what the same search over the tilbud themselves answers."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.http import QueryDict

from tests.factories import LokasjonFactory, TilbudFactory
from tilbud.models import Behandlingsform, Lokasjon, Malgruppe, Organisasjon, Sokerad, Tilbud
from tilbud.sok.filtre import TilbudFilter
from tilbud.sok.postgres import rettet_skrivefeil
from tilbud.sok.selectors import tilbud_liste_qs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kun_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the search table exists on PostgreSQL only; SQLite searches tilbud directly")


def speil(tilbud: Tilbud) -> dict:
    """What the search table should hold for a tilbud, read from the tilbud itself."""
    return {
        "rhf_id": tilbud.rhf_id,
        "organisasjon_id": tilbud.organisasjon_id,
        "status": tilbud.status,
        "fagomrade": tilbud.fagomrade,
        "alder_fra": tilbud.alder_fra,
        "alder_til": tilbud.alder_til,
        "malgrupper": sorted(tilbud.malgrupper.values_list("id", flat=True)),
        "behandlingsformer": sorted(tilbud.behandlingsformer.values_list("kode", flat=True)),
        "kommuner": sorted(set(tilbud.lokasjoner.values_list("kommune_id", flat=True))),
        "kommuner_utenfor": sorted(
            set(
                tilbud.lokasjoner.exclude(kommune__rhf_id=tilbud.rhf_id).values_list(
                    "kommune_id", flat=True
                )
            )
        ),
        "sted_lat": tilbud.sted_lat,
        "sted_lon": tilbud.sted_lon,
        "navn": tilbud.navn,
    }


def rad(tilbud: Tilbud) -> dict:
    return Sokerad.objects.filter(pk=tilbud.pk).values(*speil(tilbud)).get()


def test_the_whole_real_catalogue_is_mirrored() -> None:
    assert Sokerad.objects.count() == Tilbud.objects.count() > 60
    for tilbud in Tilbud.objects.all():
        assert rad(tilbud) == speil(tilbud), tilbud.kilde_id


def test_saves_and_link_changes_reach_the_search_table() -> None:
    angst, rygg = Malgruppe.objects.order_by("id")[:2]
    tilbud = TilbudFactory(malgrupper=[angst])
    assert rad(tilbud)["malgrupper"] == [angst.id]

    tilbud.navn = "Nytt navn"
    tilbud.status = Tilbud.Status.IKKE_BEKREFTET
    tilbud.alder_fra, tilbud.alder_til = 18, 67
    tilbud.save()
    tilbud.malgrupper.add(rygg)
    tilbud.behandlingsformer.set(Behandlingsform.objects.filter(kode="poliklinisk"))
    assert rad(tilbud) == speil(tilbud)
    assert rad(tilbud)["behandlingsformer"] == ["poliklinisk"]

    tilbud.malgrupper.remove(angst)
    tilbud.behandlingsformer.clear()
    assert rad(tilbud) == speil(tilbud)
    assert rad(tilbud)["malgrupper"] == [rygg.id]


def test_sites_and_a_site_moving_kommune_reach_the_search_table() -> None:
    lokasjon = LokasjonFactory(kommune_id="1804")
    tilbud = TilbudFactory(organisasjon=lokasjon.organisasjon)
    tilbud.lokasjoner.add(lokasjon, LokasjonFactory(kommune_id="1804"))
    assert rad(tilbud)["kommuner"] == ["1804"]
    Lokasjon.objects.filter(pk=lokasjon.pk).update(kommune_id="5501")  # Tromsø
    assert rad(tilbud)["kommuner"] == ["1804", "5501"] == speil(tilbud)["kommuner"]
    tilbud.lokasjoner.clear()
    assert rad(tilbud)["kommuner"] == []


def test_sites_outside_the_own_region_follow_site_moves_and_region_changes() -> None:
    # kommuner_utenfor: the look-up of other regions' tilbud in a patient's kommune.
    tilbud = TilbudFactory()  # Helse Nord
    lokasjon = LokasjonFactory(organisasjon=tilbud.organisasjon, kommune_id="1804")  # Bodø
    tilbud.lokasjoner.add(lokasjon)
    assert rad(tilbud)["kommuner_utenfor"] == []
    Lokasjon.objects.filter(pk=lokasjon.pk).update(kommune_id="0301")  # Oslo, Helse Sør-Øst
    assert rad(tilbud)["kommuner_utenfor"] == ["0301"]
    Tilbud.objects.filter(pk=tilbud.pk).update(rhf=Organisasjon.objects.get(kode="HSO"))
    tilbud.refresh_from_db()
    assert rad(tilbud)["kommuner_utenfor"] == [] == speil(tilbud)["kommuner_utenfor"]


def test_bulk_update_and_delete_reach_the_search_table() -> None:
    hv = Organisasjon.objects.get(kode="HV")
    nye = TilbudFactory.create_batch(3)
    # A bulk UPDATE bypasses save() and signals; the statement trigger still sees it.
    Tilbud.objects.filter(pk__in=[t.pk for t in nye]).update(rhf=hv, fagomrade="kreft")
    for tilbud in Tilbud.objects.filter(pk__in=[t.pk for t in nye]):
        assert rad(tilbud)["rhf_id"] == hv.id
        assert rad(tilbud)["fagomrade"] == "kreft"

    Tilbud.objects.filter(pk=nye[0].pk).delete()
    assert not Sokerad.objects.filter(pk=nye[0].pk).exists()
    assert Sokerad.objects.count() == Tilbud.objects.count()


def test_a_text_only_update_does_not_rewrite_the_row() -> None:
    tilbud = Tilbud.objects.first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM tilbud_sokerad WHERE tilbud_id = %s", [tilbud.pk])
        for_ = cursor.fetchone()[0]
        Tilbud.objects.filter(pk=tilbud.pk).update(innhold="Ny beskrivelse")
        cursor.execute("SELECT xmin::text FROM tilbud_sokerad WHERE tilbud_id = %s", [tilbud.pk])
        assert cursor.fetchone()[0] == for_


@pytest.mark.django_db(transaction=True)
def test_djangos_flush_empties_the_search_table_too() -> None:
    # Django's flush (between transactional tests, `manage.py flush`) truncates the tables of
    # managed models only; the truncate trigger takes the search table along.
    call_command("importer_katalog", stdout=StringIO())
    assert Sokerad.objects.count() == Tilbud.objects.count() > 60
    tabeller = connection.introspection.django_table_names(only_existing=True)
    assert "tilbud_sokerad" not in tabeller
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tabeller, allow_cascade=True):
            cursor.execute(sql)
    assert Sokerad.objects.count() == 0


@pytest.mark.parametrize(
    "query",
    [
        "kommune=1804&diagnose=L86",
        "kommune=1103&q=angst",
        "kommune=0301&diagnose=rygg",
        "postnummer=9008&diagnose=P76&alder=40",
        "rhf=HSO&diagnose=M54",
        "fylke=50&behandlingsform=poliklinisk",
        "diagnose=L03&behandlingsform=poliklinisk",
        "malgruppe=psykiske-lidelser&fagomrade=psykisk-helsevern",
        "q=depresjom",
        "kommune=1804&status=alle",
    ],
)
def test_search_table_answers_exactly_like_the_tilbud_table(query: str) -> None:
    params = QueryDict(query)
    over_sokerad = TilbudFilter(params, queryset=Sokerad.objects.all())
    over_tilbud = TilbudFilter(params, queryset=tilbud_liste_qs())
    assert over_sokerad.is_valid() and over_tilbud.is_valid()
    ider = list(over_sokerad.qs.values_list("pk", flat=True))
    assert ider, "the query should find something in the real catalogue"
    assert ider == list(over_tilbud.qs.values_list("pk", flat=True))


def test_typos_are_corrected_against_the_catalogue_vocabulary() -> None:
    assert rettet_skrivefeil("depresjom")[0] == "depresjon"
    assert rettet_skrivefeil("xqzvw") == []


def test_a_new_tilbuds_words_join_the_vocabulary(api) -> None:
    TilbudFactory(navn="Fibromyalgiskolen")  # a plain save(): the triggers add its words
    # Misspelt, the only tilbud with the word is still found.
    svar = api.get("/api/v1/tilbud/", {"q": "fibromyalgiskolan"}).json()
    assert [t["navn"] for t in svar["results"]] == ["Fibromyalgiskolen"]


def test_a_site_from_another_region_ranks_alike_in_both_tables() -> None:
    # The union of the region and the other regions' tilbud with a site in the kommune.
    hso = Organisasjon.objects.get(kode="HSO")
    lokasjon = LokasjonFactory(kommune_id="1804")
    besok = TilbudFactory(organisasjon=lokasjon.organisasjon, rhf=hso, navn="Besøkstilbud")
    besok.lokasjoner.add(lokasjon)
    besok.malgrupper.set(Malgruppe.objects.all())
    params = QueryDict("kommune=1804&diagnose=L86")
    over_sokerad = TilbudFilter(params, queryset=Sokerad.objects.all())
    over_tilbud = TilbudFilter(params, queryset=tilbud_liste_qs())
    assert over_sokerad.is_valid() and over_tilbud.is_valid()
    ider = list(over_sokerad.qs.values_list("pk", flat=True))
    assert ider[-1] == besok.pk  # «utenfor din helseregion»: last
    assert ider == list(over_tilbud.qs.values_list("pk", flat=True))
    assert over_sokerad.qs.order_by().values("pk")[:1001].count() == len(ider)
