"""Production settings (helsearbeid.settings.production), each in a fresh interpreter with only the
environment a deployment gives it: Django's deployment check passes at WARNING level, insecure
configurations refuse to start, and the cookies and headers are what the README promises.
ASVS v5.0.0-3.3.1 (cookie flags), 3.4.1 (HSTS), 3.4.3 (CSP), 3.4.4 (nosniff), 13.4.2 (no debug).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from helsearbeid.nokler import PUBLISERTE_NOKLER

ROT = Path(__file__).resolve().parents[2]
# A fresh key per run: the dev key in settings/dev.py is published, and production refuses it.
FERNET = Fernet.generate_key().decode()
PUBLISERT_FERNET = next(n for n in PUBLISERTE_NOKLER if len(n) == 44)


def _miljo(**ekstra: str) -> dict[str, str]:
    beholdt = {
        k: v
        for k, v in os.environ.items()
        if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "SYSTEMROOT"}
    }
    return {
        **beholdt,
        "PYTHONPATH": str(ROT),
        "DJANGO_SETTINGS_MODULE": "helsearbeid.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://helsearbeid:passord@postgres:5432/helsearbeid",
        "REDIS_URL": "redis://redis:6379/0",
        "ALLOWED_HOSTS": "helsearbeid.example.no,testserver",
        "HENVISNING_NOKKEL": FERNET,
        "HENVISNING_HMAC_NOKKEL": secrets.token_urlsafe(64),
        **ekstra,
    }


def _kjor(argumenter: list[str], **ekstra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *argumenter],
        cwd=ROT,
        env=_miljo(**ekstra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _deploy_sjekk(**ekstra: str) -> subprocess.CompletedProcess[str]:
    return _kjor(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **ekstra)


OIDC_HTTPS = {
    "OIDC_AKTIV": "1",
    "OIDC_OP_ISSUER": "https://helseid-sts.example.no",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://helseid-sts.example.no/connect/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://helseid-sts.example.no/connect/token",
    "OIDC_OP_USER_ENDPOINT": "https://helseid-sts.example.no/connect/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://helseid-sts.example.no/.well-known/openid-configuration/jwks",
    "OIDC_RP_CLIENT_ID": "helsearbeid",
    "OIDC_RP_CLIENT_SECRET": secrets.token_urlsafe(32),
}


def test_deploy_sjekken_passerer_med_produksjonsinnstillingene() -> None:
    resultat = _deploy_sjekk()
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "System check identified no issues" in resultat.stdout


def test_deploy_sjekken_passerer_med_oidc() -> None:
    resultat = _deploy_sjekk(**OIDC_HTTPS)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    # HelseID's way: a private key (private_key_jwt) and no shared secret.
    pem = "-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----"
    resultat = _deploy_sjekk(
        **{**OIDC_HTTPS, "OIDC_RP_CLIENT_SECRET": "", "OIDC_RP_PRIVAT_NOKKEL": pem}
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_deploy_sjekken_feiler_ved_usikre_valg() -> None:
    """The check is not toothless: a short HSTS or redirect turned off is a failure."""
    resultat = _deploy_sjekk(SECURE_HSTS_SECONDS="0")
    assert resultat.returncode != 0 and "security.W004" in resultat.stderr
    resultat = _deploy_sjekk(SECURE_SSL_REDIRECT="0")
    assert resultat.returncode != 0 and "security.W008" in resultat.stderr


@pytest.mark.parametrize(
    ("ekstra", "melding"),
    [
        ({"SECRET_KEY": "kort"}, "SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "PostgreSQL"),
        ({"HENVISNING_NOKKEL": ""}, "HENVISNING_NOKKEL"),
        # Issue 15, finding 2: published, weak or malformed keys.
        ({"HENVISNING_NOKKEL": PUBLISERT_FERNET}, "nøkkel nr. 1 står i kildekoden"),
        ({"HENVISNING_NOKKEL": f"{FERNET},{PUBLISERT_FERNET}"}, "nøkkel nr. 2 står i kildekoden"),
        ({"HENVISNING_NOKKEL": "abc"}, "HENVISNING_NOKKEL er ikke en gyldig Fernet-nøkkel"),
        ({"HENVISNING_NOKKEL": f"{FERNET},abc"}, "Nøkkel nr. 2 i HENVISNING_NOKKEL er ikke en"),
        ({"HENVISNING_NOKKEL": "A" * 43 + "="}, "HENVISNING_NOKKEL er ikke tilfeldig"),
        ({"HENVISNING_HMAC_NOKKEL": "dev-only-hmac-helsearbeid"}, "står i kildekoden"),
        ({"HENVISNING_HMAC_NOKKEL": "x"}, "HENVISNING_HMAC_NOKKEL er for kort"),
        (
            {"HENVISNING_HMAC_NOKKEL": f"{secrets.token_urlsafe(48)},{secrets.token_urlsafe(48)}"},
            "HENVISNING_HMAC_NOKKEL kan ikke inneholde komma",
        ),
        ({"HENVISNING_HMAC_NOKKEL": "abcde" * 13}, "HENVISNING_HMAC_NOKKEL er for svak"),
        (
            {"HENVISNING_HMAC_NOKKEL": secrets.token_urlsafe(32)},
            "HENVISNING_HMAC_NOKKEL er for kort",
        ),
        ({"SECRET_KEY": "abcde" * 10}, "SECRET_KEY er for svak"),
        (
            {"SECRET_KEY": "django-insecure-dev-only-helsearbeid"},
            "SECRET_KEY er en nøkkel som står",
        ),
        ({"OIDC_AKTIV": "1"}, "OIDC_OP_ISSUER"),
        ({**OIDC_HTTPS, "OIDC_OP_TOKEN_ENDPOINT": "http://helseid.example.no/t"}, "https://"),
        ({**OIDC_HTTPS, "OIDC_RP_CLIENT_SECRET": ""}, "OIDC_RP_PRIVAT_NOKKEL"),
        ({"DEBUG": "kanskje"}, "DEBUG"),
    ],
)
def test_produksjon_nekter_a_starte_usikkert(ekstra: dict[str, str], melding: str) -> None:
    resultat = _kjor(["-c", "import django; django.setup()"], **ekstra)
    assert resultat.returncode != 0
    assert melding in resultat.stderr
    for verdi in ekstra.values():  # the message names the setting, never the secret
        if len(verdi) > 20:
            assert verdi not in resultat.stderr


@pytest.mark.parametrize(
    "ekstra",
    [
        {"HENVISNING_NOKKEL": PUBLISERT_FERNET},
        {"HENVISNING_HMAC_NOKKEL": "x"},
        {"SECRET_KEY": "abcde" * 10},
    ],
)
def test_deploy_sjekken_feiler_med_svake_eller_publiserte_nokler(ekstra: dict[str, str]) -> None:
    resultat = _deploy_sjekk(**ekstra)
    assert resultat.returncode != 0
    assert next(iter(ekstra)) in resultat.stderr


SKRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
# Production serves collected files (collectstatic's manifest); the headers do not depend on it.
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
svar = Client().get("/konto/login/", secure=True)
informasjonskapsler = {
    navn: {"secure": bool(k["secure"]), "httponly": bool(k["httponly"]), "samesite": k["samesite"]}
    for navn, k in svar.cookies.items()
}
print(json.dumps({
    "status": svar.status_code,
    "hoder": dict(svar.headers),
    "informasjonskapsler": informasjonskapsler,
    "omdirigering": Client().get("/konto/login/").status_code,
    "debug": settings.DEBUG,
    "okt": [settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE,
            settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE],
}))
"""


def test_produksjon_sine_informasjonskapsler_og_hoder() -> None:
    resultat = _kjor(["-c", SKRIPT])
    assert resultat.returncode == 0, resultat.stderr
    svar = json.loads(resultat.stdout.strip().splitlines()[-1])
    assert svar["status"] == 200 and svar["debug"] is False
    assert svar["omdirigering"] == 301  # plain http goes to https
    hoder = svar["hoder"]
    assert hoder["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert hoder["X-Frame-Options"] == "DENY"
    assert hoder["X-Content-Type-Options"] == "nosniff"
    assert hoder["Referrer-Policy"] == "same-origin"
    assert hoder["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = hoder["Content-Security-Policy"]
    assert "upgrade-insecure-requests" in csp and "unsafe-inline" not in csp
    assert svar["informasjonskapsler"] == {
        "__Secure-csrftoken": {"secure": True, "httponly": True, "samesite": "Lax"}
    }
    assert svar["okt"] == ["__Secure-sessionid", True, True, "Lax"]
