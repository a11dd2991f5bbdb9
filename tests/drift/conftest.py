"""A private PostgreSQL cluster for the fault and load tests, shared by the test session: one
database `mal` migrated with the real catalogue, copied (CREATE DATABASE … TEMPLATE) for each
test that needs one. Skipped on the SQLite run, like the other tests with real servers (listed in
tests/forventede_hopp.py); on the PostgreSQL run a missing server program is a failure, never a
skip: .ci/run installs them."""

from collections.abc import Iterator

import pytest
from django.conf import settings

from .tjenester import PrivatPostgres, app_miljo, manage, postgres_tilgjengelig, redis_tilgjengelig

MAL = "mal"


def _pa_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].split(".")[-1] == "postgresql"


@pytest.fixture(scope="session")
def privat_pg() -> Iterator[PrivatPostgres]:
    if not _pa_postgres():
        pytest.skip("kjører bare på PostgreSQL-kjøringen (DATABASE_URL)")
    if not (postgres_tilgjengelig() and redis_tilgjengelig()):
        pytest.fail(
            "initdb/pg_ctl (PostgreSQL), runuser eller redis-server mangler: feil- og lasttestene "
            "må kjøre på PostgreSQL-kjøringen (.ci/run installerer dem)"
        )
    pg = PrivatPostgres()
    try:
        pg.init()
        miljo = app_miljo(pg.lag_database(MAL), None)
        manage(miljo, "migrate", "--noinput", "-v0")
        manage(miljo, "importer_katalog")
        yield pg
    finally:
        pg.fjern()
