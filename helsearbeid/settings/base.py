"""Settings shared by every environment. Values that differ come from environment variables."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from .env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "pghistory",
    "tilbud",
    "henvisning",
    "rapporter",
    "helsearbeid.drift",
    "helsearbeid.tokens",
]

MIDDLEWARE = [
    # First: every log line of the request, and the answer, carry its X-Request-ID.
    "helsearbeid.logg.ForesporselIdMiddleware",
    # Error answers under /api/ are JSON, also Django's technical pages (DEBUG on).
    "helsearbeid.feil.ApiJsonMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on personal data, Vary: Authorization on the API.
    "helsearbeid.ingen_lagring.IngenLagringMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user is known (the 400 page has the site's header), before any view reads input.
    "helsearbeid.feil.UgyldigTegnMiddleware",
    # Anonymous public reads: 304 and cached answers per catalogue version (issue 20).
    "tilbud.offentlig_cache.OffentligCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A referral that cannot be decrypted, or a wrong key: 503 and an ERROR line, not a 500.
    "henvisning.nokkelfeil.NokkelfeilMiddleware",
    # Last, as django-axes asks: answers a locked-out login with its page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helsearbeid.urls"
WSGI_APPLICATION = "helsearbeid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helsearbeid.sikkerhet.innlogging",
                # The header: who is logged in, in which roles, and their start pages.
                "helsearbeid.start.inngang",
            ],
        },
    },
]

# DATABASE_URL selects the database: PostgreSQL in production and CI, SQLite for `make run`.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs more than it saves on the short, index-driven searches here
    # (measured in bench/: 250–500 ms per ranked search at 100 000 tilbud).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A database that cannot be reached answers within seconds (a friendly 503, see
    # helsearbeid.driftsfeil) instead of holding a gunicorn worker until its timeout.
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = 5

# History is written by PostgreSQL triggers (django-pghistory): edits, admin, import and bulk
# updates alike. SQLite (the `make run` default) has no triggers, so it records no history, and
# pghistory's request context needs psycopg: only enable it on PostgreSQL.
HISTORIKK_AKTIV = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if HISTORIKK_AKTIV:
    # Records who made each change (and from which URL) with the history events.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
        "pghistory.middleware.HistoryMiddleware",
    )
    # Only requests that can change tracked rows. pghistory's default includes GET, and then
    # prefixes every non-SELECT statement of a read (the ranked search starts with WITH) with a
    # set_config() call and serialises its context to JSON for each one.
    PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Answers under these paths are never stored by a browser or proxy, whatever their status, and
# neither is any answer to a signed-in person (helsearbeid/ingen_lagring.py).
INGEN_LAGRING_STIER = [
    "/henvisninger/",
    "/api/v1/henvisninger/",
    "/api/v1/token/",
    "/koordinator/",
    "/konto/",
    "/admin/",
    # The «Meld feil» e-mail confirmation: its signed link carries the reporter's address.
    "/tilbud/meld-feil/",
]

LOGIN_URL = "login"
# Every role lands on its own start page (helsearbeid/start.py), also after HelseID.
LOGIN_REDIRECT_URL = "start"

AUTHENTICATION_BACKENDS = [
    # First: refuses every login attempt for a locked-out user name (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bokmål is the source language; the public GP pages also come in nynorsk and English
# (locale/). The browser's Accept-Language chooses, the switch in the header (set_language,
# a cookie) overrides it. Each language is named in its own words in the switch.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Redis serves as cache and Celery broker; without REDIS_URL everything runs in-process.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, but a Redis that is down is a cache miss, not an error page.
            "BACKEND": "helsearbeid.cache.RobustRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous answers of the public catalogue, cached per catalogue version (tilbud.offentlig_cache):
# browsers and proxies keep them MAKS_ALDER seconds, the server cache until the version moves.
OFFENTLIG_CACHE = env_bool("OFFENTLIG_CACHE", True)
OFFENTLIG_CACHE_MAKS_ALDER = int(env_str("OFFENTLIG_CACHE_MAKS_ALDER", "10") or 10)
OFFENTLIG_CACHE_LEVETID = 600  # seconds an answer stays in the server cache at most

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # One digest e-mail per coordinator: stale entries and open error reports in the region.
    "ukentlig-sammendrag-til-koordinatorer": {
        "task": "tilbud.tasks.send_ukentlige_sammendrag",
        "schedule": crontab(hour=7, minute=0, day_of_week="monday"),
    },
    # Celery messages Redis did not take (it was down) wait in PostgreSQL until sent (drift).
    "send-utboks": {
        "task": "helsearbeid.drift.tasks.send_utboks",
        "schedule": float(env_str("UTBOKS_INTERVALL_SEKUNDER", "30") or 30),
    },
    # Regional summaries for analysts, rebuilt every night (and after changes, debounced).
    "bygg-regionale-sammendrag": {
        "task": "rapporter.tasks.bygg_alle_sammendrag",
        "schedule": crontab(hour=2, minute=30),
    },
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Helse og arbeid <ikke-svar@helsearbeid.no>")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000")

# Staleness badges shown to GPs: months since an entry was last confirmed.
FERSKHET_ELDRE_MANEDER = int(env_str("FERSKHET_ELDRE_MANEDER", "12") or 12)
FERSKHET_GAMMEL_MANEDER = int(env_str("FERSKHET_GAMMEL_MANEDER", "24") or 24)

REST_FRAMEWORK = {
    # JSON with a depth limit and no NUL/surrogates (helsearbeid/api/parsere.py); forms as DRF's.
    "DEFAULT_PARSER_CLASSES": [
        "helsearbeid.api.parsere.JSONParserMedGrenser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "helsearbeid.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["helsearbeid.api.filtering.StrictFilterBackend"],
    # Documents the error answers too (400/401/403/404/413/415/429), see helsearbeid/api/skjema.py.
    "DEFAULT_SCHEMA_CLASS": "helsearbeid.api.skjema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        # DRF's browsable API, with its own few style attributes allowed by hash under the CSP.
        "helsearbeid.api.renderers.NettleserApiRenderer",
    ],
    # Coordinators and editors write with their session (HTML forms, the page's JavaScript) or a
    # personal token; reads of the public catalogue need neither.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rapporter.api.autentisering.ApiNokkelAutentisering",
        "rest_framework.authentication.SessionAuthentication",
        # A person's own token: hashed, ends after API_TOKEN_TIMER hours (helsearbeid/tokens).
        "helsearbeid.tokens.autentisering.TokenAutentisering",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "helsearbeid.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Per address without login, per user with login (rates: helsearbeid/settings/sikkerhet.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "helsearbeid.api.struping.AnonymStruping",
        "helsearbeid.api.struping.InnloggetStruping",
    ],
    "NUM_PROXIES": int(env_str("ANTALL_PROXYER", "0") or 0),
}

from helsearbeid.api.skjema_tekst import BESKRIVELSE, TAGGER  # noqa: E402

SPECTACULAR_SETTINGS = {
    "TITLE": "Helse og arbeid – API",
    # How an analyst gets an API key, and the tags /api/docs/ groups by (helsearbeid/api/skjema.py).
    "DESCRIPTION": BESKRIVELSE,
    "TAGS": TAGGER,
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets used in more than one place get one name each.
    "ENUM_NAME_OVERRIDES": {
        "VurderesAvEnum": "tilbud.models.mottak.VurderesAv",
        "MeldingEnum": "tilbud.models.mottak.Melding",
        "His1206KodeEnum": "henvisning.his1206.His1206",
    },
    # Swagger UI is served from our own static files: nothing is fetched from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A JSON API: request bodies are documented as JSON only (DRF still parses a form or
    # multipart body, but that is no part of the contract).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # drf-spectacular's own enum hook, then ours: reference-data enums (målgruppe) and the
    # schemas of method filters (helsearbeid/api/skjema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "helsearbeid.api.skjema.oppslagsverdier",
    ],
}

# Error reports (DEBUG page, e-mails to ADMINS) hide the POST body and frame variables of
# referral requests: they hold fødselsnummer and health data (henvisning/feilrapport.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "henvisning.feilrapport.PersonvernFilter"

# Logging: a request id on every line, JSON lines in production (helsearbeid/settings/logg.py).
from .logg import *  # noqa: E402, F403

# Security: CSP, login lock-out, API throttling, sessions, OpenID Connect (settings/sikkerhet.py).
from .sikkerhet import *  # noqa: E402, F403

if OIDC_AKTIV:  # noqa: F405
    AUTHENTICATION_BACKENDS.append(OIDC_BACKEND)  # noqa: F405

# Analyst API: key throttling (helsearbeid/settings/api.py).
from .api import *  # noqa: E402, F403

# Quotas on the anonymous forms: «Meld feil», password reset (settings/automatisering.py).
from .automatisering import *  # noqa: E402, F403

# Referrals: encryption keys, retention, the nightly removal of personal data.
from .henvisning import *  # noqa: E402, F403

CELERY_BEAT_SCHEDULE |= HENVISNING_BEAT_SCHEDULE  # noqa: F405

# Adresseregisteret: the CommunicationParty API, synced every hour (settings/adresseregister.py).
from .adresseregister import *  # noqa: E402, F403

CELERY_BEAT_SCHEDULE["synk-adresseregister"] = {
    "task": "tilbud.tasks.synk_adresseregister",
    "schedule": AR_SYNK_INTERVALL_SEKUNDER,  # noqa: F405
}
