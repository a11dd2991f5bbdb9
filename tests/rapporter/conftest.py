"""Fixtures for the analyst API: clients with and without keys, and throttling kept out of the
way of tests that do not test it."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from rapporter.services import api_nokkel_opprett


@pytest.fixture(autouse=True)
def _uten_anonym_struping(settings) -> None:
    # Every test client comes from 127.0.0.1: a shared per-IP bucket would make tests depend on
    # each other. The throttling tests turn it on with their own rate and address.
    settings.API_ANONYM_STRUPING = None
    settings.API_NOKKEL_STRUPING = "10000/hour"
    # Tests change a tilbud and pull at once; the margin has its own test.
    settings.SYNK_SIKKERHETSMARGIN = timedelta(0)


@pytest.fixture
def nokkel_og_klartekst(db):
    return api_nokkel_opprett(navn="Testklient", eier="Helse Nord RHF, analyse")


@pytest.fixture
def analytiker(nokkel_og_klartekst) -> APIClient:
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION=f"Api-Key {nokkel_og_klartekst[1]}")
    return klient
