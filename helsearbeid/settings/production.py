"""Production: every secret from the environment; refuses to start when insecure."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, SECRET_KEY
from .env import env_bool, env_str

DEBUG = False


def _require_secure_secret_key(key: str) -> None:
    """Stop start-up with a clear message instead of running with a guessable key."""
    if not key:
        raise ImproperlyConfigured("SECRET_KEY må settes i miljøet i produksjon.")
    if key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY er usikker: bruk minst 50 tilfeldige tegn "
            "(f.eks. python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )


_require_secure_secret_key(SECRET_KEY)

if not (HENVISNING_NOKKEL and HENVISNING_HMAC_NOKKEL):  # noqa: F405
    raise ImproperlyConfigured(
        "HENVISNING_NOKKEL og HENVISNING_HMAC_NOKKEL må settes i produksjon "
        "(nøkler for kryptering og oppslag av fødselsnummer i henvisninger)."
    )

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Produksjon krever PostgreSQL: sett DATABASE_URL=postgres://…")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "587") or 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
