"""Shared fixtures: the real catalogue is imported once per test session with the import command."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tilbud import referanse

# pytest-xdist (`make test` runs two workers, `--dist loadgroup`): tests that share something
# expensive of their own stay on one worker. The fault and load tests share a private PostgreSQL
# cluster (initdb, migrate and the catalogue import: the session fixture in
# tests/drift/conftest.py); spread over both workers, each worker would build one. Grouped by the
# fixture they use, so a new test that uses it joins the group by itself.
XDIST_GRUPPER = {"privat_pg": "privat-postgres"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixtur, gruppe in XDIST_GRUPPER.items():
            if fixtur in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.xdist_group(gruppe))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Tests read the real catalogue; each test runs in a transaction that is rolled back.
    with django_db_blocker.unblock():
        call_command("importer_katalog", stdout=StringIO())


@pytest.fixture(autouse=True)
def _ferske_referansedata() -> Iterator[None]:
    # The search keeps the reference tables in process memory (tilbud.referanse). A test that
    # changed them (through signals or the import) may have loaded a copy holding rows that its
    # rollback or flush then removed: the next test starts without a copy, as a new worker.
    for_ = referanse.generasjon()
    yield
    if referanse.generasjon() != for_:
        referanse.glem()
    # A copy loaded at a version the rollback undid is compared again at the next call.
    referanse.se_etter()


@pytest.fixture
def varme_referansedata() -> None:
    """For query counts: the reference tables already in memory, as in a running worker (the
    first search of a process loads them, nine queries once)."""
    referanse.referanse()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def uten_struping(settings) -> None:
    """API quotas off, for tests that send hundreds of requests from one client address (the
    quotas themselves: tests/sikkerhet/test_api_struping.py)."""
    settings.API_ANONYM_STRUPING = None
    for navn in ("API_STRUPING_ANONYM", "API_STRUPING_INNLOGGET"):
        if hasattr(settings, navn):
            setattr(settings, navn, None)
