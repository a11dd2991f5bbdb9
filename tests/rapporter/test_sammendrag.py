"""Regional summaries: the build, its figures, the small-cell rule, debouncing, API and page."""

import re
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from rapporter import selectors
from rapporter.henvisningstall import (
    Henvisningstall,
    undertrykk,
    undertrykk_henvisningstall,
)
from rapporter.models import Folketall, Sammendragsgenerasjon, Sammendragsrad
from rapporter.services import api_nokkel_trekk_tilbake
from rapporter.services.sammendrag import (
    bygg_sammendrag,
    ett_ar_for,
    ombyggingsnokkel,
    planlegg_ombygging,
    rhf_koder,
)
from tests.factories import bruker_med_rolle
from tilbud.models import Malgruppe, Tilbud

from .sammendrag_hjelp import fra_scratch, lagret, sjekk_mot_direkte_tall

OSLO = ZoneInfo("Europe/Oslo")
NAA = datetime(2026, 3, 15, 12, tzinfo=OSLO)
URL = "/api/v1/rapporter/sammendrag/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uten_gamle_generasjoner(db) -> None:
    # The session's catalogue import already built summaries (dated today); start clean.
    Sammendragsgenerasjon.objects.all().delete()


@pytest.fixture
def bygget() -> None:
    for kode in rhf_koder():
        bygg_sammendrag(kode, naa=NAA)


def test_active_tilbud_per_rhf_equal_domain_md(bygget) -> None:
    totalt = dict(
        Sammendragsrad.objects.filter(
            generasjon__status="ferdig",
            niva="rhf",
            malgruppe=None,
            fagomrade="",
            periodetype="ar",
            periode="2026",
        ).values_list("region_kode", "aktive_tilbud")
    )
    assert totalt == {"HSO": 33, "HV": 15, "HMN": 9, "HN": 9}


def test_every_figure_on_the_real_catalogue_equals_a_direct_count(bygget) -> None:
    rader = list(Sammendragsrad.objects.filter(periodetype="ar").values())
    assert len(rader) > 500
    sjekk_mot_direkte_tall(rader, NAA.date())


def test_rebuild_is_idempotent_and_a_change_gives_a_new_generation(bygget) -> None:
    forste = Sammendragsgenerasjon.objects.get(rhf__kode="HN", status="ferdig")
    igjen = bygg_sammendrag("HN", naa=NAA)
    assert (igjen.ny, igjen.generasjon) == (False, forste.nummer)

    tilbud = Tilbud.objects.filter(rhf__kode="HN", status="aktiv").first()
    tilbud.status = Tilbud.Status.AVSLUTTET
    tilbud.avsluttet_dato = date(2026, 3, 1)
    tilbud.save()
    ny = bygg_sammendrag("HN", naa=NAA)
    assert ny.ny and ny.generasjon == forste.nummer + 1
    # Same month: the old generation is pruned with the swap; only the new one is left.
    assert list(
        Sammendragsgenerasjon.objects.filter(rhf__kode="HN").values_list("nummer", flat=True)
    ) == [ny.generasjon]
    assert (
        selectors.sammendrag(niva="rhf", rhf_kode="HN")
        .rader.get(malgruppe=None, fagomrade="")
        .aktive_tilbud
        == 8
    )


def test_pruning_keeps_the_last_generation_of_each_earlier_month() -> None:
    tilbud = Tilbud.objects.filter(rhf__kode="HV", status="aktiv").first()
    for dag in (date(2026, 1, 10), date(2026, 1, 20), date(2026, 2, 5), date(2026, 2, 6)):
        # A change every time (aktiv ↔ ikke bekreftet), so every build is a new generation.
        tilbud.status = "ikke_bekreftet" if tilbud.status == "aktiv" else "aktiv"
        tilbud.save()
        bygg_sammendrag("HV", naa=datetime.combine(dag, datetime.min.time(), tzinfo=OSLO))
    datoer = list(
        Sammendragsgenerasjon.objects.filter(rhf__kode="HV").order_by("nummer")
        .values_list("dato", flat=True)
    )  # fmt: skip
    assert datoer == [date(2026, 1, 20), date(2026, 2, 6)]
    januar = selectors.sammendrag(niva="rhf", rhf_kode="HV", periodetype="maned", periode="2026-01")
    assert [g.dato for g in januar.generasjoner] == [date(2026, 1, 20)]


def test_coverage_gaps_are_rows_with_no_active_tilbud(bygget) -> None:
    hull = Sammendragsrad.objects.filter(dekningshull=True, periodetype="ar")
    assert hull.exists()
    assert not hull.filter(aktive_tilbud__gt=0).exists()
    assert not hull.filter(malgruppe__isnull=True).exists()
    # Every region × målgruppe has a row, gap or not.
    antall_mg = Malgruppe.objects.count()
    for g in Sammendragsgenerasjon.objects.filter(status="ferdig"):
        rader = Sammendragsrad.objects.filter(
            generasjon=g, niva="rhf", periodetype="ar", fagomrade="", malgruppe__isnull=False
        )
        assert rader.count() == antall_mg


def test_per_100k_only_where_population_is_loaded() -> None:
    Folketall.objects.create(
        niva="rhf", region_kode="HN", ar=2025, innbyggere=400_000, kilde="test, ikke ekte tall"
    )
    bygg_sammendrag("HN", naa=NAA)
    bygg_sammendrag("HV", naa=NAA)
    hn = selectors.sammendrag(niva="rhf", rhf_kode="HN").rader.get(malgruppe=None, fagomrade="")
    assert (hn.innbyggere, hn.aktive_per_100k) == (400_000, 2.25)
    hv = selectors.sammendrag(niva="rhf", rhf_kode="HV").rader.get(malgruppe=None, fagomrade="")
    assert (hv.innbyggere, hv.aktive_per_100k) == (None, None)


def test_without_referrals_the_counts_are_zero_and_the_rest_null(bygget) -> None:
    rad = Sammendragsrad.objects.first()
    assert (rad.henvisninger_totalt, rad.status_sendt, rad.ventetid_antall) == (0, 0, 0)
    assert rad.andel_avvist is None and rad.ventetid_p90_dager is None
    assert rad.undertrykt is False


@pytest.mark.parametrize(
    ("antall", "vist", "skjult"),
    [(None, None, False), (0, 0, False), (1, None, True), (4, None, True), (5, 5, False)],
)
def test_small_cell_rule(antall, vist, skjult) -> None:
    assert undertrykk(antall) == (vist, skjult)


def test_small_cell_rule_hides_shares_and_waiting_times_with_their_counts() -> None:
    tall = undertrykk_henvisningstall(
        Henvisningstall(
            henvisninger_totalt=40,
            henvisninger_vurdert=30,
            henvisninger_avvist=3,
            andel_avvist=0.1,
            henvisninger_fristgrunnlag=4,
            henvisninger_innen_frist=4,
            andel_vurdert_innen_10_dager=1.0,
            ventetid_antall=12,
            ventetid_median_dager=20.0,
            ventetid_p90_dager=41.5,
        )
    )
    assert tall.undertrykt
    # A share of 3 of 30 would give the 3 away; a share of 4 of 4 likewise.
    assert (tall.henvisninger_avvist, tall.andel_avvist) == (None, None)
    assert (tall.henvisninger_fristgrunnlag, tall.andel_vurdert_innen_10_dager) == (None, None)
    assert (tall.henvisninger_totalt, tall.henvisninger_vurdert) == (40, 30)
    assert (tall.ventetid_median_dager, tall.ventetid_p90_dager) == (20.0, 41.5)
    assert undertrykk_henvisningstall(
        Henvisningstall(ventetid_antall=3, ventetid_median_dager=9.0)
    ) == Henvisningstall(undertrykt=True)
    # A negative count is a bug upstream: a clear message, not a hidden cell.
    with pytest.raises(ValueError, match="Et antall kan ikke være negativt: -1"):
        undertrykk(-1)


def test_one_hidden_status_count_takes_the_next_smallest_with_it() -> None:
    tall = undertrykk_henvisningstall(
        Henvisningstall(
            henvisninger_totalt=30, status_sendt=2, status_vurdert=7, status_startet=21,
            status_mottatt=0,
        )
    )  # fmt: skip
    # 30 − 7 − 21 would be the hidden 2: the 7 goes too; zeros stay.
    assert (tall.status_sendt, tall.status_vurdert, tall.status_startet) == (None, None, 21)
    assert (tall.henvisninger_totalt, tall.status_mottatt, tall.undertrykt) == (30, 0, True)
    # Two hidden already: nothing more to hide.
    to = undertrykk_henvisningstall(
        Henvisningstall(henvisninger_totalt=30, status_sendt=2, status_venter=3, status_startet=25)
    )
    assert (to.status_sendt, to.status_venter, to.status_startet) == (None, None, 25)


def test_a_cell_with_nothing_small_is_not_marked_and_a_marked_one_stays_marked() -> None:
    tall = undertrykk_henvisningstall(Henvisningstall(henvisninger_totalt=40, status_sendt=40))
    assert tall.undertrykt is False
    assert tall == Henvisningstall(henvisninger_totalt=40, status_sendt=40)
    assert undertrykk_henvisningstall(Henvisningstall(henvisninger_totalt=40, undertrykt=True)) == (
        Henvisningstall(henvisninger_totalt=40, undertrykt=True)
    )


def test_shares_and_waiting_times_of_counts_that_are_shown_stay_shown() -> None:
    tall = Henvisningstall(
        henvisninger_totalt=40,
        henvisninger_vurdert=30,
        henvisninger_avvist=6,
        andel_avvist=0.2,
        henvisninger_fristgrunnlag=30,
        henvisninger_innen_frist=25,
        andel_vurdert_innen_10_dager=0.8333,
        ventetid_antall=12,
        ventetid_median_dager=20.0,
        ventetid_p90_dager=41.5,
    )
    assert undertrykk_henvisningstall(tall) == tall


def test_the_small_cell_limit_applies_to_every_count_of_the_cell() -> None:
    tall = Henvisningstall(henvisninger_totalt=4, status_sendt=4, ventetid_antall=3)
    assert undertrykk_henvisningstall(tall) == Henvisningstall(
        henvisninger_totalt=None, status_sendt=None, ventetid_antall=None, undertrykt=True
    )
    assert undertrykk_henvisningstall(tall, grense=3) == Henvisningstall(
        henvisninger_totalt=4, status_sendt=4, ventetid_antall=3
    )


def test_one_year_earlier_handles_leap_day() -> None:
    assert ett_ar_for(date(2028, 2, 29)) == date(2027, 2, 28)


def test_many_requests_schedule_one_rebuild(settings) -> None:
    settings.RAPPORTER_KO = "rapport-enhetstest"
    cache.delete(ombyggingsnokkel("HN"))
    with mock.patch("rapporter.tasks.bygg_sammendrag_for_region.apply_async") as send:
        sendt = [planlegg_ombygging("HN", forsinkelse=30) for _ in range(5)]
    assert sendt == [True, False, False, False, False]
    send.assert_called_once_with(("HN",), countdown=30, queue="rapport-enhetstest")
    cache.delete(ombyggingsnokkel("HN"))


def test_a_catalogue_change_schedules_a_rebuild_on_commit(
    bygget, django_capture_on_commit_callbacks
) -> None:
    for kode in rhf_koder():
        cache.delete(ombyggingsnokkel(kode))
    tilbud = Tilbud.objects.filter(rhf__kode="HMN", status="aktiv").first()
    with (
        mock.patch("rapporter.tasks.bygg_sammendrag_for_region.apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        for _ in range(3):
            tilbud.save()
        tilbud.malgrupper.add(Malgruppe.objects.first())
    koder = sorted(c.args[0][0] for c in send.call_args_list)
    assert "HMN" in koder and len(koder) == len(set(koder))
    for kode in rhf_koder():
        cache.delete(ombyggingsnokkel(kode))


def test_readers_never_see_a_generation_being_built(bygget) -> None:
    g = Sammendragsgenerasjon.objects.get(rhf__kode="HN", status="ferdig")
    halv = Sammendragsgenerasjon.objects.create(
        rhf=g.rhf, nummer=g.nummer + 1, startet=NAA, dato=NAA.date()
    )
    assert [x.nummer for x in selectors.siste_generasjoner(rhf_kode="HN")] == [g.nummer]
    assert halv.status == "bygger"


def test_stored_rows_equal_a_from_scratch_aggregate(bygget) -> None:
    for kode in rhf_koder():
        g = Sammendragsgenerasjon.objects.get(rhf__kode=kode, status="ferdig")
        assert lagret(g) == fra_scratch(kode, g.dato)


# --- API -----------------------------------------------------------------------------------------


def test_api_rhf_level_is_open_with_snapshot_time_and_etag(api, bygget) -> None:
    svar = api.get(URL, {"malgruppe": "alle"})
    assert svar.status_code == 200, svar.content
    data = svar.json()
    assert data["bygget"] and len(data["generasjoner"]) == 4
    tot = {r["region_kode"]: r["aktive_tilbud"] for r in data["results"] if not r["fagomrade"]}
    assert tot == {"HSO": 33, "HV": 15, "HMN": 9, "HN": 9}
    assert api.get(URL, {"malgruppe": "alle"}, HTTP_IF_NONE_MATCH=svar["ETag"]).status_code == 304


def test_api_filters(api, bygget) -> None:
    mg = Malgruppe.objects.order_by("id").first()
    data = api.get(URL, {"region": "hn", "malgruppe": mg.slug, "periode": "2026-03"}).json()
    assert data["results"]
    assert {(r["region_kode"], r["malgruppe"], r["periode"]) for r in data["results"]} == {
        ("HN", mg.slug, "2026-03")
    }
    assert api.get(URL, {"periode": "2025"}).json()["results"] == []


@pytest.mark.parametrize(
    ("parametere", "felt"),
    [
        ({"niva": "kommune"}, "niva"),
        ({"periode": "2026-13"}, "periode"),
        ({"periode": "mars"}, "periode"),
        ({"region": "XX"}, "region"),
        ({"malgruppe": "finnes-ikke"}, "malgruppe"),
        ({"sortering": "navn"}, "sortering"),
    ],
)
def test_api_bad_parameters_give_400_naming_the_parameter(api, parametere, felt) -> None:
    svar = api.get(URL, parametere)
    assert svar.status_code == 400
    assert felt in svar.json()


def test_api_below_region_level_needs_a_key(api, analytiker, nokkel_og_klartekst, bygget) -> None:
    svar = api.get(URL, {"niva": "fylke"})
    assert svar.status_code == 401
    assert "API-nøkkel" in svar.json()["detail"]
    svar = analytiker.get(URL, {"niva": "fylke", "region": "18"})
    assert svar.status_code == 200
    assert {r["region_navn"] for r in svar.json()["results"]} == {"Nordland"}
    assert analytiker.get(URL, {"niva": "hf"}).status_code == 200
    api_nokkel_trekk_tilbake(nokkel=nokkel_og_klartekst[0])
    svar = analytiker.get(URL, {"niva": "hf"})
    assert svar.status_code == 401 and "trukket tilbake" in svar.json()["detail"]


# --- HTML ----------------------------------------------------------------------------------------


def test_page_has_charts_with_tables_and_the_gap_matrix(client, bygget) -> None:
    client.force_login(bruker_med_rolle("koordinator", rhf="HN"))
    svar = client.get("/rapporter/")
    assert svar.status_code == 200
    html = svar.content.decode()
    # Four målgruppe charts, four referral status charts, the deadline and the waiting time
    # (referral figures: the scheme's staff, see test_henvisningstall).
    assert html.count('class="rapport-diagram"') == 10
    assert html.count("<caption>") >= 6
    assert "Dekningshull" in html and "Ingen" in html
    assert not re.search(r"<script|style=", html.split('<main id="innhold"')[1])
    assert "Helse Sør-Øst" in html


def test_page_without_summaries(client) -> None:
    Sammendragsgenerasjon.objects.all().delete()
    assert "ikke bygget ennå" in client.get("/rapporter/").content.decode()
