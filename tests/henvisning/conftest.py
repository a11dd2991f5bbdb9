"""Fixtures for referrals: keys, a tilbud per routing, and the six kinds of user."""

from datetime import date

import pytest
from cryptography.fernet import Fernet

from tests.factories import TilbudFactory, bruker_med_rolle
from tilbud.models import Organisasjon, Tilbud

# Synthetic numbers with valid check digits (no real person).
FNR = "15108695088"
DNR = "55108695071"
FNR2 = "01017012343"
TEST_NOKKEL = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def henvisning_nokler(settings) -> None:
    settings.HENVISNING_NOKKEL = TEST_NOKKEL
    settings.HENVISNING_HMAC_NOKKEL = "test-hmac-nokkel-ikke-for-produksjon"
    settings.HENVISNING_SLETT_ETTER_DAGER = 30
    settings.PORTAL_URL = "https://portal.test"


@pytest.fixture
def leverandor(db) -> Organisasjon:
    return Organisasjon.objects.create(navn="Testklinikken AS", type=Organisasjon.Type.PRIVAT)


SJEKKLISTE = ["Funksjonsnivå i arbeid", "Tidligere behandling"]


@pytest.fixture
def tilbud(leverandor) -> Tilbud:
    from henvisning.models import Sjekkliste

    tilbud = TilbudFactory(
        organisasjon=leverandor,
        henvisning_til=Tilbud.HenvisningTil.LEVERANDOR,
        henvisning_tekst="Henvisninger vurderes av et tverrfaglig team.",
    )
    Sjekkliste.objects.create(tilbud=tilbud, punkter=SJEKKLISTE)
    return tilbud


@pytest.fixture
def sender(db):
    bruker = bruker_med_rolle("henviser", henvisertype="fastlege")
    bruker.email = "fastlege@example.no"
    bruker.save()
    return bruker


@pytest.fixture
def mottaker(leverandor):
    bruker = bruker_med_rolle("mottaker", organisasjon=leverandor.navn)
    bruker.email = "inntak@example.no"
    bruker.save()
    return bruker


@pytest.fixture
def annen_lege(db):
    return bruker_med_rolle("henviser", henvisertype="fastlege")


@pytest.fixture
def koordinator(db):
    return bruker_med_rolle("koordinator", rhf="HN")


@pytest.fixture
def analytiker(db):
    return bruker_med_rolle("analytiker")


def komplett(**endre) -> dict:
    data = {
        "fodselsnummer": FNR,
        "navn": "Ola Testpasient",
        "diagnosekoder": ["L86"],
        "sykmeldt": True,
        "sykmelding_prosent": 50,
        "sykmeldt_fra": date(2026, 1, 5),
        "sporsmal": "Vurdering av arbeidsrettet rehabilitering.",
        "arbeidssituasjon": "Lagerarbeider, 100 % stilling.",
        "arbeidsgiverkontakt": "Leder er kjent med saken.",
        "nav_kontakt": "NAV-veileder i Bodø.",
        "samtykke": True,
    }
    data.update(endre)
    return data
