"""The one launcher for real `celery worker` processes in tests (and bench/last.py), with one
settings module for them: tests/arbeider_innstillinger.py.

A worker runs in its own process group with its output in a file, is started with one pool
process and without gossip, mingle and heartbeat (faster start, no chatter between the tests'
workers), and `start` returns once it says «ready» (60 s at most) or fails with its log. Stop it
with `.stopp()` (SIGTERM, then SIGKILL) or `.stopp(signal.SIGKILL)` to kill it mid-task.
"""

import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.drift.tjenester import BIN, ROT, Prosess, vent

INNSTILLINGER = "tests.arbeider_innstillinger"


def testdatabase_url() -> str:
    """This run's test database as a DATABASE_URL, for a worker that must see committed rows."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def miljo(**ekstra: str) -> dict[str, str]:
    """A worker's environment on this run's test database and Redis (the same the test uses),
    with the shared worker settings; `ekstra` adds or overrides variables."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": INNSTILLINGER,
        "DATABASE_URL": testdatabase_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONPATH": str(ROT),
        **ekstra,
    }


def start(miljo: dict[str, str], logg: Path, *, navn: str, ko: str | None = None) -> Prosess:
    """Start one worker called `navn` (consuming only queue `ko` when given) and wait until it
    is ready. A worker that dies or never gets ready fails the test with the end of its log."""
    argv = [
        str(BIN / "celery"), "-A", "helsearbeid", "worker", "-c", "1", "-n", f"{navn}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
    ]  # fmt: skip
    if ko:
        argv += ["-Q", ko]
    arbeider = Prosess(argv, miljo, logg)
    try:
        vent(
            lambda: "ready" in arbeider.tekst() or not arbeider.lever(),
            60,
            f"arbeideren {navn} starter",
        )
        assert arbeider.lever(), arbeider.tekst()[-3000:]
    except BaseException:
        arbeider.stopp()  # never leave a half-started worker behind
        raise
    return arbeider


def vent_til_arbeidernes_okter_er_borte(sekunder: float = 15) -> None:
    """A killed worker's PostgreSQL session ends when the server notices the closed socket: wait
    for that (bounded), so the test database can be flushed and dropped."""
    with connection.cursor() as cursor:
        slutt = time.monotonic() + sekunder
        while time.monotonic() < slutt:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.2)
