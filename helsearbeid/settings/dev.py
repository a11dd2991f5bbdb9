"""`make run`: embedded SQLite, Celery eager, debug on. Never used in production."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
# A development-only key; production.py refuses to start with anything like it.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-dev-only-helsearbeid"
