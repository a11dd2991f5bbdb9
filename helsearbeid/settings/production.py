"""Production: every secret from the environment; refuses to start when insecure."""

from django.core.exceptions import ImproperlyConfigured

from helsearbeid.nokler import (
    fernet_feil,
    hemmelighet_feil,
    publiserte_fernet_nokler,
)

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, DATABASES, REST_FRAMEWORK, SECRET_KEY
from .env import env_bool, env_str
from .logg import logging_config

DEBUG = False


def _require_secure_keys() -> None:
    """Stop start-up (and `check --deploy`) with a clear message instead of running with a key
    that is published in the repository, guessable or malformed (helsearbeid.nokler). The
    messages name the setting, never its value."""
    feil = [
        hemmelighet_feil("SECRET_KEY", SECRET_KEY),
        hemmelighet_feil("HENVISNING_HMAC_NOKKEL", HENVISNING_HMAC_NOKKEL),  # noqa: F405
        fernet_feil(HENVISNING_NOKKEL),  # noqa: F405
    ]
    if publisert := publiserte_fernet_nokler(HENVISNING_NOKKEL):  # noqa: F405
        feil.append(
            f"HENVISNING_NOKKEL: nøkkel nr. {', '.join(map(str, publisert))} står i kildekoden "
            "(for utvikling og test) og kan ikke brukes i produksjon."
        )
    if feil := [f for f in feil if f]:
        raise ImproperlyConfigured(" ".join(feil))


_require_secure_keys()

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Produksjon krever PostgreSQL: sett DATABASE_URL=postgres://…")

# HTTPS only. HttpOnly, SameSite, nosniff, X-Frame-Options: DENY, Referrer-Policy and the CSP
# are set for every environment in settings/sikkerhet.py; here what needs HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Secure- prefix: browsers refuse such a cookie unless it is Secure and came over HTTPS.
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# `preload` in the header only makes the domain eligible; it is on the browsers' lists only after
# someone submits it (hstspreload.org), which is a decision for whoever owns the whole domain:
# README, «Sikkerhet».
SECURE_HSTS_PRELOAD = True
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

# One proxy (the TLS terminator) in front by default: its X-Forwarded-For entry is the client.
ANTALL_PROXYER = int(env_str("ANTALL_PROXYER") or 1)
REST_FRAMEWORK["NUM_PROXIES"] = ANTALL_PROXYER

if OIDC_AKTIV:  # noqa: F405
    _mangler = [
        navn
        for navn in (
            "OIDC_OP_ISSUER",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
            "OIDC_RP_CLIENT_ID",
        )
        if not globals()[navn]
    ]
    if not (OIDC_RP_CLIENT_SECRET or OIDC_RP_PRIVAT_NOKKEL):  # noqa: F405
        _mangler.append("OIDC_RP_PRIVAT_NOKKEL (eller OIDC_RP_CLIENT_SECRET)")
    if _mangler:
        raise ImproperlyConfigured(f"OIDC_AKTIV=1 krever også {', '.join(_mangler)}.")
    _usikre = [
        navn
        for navn in globals()
        if navn.startswith("OIDC_OP_") and not str(globals()[navn]).startswith("https://")
    ]
    if _usikre:
        raise ImproperlyConfigured(f"Må være https:// i produksjon: {', '.join(_usikre)}.")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "587") or 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10

# One JSON object per log line (with request_id) unless LOGG_FORMAT=tekst.
LOGG_FORMAT = env_str("LOGG_FORMAT", "json") or "json"
LOGGING = logging_config(LOGG_FORMAT, LOG_LEVEL)  # noqa: F405
