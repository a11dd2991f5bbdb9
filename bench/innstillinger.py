"""Production settings for the benchmarks: `helsearbeid.settings.production`, unchanged, with the
environment it requires supplied here.

    DJANGO_SETTINGS_MODULE=bench.innstillinger \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ci \\
    REDIS_URL=redis://127.0.0.1:6379/14 \\
    .venv/bin/python bench/sok_bench.py

So the timed paths run what production runs: the Redis cache and the throttling buckets in it,
Celery publishing to Redis, the JSON access log, DEBUG off, the HTTPS settings (the bench's
clients send `X-Forwarded-Proto: https` as the TLS terminator would).

The secrets production insists on (SECRET_KEY, the referral keys) are generated at import when
the environment has none: random for each run, never written anywhere. They are put into
os.environ, so gunicorn and any other child the bench starts inherit the same ones. Nothing else
is overridden: a setting that differs from production must be given in the environment by the
script that needs it, and says why there.
"""

import base64
import os
import secrets
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured


def _krev_lokal(navn: str, skjema: tuple[str, ...]) -> None:
    url = os.environ.get(navn, "")
    deler = urlparse(url)
    if deler.scheme not in skjema or deler.hostname not in ("127.0.0.1", "localhost"):
        raise ImproperlyConfigured(
            f"bench.innstillinger: {navn} må peke på en lokal tjeneste "
            f"({skjema[0]}://127.0.0.1/…), ikke {url!r}."
        )


_krev_lokal("DATABASE_URL", ("postgres", "postgresql", "pgsql"))
_krev_lokal("REDIS_URL", ("redis",))

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
# A Fernet key: 32 random bytes, URL-safe base64.
os.environ.setdefault("HENVISNING_NOKKEL", base64.urlsafe_b64encode(os.urandom(32)).decode())
os.environ.setdefault("HENVISNING_HMAC_NOKKEL", secrets.token_urlsafe(32))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")

from helsearbeid.settings.production import *  # noqa: E402, F403

# The one thing not taken from production: where the log lines go. They are still formatted as
# JSON (the access log line per request is part of what is timed), but a bench that printed
# every one to its terminal would time the terminal: with BENCH_LOGG_TIL_FIL set (the bench
# scripts set it to a temporary file) the same lines are appended to that file instead.
if os.environ.get("BENCH_LOGG_TIL_FIL"):
    LOGGING["handlers"]["konsoll"]["class"] = "logging.FileHandler"  # noqa: F405
    LOGGING["handlers"]["konsoll"]["filename"] = os.environ["BENCH_LOGG_TIL_FIL"]  # noqa: F405
