"""The search's in-memory copy of the reference tables (tilbud.referanse): a change is seen by
the next search in the same process at once, by other processes through the shared version
number after commit, and by everyone after MAKS_ALDER even when nobody announced it."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import LokasjonFactory, OrganisasjonFactory, TilbudFactory
from tilbud import referanse
from tilbud.models import Avtale, Kommune, Malgruppe, Organisasjon

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _glem_etterpa() -> Iterator[None]:
    # These tests change agreements without signals (as another process would): the copy they
    # leave behind holds rows the rollback removes.
    yield
    referanse.glem()


def niva(api: APIClient, tilbud_id: int) -> str:
    svar = api.get("/api/v1/tilbud/", {"kommune": "1804", "diagnose": "L86", "page_size": 100})
    assert svar.status_code == 200
    return next(t["niva"]["kode"] for t in svar.json()["results"] if t["id"] == tilbud_id)


@pytest.fixture
def privat_tilbud() -> tuple[Organisasjon, int]:
    """A private provider in Helse Nord without an agreement, with a tilbud in Bodø."""
    leverandor = OrganisasjonFactory()
    tilbud = TilbudFactory(
        organisasjon=leverandor,
        rhf=Organisasjon.objects.get(kode="HN"),
        malgrupper=list(Malgruppe.objects.all()),
    )
    tilbud.lokasjoner.add(LokasjonFactory(organisasjon=leverandor, kommune_id="1804"))
    return leverandor, tilbud.pk


def test_a_new_agreement_ranks_the_provider_up_at_once(
    api: APIClient, privat_tilbud: tuple[Organisasjon, int]
) -> None:
    leverandor, tilbud_id = privat_tilbud
    assert niva(api, tilbud_id) == "regionen"
    Avtale.objects.create(
        leverandor=leverandor, rhf=Organisasjon.objects.get(kode="HN"), type=Avtale.Type.ARR
    )
    assert niva(api, tilbud_id) == "avtale"


def test_the_shared_version_moves_after_commit_only(django_capture_on_commit_callbacks) -> None:
    cache.delete(referanse.VERSJON_NOKKEL)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Kommune.objects.filter(nummer="1804").first().save()
    assert cache.get(referanse.VERSJON_NOKKEL) is None  # not before commit
    for callback in callbacks:
        callback()
    assert cache.get(referanse.VERSJON_NOKKEL) is not None


@pytest.fixture
def klokke(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The copy's clock, moved by the test; the copy is loaded fresh at its start."""
    naa = [1000.0]
    monkeypatch.setattr(referanse.time, "monotonic", lambda: naa[0])
    referanse.glem()
    referanse.referanse()
    return naa


def avtaler(leverandor: Organisasjon) -> bool:
    """Whether this process's copy has an agreement for the provider in Helse Nord, after another
    worker (no signal here: bulk_create sends none) gave it one."""
    hn = Organisasjon.objects.get(kode="HN")
    return leverandor.pk in referanse.referanse().med_avtale.get(hn.pk, [])


def ny_avtale_i_annen_prosess(leverandor: Organisasjon) -> None:
    hn = Organisasjon.objects.get(kode="HN")
    Avtale.objects.bulk_create([Avtale(leverandor=leverandor, rhf=hn, type=Avtale.Type.PHV)])


def test_another_processs_change_is_seen_within_a_second(
    klokke: list[float], privat_tilbud: tuple[Organisasjon, int]
) -> None:
    leverandor, _ = privat_tilbud
    ny_avtale_i_annen_prosess(leverandor)
    klokke[0] += referanse.SJEKK_HVERT + 0.1
    assert not avtaler(leverandor)  # nobody said anything yet
    # …then that worker's commit moves the shared version number.
    cache.set(referanse.VERSJON_NOKKEL, "en annen prosess")
    assert not avtaler(leverandor)  # looked less than a second ago
    klokke[0] += referanse.SJEKK_HVERT + 0.1
    assert avtaler(leverandor)


def test_an_unannounced_change_is_seen_after_max_age(
    klokke: list[float], privat_tilbud: tuple[Organisasjon, int]
) -> None:
    leverandor, _ = privat_tilbud
    ny_avtale_i_annen_prosess(leverandor)
    klokke[0] += referanse.MAKS_ALDER - 1
    assert not avtaler(leverandor)
    klokke[0] += 2
    assert avtaler(leverandor)


def test_codes_and_categories_come_from_the_copy_as_from_the_tables(
    django_assert_num_queries,
) -> None:
    from tilbud.selectors import diagnose_slaa_opp

    referanse.referanse()
    with django_assert_num_queries(0):
        f41 = diagnose_slaa_opp("F41")
        l03 = diagnose_slaa_opp("l03")
    assert f41.treff[-1].er_kategori and f41.treff[-1].tittel.startswith("Kategori med")
    assert [t.kodeverk for t in l03.treff] == ["ICPC2", "ICD10"]  # ICPC-2 first, as GPs read it
    assert f41.malgruppe_ider and l03.malgruppe_ider
