"""One test run's share of the machine's services: a run id, and a Redis database of its own.

The run id is the pytest process's id, kept in HELSEARBEID_TESTKJORING so that the processes a
test starts (Celery workers, gunicorn) belong to the same run. Under pytest-xdist every worker
(PYTEST_XDIST_WORKER: gw0, gw1 …) is a run of its own for Redis: pytest-django already gives each
worker its own test database (`…_gw0`), and a worker that empties its Redis database (a test's
cache.clear(), the claim's flushdb) must not empty the other worker's cache, queues and quotas.

The Redis database (1–15) is claimed with SET NX on a key in database 0 that expires, so a run
that was killed frees its database within hours, and released when the process ends. The claim
is kept in HELSEARBEID_TEST_REDIS_DB as `<owner>:<db>`; the processes a worker starts inherit it
(and PYTEST_XDIST_WORKER) and use the same database, while a worker that inherits its xdist
controller's claim sees another owner and claims its own."""

import atexit
import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

KJORING_MILJO = "HELSEARBEID_TESTKJORING"
REDIS_DB_MILJO = "HELSEARBEID_TEST_REDIS_DB"
XDIST_MILJO = "PYTEST_XDIST_WORKER"
KRAV_NOKKEL = "helsearbeid:testkjoring:redis-db:{}"
KRAV_LEVETID_SEKUNDER = 3 * 60 * 60
REDIS_DATABASER = range(1, 16)


def kjoring_id() -> str:
    """The run's id; the first process of a run (pytest) sets it for the processes it starts."""
    kjoring = os.environ.setdefault(KJORING_MILJO, str(os.getpid()))
    if not kjoring.isdigit():
        raise ImproperlyConfigured(f"{KJORING_MILJO}={kjoring!r} skal være et prosessnummer.")
    return kjoring


def redis_eier() -> str:
    """Who owns a Redis database: the run, or the run's xdist worker (`1234-gw0`)."""
    arbeider = os.environ.get(XDIST_MILJO)
    return f"{kjoring_id()}-{arbeider}" if arbeider else kjoring_id()


def _med_db(url: str, db: int) -> str:
    deler = urlsplit(url)
    return urlunsplit(deler._replace(path=f"/{db}"))


def _arvet_db(eier: str) -> int | None:
    """The database this owner already claimed (in this process or the one that started it)."""
    arvet = os.environ.get(REDIS_DB_MILJO, "")
    arvet_eier, _, db = arvet.rpartition(":")
    return int(db) if arvet_eier == eier and db.isdigit() else None


def kjoringens_redis_url(url: str) -> str:
    """`url` with the run's (or xdist worker's) own database, claimed once and emptied for it."""
    eier = redis_eier()
    arvet = _arvet_db(eier)
    if arvet is not None:
        return _med_db(url, arvet)
    import redis

    felles = redis.Redis.from_url(_med_db(url, 0), socket_connect_timeout=2)
    try:
        for db in REDIS_DATABASER:
            nokkel = KRAV_NOKKEL.format(db)
            if felles.set(nokkel, eier, nx=True, ex=KRAV_LEVETID_SEKUNDER):
                break
        else:
            raise ImproperlyConfigured(
                "Alle Redis-databasene 1–15 er tatt av andre testkjøringer "
                f"(nøklene {KRAV_NOKKEL.format('*')} i database 0)."
            )
        redis.Redis.from_url(_med_db(url, db)).flushdb()
    except redis.ConnectionError:
        # Redis is down: the tests that need it say so themselves; keep the URL's own database.
        return url
    os.environ[REDIS_DB_MILJO] = f"{eier}:{db}"

    def frigi() -> None:
        try:
            if felles.get(nokkel) == eier.encode():
                redis.Redis.from_url(_med_db(url, db)).flushdb()
                felles.delete(nokkel)
        except redis.RedisError:
            pass  # the claim expires by itself

    atexit.register(frigi)
    return _med_db(url, db)
