"""`make run`: embedded SQLite, Celery eager, debug on. Never used in production."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
# A development-only key; production.py refuses to start with anything like it.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-dev-only-helsearbeid"
# Development-only keys for the referral fields; production.py refuses to start without its own.
HENVISNING_NOKKEL = env_str("HENVISNING_NOKKEL") or "Dm_4d7gDoEoBSO457_unWcYCBMBYdQyor8WPOYWYlDw="
HENVISNING_HMAC_NOKKEL = env_str("HENVISNING_HMAC_NOKKEL") or "dev-only-hmac-helsearbeid"

# `make run` prints no spurious warnings and no repeated start-up lines (tests/test_inngang.py):
# - SQLite cannot make Sammendragsrad's NULLS NOT DISTINCT constraint; PostgreSQL (production,
#   CI) does, so the warning says nothing about the code here.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "models.W047"]  # noqa: F405
# - The in-process broker (Celery eager, no Redis) named without a host made kombu warn «No
#   hostname was supplied» on every command that queues a task.
if CELERY_BROKER_URL == "memory://":  # noqa: F405
    CELERY_BROKER_URL = "memory://localhost/"
# - django-axes logs «AXES: BEGIN …» in every process, twice under runserver's autoreloader.
LOGGING["loggers"]["axes.apps"] = {"level": "WARNING"}  # noqa: F405
