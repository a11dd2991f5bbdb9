"""Referral figures in the regional summaries: the definitions on hand-counted referrals, the
small-cell rule in the published rows, the API, the page, and the rebuild scheduled by the
referral services."""

import re
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command

from henvisning.livssyklus import Avvisningsgrunn, Handling, Part
from henvisning.models import Henvisning
from henvisning.services import Vurdering, foresporsel_opprett, henvisning_overgang
from rapporter.henvisningstall import henvisningstall, percentile_cont
from rapporter.models import (
    HENVISNINGSFELT,
    HENVISNINGSSTATUSER,
    Sammendragsgenerasjon,
    Sammendragsrad,
)
from rapporter.services.sammendrag import bygg_sammendrag, ombyggingsnokkel, rhf_koder
from tests.factories import bruker_med_rolle
from tilbud.models import Organisasjon, Tilbud

from .sammendrag_hjelp import henviser, lag_henvisning, sjekk_mot_direkte_tall

OSLO = ZoneInfo("Europe/Oslo")
UTC = ZoneInfo("UTC")
NAA = datetime(2026, 3, 15, 12, tzinfo=OSLO)
URL = "/api/v1/rapporter/sammendrag/"

pytestmark = pytest.mark.django_db


def oslo(*deler: int) -> datetime:
    return datetime(*deler, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _uten_gamle_generasjoner(db) -> None:
    Sammendragsgenerasjon.objects.all().delete()


@pytest.fixture
def tilbud() -> Tilbud:
    """An active HN tilbud owned by an HF, with a site in a fylke of HN."""
    return (
        Tilbud.objects.filter(
            rhf__kode="HN",
            status="aktiv",
            organisasjon__type="hf",
            lokasjoner__kommune__fylke__rhf__kode="HN",
        )
        .distinct()
        .order_by("id")
        .first()
    )


@pytest.fixture
def henvisninger(tilbud) -> None:
    """Ten referrals, counted by hand in the tests below (March 2026 is UTC+1 in Oslo)."""
    ny = lag_henvisning
    # a. sent, the deadline (16 March) not passed on 15 March.
    ny(tilbud, status="sendt", sendt=oslo(2026, 3, 2, 10), vurderingsfrist=date(2026, 3, 16))
    # b. 28 Feb 23:30 UTC is 1 March 00:30 in Oslo: a March referral. Deadline passed, undecided.
    ny(
        tilbud,
        status="mottatt",
        sendt=datetime(2026, 2, 28, 23, 30, tzinfo=UTC),
        vurderingsfrist=date(2026, 3, 13),
    )
    # c. avvist (rejected before assessment) on 5 March: decided within the deadline.
    ny(
        tilbud,
        status="avvist",
        sendt=oslo(2026, 3, 2, 9),
        lukket=oslo(2026, 3, 5, 14),
        vurderingsfrist=date(2026, 3, 16),
    )
    # d. «ikke rett», assessed on 12 March: one day after its deadline.
    ny(
        tilbud,
        status="vurdert",
        utfall="ikke_rett",
        sendt=oslo(2026, 3, 2, 9),
        vurdert=oslo(2026, 3, 12, 10),
        lukket=oslo(2026, 3, 12, 10),
        vurderingsfrist=date(2026, 3, 11),
    )
    # e. rett, treatment started 10 March: 9 days after it was sent on 1 March.
    ny(
        tilbud,
        status="startet",
        utfall="rett",
        sendt=oslo(2026, 3, 1, 8),
        vurdert=oslo(2026, 3, 3, 9),
        vurderingsfrist=date(2026, 3, 13),
        startet=oslo(2026, 3, 10, 10),
    )
    # f. withdrawn before any decision: not in the deadline base.
    ny(
        tilbud,
        status="trukket",
        sendt=oslo(2026, 3, 2, 11),
        lukket=oslo(2026, 3, 9, 9),
        vurderingsfrist=date(2026, 3, 5),
    )
    # g. 28 Feb 23:30 in Oslo: February (only in the year row); assessed in time.
    ny(
        tilbud,
        status="venter",
        utfall="rett",
        sendt=oslo(2026, 2, 28, 23, 30),
        vurdert=oslo(2026, 3, 4, 9),
        vurderingsfrist=date(2026, 3, 10),
    )
    # h. sent in December 2025, treatment started 10 January 2026 (21 days): only the waiting
    #    time of the year row.
    ny(
        tilbud,
        status="avsluttet",
        utfall="rett",
        sendt=oslo(2025, 12, 20, 10),
        vurdert=oslo(2025, 12, 22, 10),
        vurderingsfrist=date(2026, 1, 8),
        startet=oslo(2026, 1, 10, 10),
        lukket=oslo(2026, 2, 20, 10),
    )
    # i. started in 2025: nothing in 2026. j. a draft: never counted.
    ny(
        tilbud,
        status="startet",
        utfall="rett",
        sendt=oslo(2025, 11, 1, 10),
        vurdert=oslo(2025, 11, 3, 10),
        vurderingsfrist=date(2025, 11, 14),
        startet=oslo(2025, 12, 1, 10),
    )
    ny(tilbud, status="utkast", sendt=None)


MARS = {
    "henvisninger_totalt": 6,
    "status_sendt": 1,
    "status_mottatt": 1,
    "status_vurdert": 1,
    "status_venter": 0,
    "status_startet": 1,
    "status_avsluttet": 0,
    "status_trukket": 1,
    "status_avvist": 1,
    "henvisninger_vurdert": 3,  # c, d, e
    "henvisninger_rett": 1,  # e
    "henvisninger_avvist": 2,  # c, d
    "andel_avvist": 0.6667,
    "henvisninger_fristgrunnlag": 4,  # b, c, d, e
    "henvisninger_innen_frist": 2,  # c, e
    "andel_vurdert_innen_10_dager": 0.5,
    "ventetid_antall": 1,  # e
    "ventetid_median_dager": 9.0,
    "ventetid_p90_dager": 9.0,
}
AR_2026 = {
    **MARS,
    "henvisninger_totalt": 7,  # + g
    "status_venter": 1,
    "henvisninger_vurdert": 4,
    "henvisninger_rett": 2,
    "andel_avvist": 0.5,
    "henvisninger_fristgrunnlag": 5,
    "henvisninger_innen_frist": 3,
    "andel_vurdert_innen_10_dager": 0.6,
    "ventetid_antall": 2,  # e (9 days), h (21 days)
    "ventetid_median_dager": 15.0,
    "ventetid_p90_dager": 19.8,  # 9 + 0.9 × 12
}


def test_definitions_on_hand_counted_referrals(henvisninger, tilbud) -> None:
    hn = Organisasjon.objects.get(kode="HN")
    tall = henvisningstall(hn.id, NAA.date())
    fylke = tilbud.lokasjoner.filter(kommune__fylke__rhf=hn).first().kommune.fylke_id
    for niva, kode in (("rhf", "HN"), ("hf", str(tilbud.organisasjon_id)), ("fylke", fylke)):
        for periodetype, periode, forventet in (
            ("maned", "2026-03", MARS),
            ("ar", "2026", AR_2026),
        ):
            for mg, fag in ((None, ""), (tilbud.malgrupper.first().id, tilbud.fagomrade)):
                celle = tall[(niva, kode, mg, fag, periodetype, periode)]
                assert {f: getattr(celle, f) for f in forventet} == forventet, (niva, periode)
    # Nothing for the other regions' RHF rows: the referrals belong to HN.
    hv = Organisasjon.objects.get(kode="HV")
    assert not [c for c in henvisningstall(hv.id, NAA.date()) if c[0] == "rhf"]


def test_published_rows_hide_small_counts_and_equal_a_direct_count(henvisninger) -> None:
    bygg_sammendrag("HN", naa=NAA)
    rader = Sammendragsrad.objects.filter(
        generasjon__status="ferdig", niva="rhf", malgruppe=None, fagomrade=""
    )
    mars = rader.get(periodetype="maned")
    assert mars.henvisninger_totalt == 6 and mars.undertrykt
    assert all(getattr(mars, f"status_{s}") in (None, 0) for s in HENVISNINGSSTATUSER)
    assert (mars.henvisninger_vurdert, mars.andel_avvist, mars.ventetid_median_dager) == (
        None,
        None,
        None,
    )
    ar = rader.get(periodetype="ar")
    assert (ar.henvisninger_totalt, ar.henvisninger_fristgrunnlag) == (7, 5)
    # 3 of 5 within the deadline would give the 3 away.
    assert (ar.henvisninger_innen_frist, ar.andel_vurdert_innen_10_dager) == (None, None)
    sjekk_mot_direkte_tall(list(Sammendragsrad.objects.values()), NAA.date())


def test_percentile_cont_interpolates_like_postgresql() -> None:
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([7], 0.9) == 7
    assert percentile_cont([9, 21], 0.5) == 15
    assert percentile_cont([1, 2, 3, 4, 10], 0.9) == pytest.approx(7.6)


def test_statuses_in_the_summary_are_the_referral_statuses_after_the_draft() -> None:
    assert ("utkast", *HENVISNINGSSTATUSER) == tuple(Henvisning.Status.values)


# --- API and page ---------------------------------------------------------------------------


def _mange(tilbud: Tilbud, antall: int = 12) -> None:
    """Enough referrals that the RHF's year row shows figures: 12 sent in February and assessed
    in time; treatment started after 10, 11, 12, 13, 14, 15 and six times 18 days."""
    for i in range(antall):
        lag_henvisning(
            tilbud,
            status="startet",
            utfall="rett",
            sendt=oslo(2026, 2, 2 + i, 9),
            vurdert=oslo(2026, 2, 3 + i, 9),
            vurderingsfrist=date(2026, 2, 16 + i),
            startet=oslo(2026, 2, 2 + i, 9) + timedelta(days=10 + i if i < 6 else 18),
        )


def test_api_serves_the_referral_figures_with_their_definitions(analytiker, tilbud) -> None:
    _mange(tilbud)
    for kode in rhf_koder():
        bygg_sammendrag(kode, naa=NAA)
    svar = analytiker.get(URL, {"region": "HN", "malgruppe": "alle", "periode": "2026"})
    assert svar.status_code == 200, svar.content
    assert svar.json()["henvisningstall"] is True
    rad = next(r for r in svar.json()["results"] if r["fagomrade"] == "")
    assert rad["henvisninger_totalt"] == 12 and rad["status_startet"] == 12
    assert rad["andel_vurdert_innen_10_dager"] == 1.0 and rad["andel_avvist"] == 0.0
    assert rad["ventetid_antall"] == 12 and rad["ventetid_median_dager"] == 16.5
    assert rad["undertrykt"] is False
    andre = next(r for r in analytiker.get(URL, {"region": "HV"}).json()["results"])
    assert andre["henvisninger_totalt"] == 0 and andre["ventetid_median_dager"] is None


def test_referral_figures_need_a_key_even_at_rhf_level(api, analytiker, tilbud) -> None:
    _mange(tilbud)
    for kode in rhf_koder():
        bygg_sammendrag(kode, naa=NAA)
    parametere = {"region": "HN", "malgruppe": "alle", "periode": "2026"}
    uten, med = api.get(URL, parametere), analytiker.get(URL, parametere)
    assert uten.status_code == med.status_code == 200
    assert uten.json()["henvisningstall"] is False
    rader_uten = uten.json()["results"]
    rader_med = med.json()["results"]
    assert [r["aktive_tilbud"] for r in rader_uten] == [r["aktive_tilbud"] for r in rader_med]
    for rad in rader_uten:
        assert all(rad[f] is None for f in HENVISNINGSFELT), rad
        assert rad["undertrykt"] is None  # not even whether a small count exists
    assert any(r["henvisninger_totalt"] == 12 for r in rader_med)
    # Different answers for one URL: a shared cache must keep them apart.
    assert "Authorization" in uten["Vary"] and "Authorization" in med["Vary"]
    assert uten["ETag"] != med["ETag"]


def test_schema_documents_every_referral_figure(tmp_path) -> None:
    fil = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(fil))
    skjema = yaml.safe_load(fil.read_text())
    felt = skjema["components"]["schemas"]["Sammendragsrad"]["properties"]
    for navn in ("henvisninger_totalt", "status_avvist", "andel_vurdert_innen_10_dager"):
        assert felt[navn]["description"], navn
        assert felt[navn]["nullable"] is True
    beskrivelse = skjema["paths"][URL]["get"]["description"]
    assert "startet* i perioden" in beskrivelse and "1–4 personer" in beskrivelse


ROLLER = {
    "henviser": {"henvisertype": "fastlege"},
    "tilbudsredaktor": {"organisasjon": "Nordlandssykehuset"},
    "koordinator": {"rhf": "HN"},
    "mottaker": {"organisasjon": "Nordlandssykehuset"},
    "analytiker": {},
}


def rapportside(client, tilbud: Tilbud, rolle: str | None) -> str:
    """The report page with twelve referrals in the figures, seen by a user with `rolle`."""
    _mange(tilbud)
    for kode in rhf_koder():
        bygg_sammendrag(kode, naa=NAA)
    if rolle is not None:
        client.force_login(bruker_med_rolle(rolle, **ROLLER[rolle]))
    return client.get("/rapporter/").content.decode()


@pytest.mark.parametrize("rolle", [None, "henviser", "tilbudsredaktor"])
def test_page_shows_referral_figures_only_to_the_schemes_staff(client, tilbud, rolle) -> None:
    html = rapportside(client, tilbud, rolle)
    assert "Vurdert innen 10 virkedager" not in html and "16,5 dager" not in html
    assert "vises for innloggede koordinatorer" in html
    assert html.count('class="rapport-diagram"') == 4  # the målgruppe charts only


@pytest.mark.parametrize("rolle", ["koordinator", "analytiker", "mottaker"])
def test_page_draws_the_referral_figures(client, tilbud, rolle) -> None:
    html = rapportside(client, tilbud, rolle)
    assert "Henvisninger" in html and "Vurdert innen 10 virkedager" in html
    # Four status charts, the deadline chart and the waiting-time chart, after the four
    # målgruppe charts.
    assert html.count('class="rapport-diagram"') == 10
    assert "Helse Nord RHF: median" in html and "16,5 dager" in html and "100 %" in html
    assert not re.search(r"<script|style=", html.split('<main id="innhold"')[1])


# --- The rebuild after a referral changes -------------------------------------------------------


def test_a_referral_transition_schedules_its_regions_rebuild_on_commit(
    tilbud, django_capture_on_commit_callbacks
) -> None:
    for kode in rhf_koder():
        cache.delete(ombyggingsnokkel(kode))
    h = lag_henvisning(
        tilbud, status="mottatt", sendt=oslo(2026, 3, 2, 9), vurderingsfrist=date(2026, 3, 16)
    )
    with (
        mock.patch("rapporter.tasks.bygg_sammendrag_for_region.apply_async") as send,
        mock.patch("henvisning.tasks.varsle_sender.delay"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        henvisning_overgang(
            henvisning=h,
            bruker=henviser(),
            part=Part.MOTTAKER,
            handling=Handling.AVVIS,
            vurdering=Vurdering(
                avvisningsgrunn=Avvisningsgrunn.FEIL_MOTTAKER, begrunnelse="Feil mottaker."
            ),
        )
        assert not send.called  # nothing before commit
    assert callbacks
    koder = [c.args[0][0] for c in send.call_args_list]
    assert "HN" in koder and len(koder) == len(set(koder))
    for kode in rhf_koder():
        cache.delete(ombyggingsnokkel(kode))


def test_a_foresporsel_changes_no_count_and_schedules_no_rebuild(
    tilbud, django_capture_on_commit_callbacks
) -> None:
    """The status log gets a row for a forespørsel too, but the status stays: the summaries
    count nothing new (rapporter.signals leaves such rows out)."""
    for kode in rhf_koder():
        cache.delete(ombyggingsnokkel(kode))
    h = lag_henvisning(
        tilbud, status="mottatt", sendt=oslo(2026, 3, 2, 9), vurderingsfrist=date(2026, 3, 16)
    )
    with (
        mock.patch("rapporter.tasks.bygg_sammendrag_for_region.apply_async") as send,
        mock.patch("henvisning.tasks.varsle_sender.apply_async"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        foresporsel_opprett(
            henvisning=h, bruker=henviser(), part=Part.MOTTAKER, sporsmal="Mangler sykmelding."
        )
    assert h.statusendringer.count() == 1
    assert not send.called
