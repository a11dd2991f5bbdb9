"""`make run`: embedded SQLite, Celery eager, debug on. Never used in production."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
# A development-only key; production.py refuses to start with anything like it.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-dev-only-helsearbeid"
# Development-only keys for the referral fields; production.py refuses to start without its own.
HENVISNING_NOKKEL = env_str("HENVISNING_NOKKEL") or "Dm_4d7gDoEoBSO457_unWcYCBMBYdQyor8WPOYWYlDw="
HENVISNING_HMAC_NOKKEL = env_str("HENVISNING_HMAC_NOKKEL") or "dev-only-hmac-helsearbeid"
