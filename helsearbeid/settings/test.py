"""`make test`: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, SQLite otherwise.

Each test run has its own PostgreSQL test database and its own Redis database, so that two runs
on one machine do not clobber each other (testkjoring.py)."""

import os

from .env import env_str
from .testkjoring import kjoring_id, kjoringens_redis_url

# Before base reads REDIS_URL: the run's own Redis database. The processes a test starts (Celery
# workers, gunicorn) inherit the run id and the URL through the environment, and so share it.
if env_str("REDIS_URL"):
    os.environ["REDIS_URL"] = kjoringens_redis_url(os.environ["REDIS_URL"])

from .base import *  # noqa: F403
from .base import DATABASES

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # SQLite's test database is in memory: private to the run already.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{kjoring_id()}"}

DEBUG = False
# Off for the suite (a test that changes settings or the clock would meet another test's answer);
# tests/tilbud/test_offentlig_cache.py turns it on.
OFFENTLIG_CACHE = False
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-test-only-helsearbeid"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Development-only keys for the referral fields; production.py refuses to start without its own.
HENVISNING_NOKKEL = env_str("HENVISNING_NOKKEL") or "Dm_4d7gDoEoBSO457_unWcYCBMBYdQyor8WPOYWYlDw="
HENVISNING_HMAC_NOKKEL = env_str("HENVISNING_HMAC_NOKKEL") or "dev-only-hmac-helsearbeid"
# The suite's own traffic all comes from 127.0.0.1 and shares one bucket: limits far above it, so
# no test is throttled by the ones before it. tests/sikkerhet/test_api_struping.py sets them low.
API_STRUPING_ANONYM = "100000/min"
API_STRUPING_INNLOGGET = "100000/min"
# The same for the anonymous forms' quotas (counted in a cache no test clears): the tests of
# the quotas set them low (tests/tilbud/test_meld_feil_kvote.py, test_passord_reset.py).
FEILMELDING_STRUPING_ADRESSE = "100000/hour"
FEILMELDING_STRUPING_TILBUD = "100000/hour"
FEILMELDING_EPOST_STRUPING = "100000/day"
PASSORD_STRUPING_KONTO = "100000/hour"
PASSORD_STRUPING_ADRESSE = "100000/hour"
