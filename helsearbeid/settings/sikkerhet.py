"""Security settings shared by every environment. Star-imported at the end of base.py.

Content-Security-Policy (django-csp 4), login lock-out (django-axes), API throttling (DRF) and
login through OpenID Connect (mozilla-django-oidc, e.g. HelseID). production.py adds what needs
HTTPS (secure cookies, HSTS, redirect). README: «Sikkerhet»."""

from datetime import timedelta

from csp.constants import NONE, SELF

from .env import env_bool, env_str

# --- Content-Security-Policy -----------------------------------------------------------------
# Nothing inline: every script and style is a file under static/ (no <script> blocks, no
# onclick=, no style=); JSON for scripts goes in data- attributes. frame-ancestors 'none' is the
# CSP twin of X-Frame-Options: DENY; form-action 'self' keeps forms (and the redirects after
# them) on this site, which is why «Logg inn med HelseID» is a link and not a form.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI's own stylesheet draws its icons as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Proxies in front of the app --------------------------------------------------------------
# How many proxies append to X-Forwarded-For in front of gunicorn (production: the TLS proxy,
# 1). Decides the client address for API throttling and the login log. 0: REMOTE_ADDR as is.
ANTALL_PROXYER = int(env_str("ANTALL_PROXYER", "0") or 0)

# --- Login lock-out (django-axes) --------------------------------------------------------------
# After INNLOGGING_MAKS_FEIL wrong passwords for one user name, that user name is locked for
# INNLOGGING_SPERRE_MINUTTER minutes, even with the right password (429, a page in Norwegian).
# Counted per user name, not per address: GPs and hospitals often share one address through
# Norsk Helsenett, and a lock per address would shut out a whole office.
AXES_FAILURE_LIMIT = int(env_str("INNLOGGING_MAKS_FEIL", "5") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=int(env_str("INNLOGGING_SPERRE_MINUTTER", "15") or 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address as well; that is the lock per office described above. Guessing
# one password across many user names from one address is for the proxy's rate limit on
# /konto/login/ and /admin/login/ (README, «Sikkerhet»).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# The lock runs its time from when it began; trying during the lock does not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "helsearbeid.sikkerhet.sperret"
AXES_CLIENT_IP_CALLABLE = "helsearbeid.sikkerhet.klientadresse"
# Log lines mask these (no personal data in logs); the access log tables in the admin keep user
# name, address and time, never a password.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]

# --- API throttling (DRF) ----------------------------------------------------------------------
# Per client address without login, per user with login (session or token). Analysts' API keys
# have their own per-key limit on the export endpoints (API_NOKKEL_STRUPING, settings/api.py).
# DRF rate syntax: "600/min", "20000/hour". Empty turns the limit off.
API_STRUPING_ANONYM = env_str("API_STRUPING_ANONYM", "600/min") or None
API_STRUPING_INNLOGGET = env_str("API_STRUPING_INNLOGGET", "1200/min") or None

# --- Sessions ------------------------------------------------------------------------------------
# A login lasts at most a working day (SESJON_TIMER hours) and ends when the browser closes.
SESSION_COOKIE_AGE = int(env_str("SESJON_TIMER", "8") or 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A person's API token lasts as long as a login (API_TOKEN_TIMER hours, helsearbeid/tokens).
API_TOKEN_TIMER = float(env_str("API_TOKEN_TIMER", "8") or 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF token from the cookie: it comes from the form's hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Login through OpenID Connect (HelseID or another provider) ---------------------------------
# Off by default: Django's own user names and passwords. OIDC_AKTIV=1 adds «Logg inn med
# <OIDC_NAVN>» to the login page (authorization code flow with PKCE, state and nonce; the ID
# token's signature, issuer and audience are checked). A user is found by the provider's `sub`
# and created on first login (OIDC_OPPRETT_BRUKER); name and e-mail follow the provider. Roles
# are still given in the admin.
OIDC_AKTIV = env_bool("OIDC_AKTIV", False)
OIDC_NAVN = env_str("OIDC_NAVN", "HelseID")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
# The client's private key (a JWK as JSON, or PEM): the client then authenticates with a signed
# assertion (private_key_jwt, what HelseID requires) instead of OIDC_RP_CLIENT_SECRET.
OIDC_RP_PRIVAT_NOKKEL = env_str("OIDC_RP_PRIVAT_NOKKEL", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid profile email")
OIDC_CREATE_USER = env_bool("OIDC_OPPRETT_BRUKER", True)
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-tilbake"
OIDC_BACKEND = "helsearbeid.oidc.OidcBackend"
