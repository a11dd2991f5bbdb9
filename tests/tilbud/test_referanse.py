"""The search's in-memory copy of the reference tables (tilbud.referanse): a change, however
written, moves the catalogue version (tilbud.katalogversjon), and the next request of any
process sees it; outside a request the copy looks at the version at most once a second."""

from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from tests.factories import LokasjonFactory, OrganisasjonFactory, TilbudFactory
from tilbud import katalogversjon, referanse
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


def test_the_version_is_read_once_per_request(django_assert_num_queries) -> None:
    with katalogversjon.som_foresporsel():
        with django_assert_num_queries(1):
            forste = katalogversjon.gjeldende()
            assert katalogversjon.gjeldende() == forste
        Kommune.objects.filter(nummer="1804").update(navn="Bodø")
        katalogversjon.glem()  # this request wrote: its next reader asks again
        with django_assert_num_queries(1):
            assert katalogversjon.gjeldende() != forste
    with django_assert_num_queries(2):  # outside a request, every call asks
        katalogversjon.gjeldende()
        katalogversjon.gjeldende()


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


def test_another_processs_change_is_seen_by_the_next_request_at_once(
    klokke: list[float], privat_tilbud: tuple[Organisasjon, int]
) -> None:
    leverandor, _ = privat_tilbud
    ny_avtale_i_annen_prosess(leverandor)  # no signal, no announcement: only the trigger
    with katalogversjon.som_foresporsel():
        assert avtaler(leverandor)


def test_outside_a_request_the_copy_looks_at_the_version_once_a_second(
    klokke: list[float], privat_tilbud: tuple[Organisasjon, int]
) -> None:
    leverandor, _ = privat_tilbud
    ny_avtale_i_annen_prosess(leverandor)
    assert not avtaler(leverandor)  # looked less than a second ago
    klokke[0] += referanse.SJEKK_HVERT + 0.1
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
