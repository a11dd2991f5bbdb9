"""Shared fixtures: the real catalogue is imported once per test session with the import command."""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Tests read the real catalogue; each test runs in a transaction that is rolled back.
    with django_db_blocker.unblock():
        call_command("importer_katalog", stdout=StringIO())


@pytest.fixture
def api() -> APIClient:
    return APIClient()
