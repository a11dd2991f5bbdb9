"""Users in every role and objects in and out of Helse Nord, for the coordinator-area tests."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tests.factories import BrukerFactory, bruker_med_rolle
from tilbud.models import Endringsforslag, Feilmelding, Lokasjon, Organisasjon, Rolle, Tilbud

BODO = "s4_6_4_3_1"  # Nordlandssykehuset's HelseIArbeid-senteret (Helse Nord)
FORDE = "s4_6_2_4"  # Helse Førde (Helse Vest)
MANGLER = 99_999_999

ROLLER = [
    "anonym",
    "henviser",
    "koordinator_hn",
    "koordinator_hv",
    "redaktor_nordland",
    "redaktor_annen",
    "analytiker",
    "administrator",
]


def lag_bruker(rolle: str) -> Any:
    if rolle == "anonym":
        return None
    if rolle == "henviser":
        return bruker_med_rolle("henviser", henvisertype="fastlege")
    if rolle == "koordinator_hn":
        return bruker_med_rolle("koordinator", rhf="HN")
    if rolle == "koordinator_hv":
        return bruker_med_rolle("koordinator", rhf="HV")
    if rolle == "redaktor_nordland":
        return bruker_med_rolle("tilbudsredaktor", organisasjon="Nordlandssykehuset")
    if rolle == "redaktor_annen":
        return bruker_med_rolle("tilbudsredaktor", organisasjon="Universitetssykehuset Nord-Norge")
    if rolle == "analytiker":
        return bruker_med_rolle("analytiker")
    if rolle == "administrator":
        bruker = BrukerFactory()
        Rolle.objects.create(bruker=bruker, type=Rolle.Type.ADMINISTRATOR)
        return bruker
    raise ValueError(rolle)


def klient(bruker: Any = None, **kwargs: Any) -> Client:
    c = Client(**kwargs)
    if bruker is not None:
        c.force_login(bruker)
    return c


@pytest.fixture
def bodo() -> Tilbud:
    return Tilbud.objects.get(kilde_id=BODO)


@pytest.fixture
def forde() -> Tilbud:
    return Tilbud.objects.get(kilde_id=FORDE)


@pytest.fixture
def koordinator_hn() -> Any:
    return lag_bruker("koordinator_hn")


@pytest.fixture
def objekter(bodo: Tilbud, forde: Tilbud) -> dict[str, dict[str, int]]:
    """Primary keys per object type: in Helse Nord (Nordlandssykehuset) and in Helse Vest."""
    redaktor = lag_bruker("redaktor_nordland")

    def forslag(tilbud: Tilbud) -> int:
        return Endringsforslag.objects.create(
            tilbud=tilbud,
            endringer={"ventetid_tekst": "To uker"},
            grunnversjon=tilbud.versjon,
            foreslatt_av=redaktor,
        ).pk

    def feilmelding(tilbud: Tilbud) -> int:
        return Feilmelding.objects.create(
            tilbud=tilbud, felt="ventetid", beskrivelse="Feil ventetid", epost=""
        ).pk

    hv_org = forde.organisasjon
    return {
        "tilbud": {"egen": bodo.pk, "annen": forde.pk},
        "organisasjon": {"egen": bodo.organisasjon_id, "annen": hv_org.pk},
        "lokasjon": {
            "egen": Lokasjon.objects.filter(organisasjon=bodo.organisasjon).first().pk,
            "annen": Lokasjon.objects.filter(organisasjon__rhf__kode="HV").first().pk,
        },
        "forslag": {"egen": forslag(bodo), "annen": forslag(forde)},
        "feilmelding": {"egen": feilmelding(bodo), "annen": feilmelding(forde)},
    }


def hn() -> Organisasjon:
    return Organisasjon.objects.get(kode="HN")


@pytest.fixture(autouse=True)
def celery_eagerly() -> Iterator[None]:
    """Tasks run in the test process also when REDIS_URL points Celery at a real broker."""
    from helsearbeid.celery import app

    for_ = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = for_
