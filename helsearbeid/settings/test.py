"""`make test`: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, SQLite otherwise."""

from .base import *  # noqa: F403
from .env import env_str

DEBUG = False
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
