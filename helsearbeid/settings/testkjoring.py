"""One test run's share of the machine's services: a run id, and a Redis database of its own.

The run id is the pytest process's id, kept in HELSEARBEID_TESTKJORING so that the processes a
test starts (Celery workers, gunicorn) belong to the same run. The Redis database (1–15) is
claimed with SET NX on a key in database 0 that expires, so a run that was killed frees its
database within hours, and released when the run ends."""

import atexit
import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

KJORING_MILJO = "HELSEARBEID_TESTKJORING"
REDIS_DB_MILJO = "HELSEARBEID_TEST_REDIS_DB"
KRAV_NOKKEL = "helsearbeid:testkjoring:redis-db:{}"
KRAV_LEVETID_SEKUNDER = 3 * 60 * 60
REDIS_DATABASER = range(1, 16)


def kjoring_id() -> str:
    """The run's id; the first process of a run (pytest) sets it for the processes it starts."""
    kjoring = os.environ.setdefault(KJORING_MILJO, str(os.getpid()))
    if not kjoring.isdigit():
        raise ImproperlyConfigured(f"{KJORING_MILJO}={kjoring!r} skal være et prosessnummer.")
    return kjoring


def _med_db(url: str, db: int) -> str:
    deler = urlsplit(url)
    return urlunsplit(deler._replace(path=f"/{db}"))


def kjoringens_redis_url(url: str) -> str:
    """`url` with the run's own database, claimed once per run and emptied for it."""
    claimed = os.environ.get(REDIS_DB_MILJO)
    if claimed:
        return _med_db(url, int(claimed))
    import redis

    kjoring = kjoring_id()
    felles = redis.Redis.from_url(_med_db(url, 0), socket_connect_timeout=2)
    try:
        for db in REDIS_DATABASER:
            nokkel = KRAV_NOKKEL.format(db)
            if felles.set(nokkel, kjoring, nx=True, ex=KRAV_LEVETID_SEKUNDER):
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
    os.environ[REDIS_DB_MILJO] = str(db)

    def frigi() -> None:
        try:
            if felles.get(nokkel) == kjoring.encode():
                redis.Redis.from_url(_med_db(url, db)).flushdb()
                felles.delete(nokkel)
        except redis.RedisError:
            pass  # the claim expires by itself

    atexit.register(frigi)
    return _med_db(url, db)
