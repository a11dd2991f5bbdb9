"""Waiting times as data: reading them out of the catalogue's text (nothing invented), the
migration and the import agreeing, the constraints, and what the search and cards show."""

import importlib
import re
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import TilbudFactory
from tilbud.models import Tilbud, Ventetid
from tilbud.services.katalog_import import importer_katalog
from tilbud.ventetidtolk import TALLORD, tolk_ventetid

pytestmark = pytest.mark.django_db
URL = "/api/v1/tilbud/"
FELT = ("tilbud_id", "type", "uker_min", "uker_maks", "omtrent", "dato", "kilde", "tekst")


def _rader() -> set[tuple]:
    return set(Ventetid.objects.values_list(*FELT))


def _sitat(tall: int, tekst: str) -> bool:
    """The figure is in the text, as digits or as a word."""
    ord_ = [o for o, n in TALLORD.items() if n == tall]
    return bool(re.search(rf"\b({tall}|{'|'.join(ord_) or '-'})\b", tekst, re.IGNORECASE))


@pytest.mark.parametrize(
    ("tekst", "ventet"),
    [
        ("Opphold skal tilbys innen 4 uker etter mottatt henvisning.", ("innleggelse", 4, 4)),
        ("Utredning: ca. 4-6 uker", ("utredning", 4, 6)),
        ("Oppstart om 14 dager", ("behandling", 2, 2)),
        ("Forløpet starter innen to uker", ("behandling", 2, 2)),
        ("Oppstart om 10 dager", None),  # not whole weeks
        ("Utredning innen 3 måneder", None),  # months are never converted
        ("Henvisningen vurderes innen ti virkedager", None),  # working days neither
        ("Kort ventetid.", None),
        ("6 uker", None),  # weeks without a type: the type is not guessed
        ("Behandlingen starter om 2 uker, utredning tar 4 uker", None),  # which one?
    ],
)
def test_only_plainly_stated_weeks_and_type_are_read(tekst: str, ventet: tuple | None) -> None:
    tolkning = tolk_ventetid(tekst)
    if ventet is None:
        assert tolkning is None
    else:
        assert tolkning is not None
        assert (tolkning.type, tolkning.uker_min, tolkning.uker_maks) == ventet


def test_catalogue_waiting_times_parsed_and_none_invented(capsys) -> None:
    """The real catalogue: every free text became a row; the structured ones are traceable to
    their words (the figure and the type word are in the text), the rest are text alone."""
    med_tekst = Tilbud.objects.exclude(ventetid_tekst="")
    rader = list(Ventetid.objects.select_related("tilbud"))
    assert {r.tilbud_id for r in rader} == set(med_tekst.values_list("pk", flat=True))
    strukturerte = [r for r in rader if r.strukturert]
    for r in rader:
        assert r.tekst == r.tilbud.ventetid_tekst and r.kilde == "rapport"
        assert r.dato == date(2020, 12, 1)  # the report's date, not today
    for r in strukturerte:
        tolkning = tolk_ventetid(r.tekst)
        assert tolkning is not None
        assert tolkning.ukeord in r.tekst and tolkning.typeord in r.tekst
        assert _sitat(r.uker_maks, tolkning.ukeord) and _sitat(r.uker_min, tolkning.ukeord)
    ikke = [r for r in rader if not r.strukturert]
    assert all(r.type == "" and r.uker_maks is None for r in ikke)
    # The count the brief asks for, in the test output (-s).
    print(
        f"\nVentetider i katalogen: {len(rader)} tekster, {len(strukturerte)} strukturert "
        f"({', '.join(f'{r.tilbud.kilde_id}: {r.type} {r.uker_maks} uker' for r in strukturerte)}),"
        f" {len(ikke)} ikke strukturert"
    )
    assert (len(rader), len(strukturerte)) == (6, 2)
    assert {(r.tilbud.kilde_id, r.type, r.uker_maks) for r in strukturerte} == {
        ("s4_6_1_8_1", "behandling", 2),  # «Forløpet starter … innen to uker»
        ("s4_6_9_3", "innleggelse", 4),  # «Opphold skal tilbys innen 4 uker»
    }


def test_migration_and_import_give_the_same_rows_and_rerun_changes_nothing() -> None:
    fra_import = _rader()
    migrering = importlib.import_module("tilbud.migrations.0021_ventetider_fra_tekst")
    Ventetid.objects.all().delete()
    migrering.fra_tekst(apps, None)
    assert _rader() == fra_import
    migrering.fra_tekst(apps, None)  # re-run
    importer_katalog()  # and the import again
    assert _rader() == fra_import


def test_a_coordinators_newer_value_survives_a_reimport() -> None:
    tilbud = Tilbud.objects.get(kilde_id="s4_6_9_3")
    Ventetid.objects.filter(tilbud=tilbud).update(
        kilde="koordinator", uker_min=6, uker_maks=6, dato=date(2026, 11, 1)
    )
    importer_katalog()
    assert list(Ventetid.objects.filter(tilbud=tilbud).values_list("kilde", "uker_maks")) == [
        ("koordinator", 6)
    ]


@pytest.mark.parametrize(
    "felt",
    [
        {"type": "behandling", "uker_min": 6, "uker_maks": 4},  # from after to
        {"type": "", "uker_min": 4, "uker_maks": 4},  # weeks without a type
        {"type": "behandling", "uker_min": None, "uker_maks": None},  # a type without weeks
        {"type": "", "uker_min": None, "uker_maks": None, "tekst": ""},  # nothing at all
        {"type": "kaffe", "uker_min": 1, "uker_maks": 1},
        {"type": "dag", "uker_min": 1, "uker_maks": 999},
    ],
)
def test_constraints_refuse_half_or_impossible_waiting_times(felt: dict) -> None:
    tilbud = TilbudFactory()
    data = {"tekst": "x", "dato": date(2026, 11, 1), "kilde": "koordinator", **felt}
    with pytest.raises(IntegrityError), transaction.atomic():
        Ventetid.objects.create(tilbud=tilbud, **data)


def _ventetid(tilbud: Tilbud, type_: str, uker: int, *, dager_siden: int = 5) -> Ventetid:
    return Ventetid.objects.create(
        tilbud=tilbud,
        type=type_,
        uker_min=uker,
        uker_maks=uker,
        dato=timezone.localdate() - timedelta(days=dager_siden),
        kilde="koordinator",
    )


def test_card_shows_the_treatment_wait_with_its_date_and_outdated_after_31_days(
    api: APIClient,
) -> None:
    tilbud = TilbudFactory(navn="Ventetidstilbud")
    _ventetid(tilbud, "vurdering", 1)
    _ventetid(tilbud, "behandling", 4, dager_siden=32)
    kort = api.get(URL, {"q": "Ventetidstilbud"}).json()["results"][0]
    vist = kort["ventetid_vist"]
    assert (vist["type"]["kode"], vist["visning"], vist["utdatert"]) == (
        "behandling",
        "ca. 4 uker",
        True,
    )
    html = APIClient().get("/", {"q": "Ventetidstilbud"}).content.decode()
    malt = (timezone.localdate() - timedelta(days=32)).strftime("%d.%m.%Y")
    assert f"ca. 4 uker (målt {malt})" in html and "utdatert" in html


def test_sort_by_waiting_time_puts_unknown_last_and_filter_maks_uker(api: APIClient) -> None:
    kort, lang, ukjent = (TilbudFactory(navn=f"Sortvent {n}") for n in ("A", "B", "C"))
    _ventetid(lang, "behandling", 10)
    _ventetid(kort, "behandling", 3)
    _ventetid(kort, "vurdering", 20)  # not the shown one: treatment comes first
    svar = api.get(URL, {"q": "Sortvent", "sorter": "ventetid"}).json()
    assert [t["navn"] for t in svar["results"]] == ["Sortvent A", "Sortvent B", "Sortvent C"]
    svar = api.get(URL, {"q": "Sortvent", "maks_uker": "5"}).json()
    assert [t["navn"] for t in svar["results"]] == ["Sortvent A"]
    html = APIClient().get("/", {"q": "Sortvent", "sorter": "ventetid"}).content.decode()
    assert "Tilbud med ukjent ventetid står sist." in html
    assert ukjent.pk  # the unknown one is there, last


def test_sort_by_waiting_time_with_the_patients_kommune(api: APIClient) -> None:
    svar = api.get(URL, {"kommune": "Bodø", "sorter": "ventetid", "page_size": 100}).json()
    uker = [(t["ventetid_vist"] or {}).get("uker_maks") for t in svar["results"]]
    kjente = [u for u in uker if u is not None]
    assert kjente == sorted(kjente) and uker[: len(kjente)] == kjente
    assert all(t["niva"] is not None for t in svar["results"])


@pytest.mark.parametrize(
    "params",
    [{"maks_uker": "fire"}, {"maks_uker": "-1"}, {"maks_uker": "261"}, {"sorter": "pris"}],
)
def test_bad_sort_or_maks_uker_is_a_400_with_the_field(api: APIClient, params: dict) -> None:
    svar = api.get(URL, params)
    assert svar.status_code == 400 and set(svar.json()) == set(params)
    assert APIClient().get("/", params).status_code == 400


def test_definition_stated_in_schema_and_on_the_page(api: APIClient) -> None:
    skjema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "lavest prioritet" in skjema
    tilbud = Tilbud.objects.get(kilde_id="s4_6_9_3")
    html = APIClient().get(f"/tilbud/{tilbud.pk}/").content.decode()
    assert "forventet maksimal ventetid for pasientene med lavest prioritet" in html
