"""Liveness and readiness probes used by docker-compose."""

import pytest
from django.conf import settings
from django.test import Client


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    svar = client.get("/healthz")
    assert svar.status_code == 200 and svar.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_migrations_and_redis(client: Client) -> None:
    svar = client.get("/readyz")
    assert svar.status_code == 200, svar.json()
    sjekker = svar.json()["sjekker"]
    assert sjekker["database"] == "ok" and sjekker["migreringer"] == "ok"
    # In CI this suite runs once with REDIS_URL (a real Redis) and once without.
    assert ("redis" in sjekker) == bool(settings.REDIS_URL)


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_redis(client: Client, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    svar = client.get("/readyz")
    assert svar.status_code == 503
    assert svar.json()["sjekker"]["redis"].startswith("feil")


@pytest.mark.django_db
def test_readyz_reports_unapplied_migrations(client: Client) -> None:
    from unittest import mock

    with mock.patch(
        "helsearbeid.health.MigrationExecutor.migration_plan", return_value=[("drift", False)]
    ):
        svar = client.get("/readyz")
    assert svar.status_code == 503
    assert svar.json()["sjekker"]["migreringer"] == "1 mangler"
