"""A pytest plugin for mutation runs only (bench/mutasjon.py loads it with `-p`): each pytest
process starts from a copy of a test database that was migrated and given the catalogue once.

mutmut runs pytest anew in a fork for every mutant, so without this each mutant migrated a fresh
test database and imported the catalogue before its first test (8–120 s on the shared machine,
far more than the tests themselves). With MUTASJON_DB_MAL set, the process copies the template
into a database of its own (SQLite: a file named by the process id; PostgreSQL: CREATE DATABASE
… TEMPLATE), points the test database there and keeps it (`--reuse-db`, which mutasjon.py
passes): migrate then finds nothing to do. The copy is removed when pytest ends. Without
MUTASJON_DB_MAL the plugin does nothing, so `make test` never depends on it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

MAL_MILJO = "MUTASJON_DB_MAL"


def _pg_kommando(settings_dict: dict, sql: str) -> None:
    import psycopg2

    tilkobling = psycopg2.connect(
        dbname="postgres",
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or None,
    )
    tilkobling.autocommit = True
    try:
        with tilkobling.cursor() as cursor:
            cursor.execute(sql)
    finally:
        tilkobling.close()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    mal = os.environ.get(MAL_MILJO)
    if not mal:
        return
    from django.db import connections

    tilkobling = connections["default"]
    tilkobling.close()
    innstillinger = tilkobling.settings_dict
    if innstillinger["ENGINE"] == "django.db.backends.sqlite3":
        kopi = str(Path(mal).with_name(f"prosess-{os.getpid()}.sqlite3"))
        shutil.copyfile(mal, kopi)
    else:
        kopi = f"{mal}_p{os.getpid()}"
        _pg_kommando(innstillinger, f'DROP DATABASE IF EXISTS "{kopi}"')
        _pg_kommando(innstillinger, f'CREATE DATABASE "{kopi}" TEMPLATE "{mal}"')
    innstillinger.setdefault("TEST", {})["NAME"] = kopi
    config.stash[_KOPI] = (innstillinger, kopi)


_KOPI = pytest.StashKey[tuple[dict, str]]()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _KOPI not in config.stash:
        return
    innstillinger, kopi = config.stash[_KOPI]
    from django.db import connections

    connections.close_all()
    if innstillinger["ENGINE"] == "django.db.backends.sqlite3":
        Path(kopi).unlink(missing_ok=True)
    else:
        _pg_kommando(innstillinger, f'DROP DATABASE IF EXISTS "{kopi}"')
