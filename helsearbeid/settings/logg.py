"""LOGGING: readable lines for `make run`, one JSON object per line in production
(LOGG_FORMAT=json, production's default). Every line has the request id; fødselsnummer-shaped
numbers are blanked (helsearbeid/logg.py). Star-imported at the end of base.py."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .env import env_str

LOGG_FORMATER = ("json", "tekst")


def logging_config(format_: str, niva: str = "INFO") -> dict[str, Any]:
    if format_ not in LOGG_FORMATER:
        raise ImproperlyConfigured(f"LOGG_FORMAT={format_!r}: bruk json eller tekst.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "helsearbeid.logg.ForesporselIdFilter"}},
        "formatters": {
            "json": {
                "()": "helsearbeid.logg.JsonLoggFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            },
            "tekst": {
                "()": "helsearbeid.logg.TekstLoggFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            },
        },
        "handlers": {
            "konsoll": {
                "class": "logging.StreamHandler",
                "formatter": format_,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["konsoll"], "level": niva},
        "loggers": {
            # Django's own lines (4xx/5xx, security) through the same handler: its default
            # console handler writes only with DEBUG, and without the id.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            # One access line per request (method, path, status, ms, who). `make run` leaves it
            # to runserver, which already prints each request.
            "helsearbeid.foresporsel": {"level": "INFO" if format_ == "json" else "WARNING"},
        },
    }


# Root logger level: DEBUG, INFO, WARNING, ERROR.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO") or "INFO"
# json (one object per line, for log collection) or tekst (readable); production defaults to json.
LOGG_FORMAT = env_str("LOGG_FORMAT", "tekst") or "tekst"
LOGGING = logging_config(LOGG_FORMAT, LOG_LEVEL)
LOGGING_CONFIG = "helsearbeid.logg.konfigurer"

# Celery workers keep this configuration (JSON and request id) instead of their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
