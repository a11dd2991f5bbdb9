"""Structured logs: one JSON object per line with the request id, the id echoed in X-Request-ID
(a bogus one replaced), fødselsnummer blanked in messages, access and error lines, and the id
carried into Celery tasks. ASVS v5.0.0-16.2.1 (log format), 16.2.5 (no sensitive data in logs).
"""

import logging
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from helsearbeid import logg
from tests.logg_hjelp import json_logg  # noqa: F401 - fixture

FNR = "15108695088"
ROT = Path(__file__).resolve().parent.parent


def _feiler(request):
    raise ValueError(f"Klarte ikke å lese {FNR} for Ola Testpasient")


def _logger(request):
    logging.getLogger("tilbud").warning("Oppslag på %s", FNR)
    logging.getLogger("helsearbeid.test").info("inne i visningen")
    return HttpResponse("ok")


# A tiny URLconf for the tests that need a view that logs or fails (pytest.mark.urls).
urlpatterns = [path("feil/", _feiler), path("logger/", _logger)]
# The project's 500 handler, as in production (its page must render even where the URLconf has
# none of the portal's pages: then it falls back to a plain page).
handler500 = "helsearbeid.driftsfeil.serverfeil"


def _ider(poster: list[dict]) -> set[str]:
    return {p["request_id"] for p in poster}


@pytest.mark.django_db
def test_every_line_of_a_request_is_json_with_its_id(json_logg) -> None:  # noqa: F811
    svar = Client().get("/api/v1/tilbud/999999999/")
    assert svar.status_code == 404
    rid = svar["X-Request-ID"]
    assert uuid.UUID(rid)
    poster = json_logg.json()
    assert _ider(poster) == {rid}
    loggere = {p["logger"] for p in poster}
    # Django's own 4xx line and the access line, both inside the request's context.
    assert {"django.request", "helsearbeid.foresporsel"} <= loggere
    tilgang = next(p for p in poster if p["logger"] == "helsearbeid.foresporsel")
    assert tilgang["method"] == "GET" and tilgang["path"] == "/api/v1/tilbud/999999999/"
    assert tilgang["status"] == 404 and tilgang["user"] == "anonym"
    assert {"time", "level", "message"} <= set(tilgang)


@pytest.mark.django_db
def test_a_sane_request_id_is_kept_and_echoed(json_logg) -> None:  # noqa: F811
    rid = "c0ffee-proxy-1234.abc_DEF"
    svar = Client().get("/api/v1/malgrupper/", headers={"X-Request-ID": rid})
    assert svar.status_code == 200
    assert svar["X-Request-ID"] == rid
    assert _ider(json_logg.json()) == {rid}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bogus",
    [
        "kort",
        "x" * 129,
        "id med mellomrom",
        '"><script>alert(1)</script>',
        "id\\nfalsk-linje",
        "æøå-12345",
    ],
)
def test_a_bogus_request_id_is_replaced(json_logg, bogus: str) -> None:  # noqa: F811
    svar = Client().get("/healthz", headers={"X-Request-ID": bogus})
    rid = svar["X-Request-ID"]
    assert rid != bogus and uuid.UUID(rid)
    assert _ider(json_logg.json()) == {rid}


@pytest.mark.django_db
def test_two_requests_have_different_ids_and_none_leaks_outside(json_logg) -> None:  # noqa: F811
    klient = Client()
    a = klient.get("/healthz")["X-Request-ID"]
    b = klient.get("/healthz")["X-Request-ID"]
    logging.getLogger("helsearbeid.test").warning("utenfor en forespørsel")
    poster = json_logg.json()
    assert a != b
    assert [p["request_id"] for p in poster] == [a, b, "-"]


@pytest.mark.urls("tests.test_logg")
@pytest.mark.django_db
def test_lines_from_the_view_carry_the_id_and_no_fodselsnummer(json_logg) -> None:  # noqa: F811
    svar = Client().get("/logger/")
    tekst = json_logg.tekst()
    poster = json_logg.json()
    assert _ider(poster) == {svar["X-Request-ID"]}
    assert "Oppslag på [fnr fjernet]" in [p["message"] for p in poster]
    assert FNR not in tekst


@pytest.mark.urls("tests.test_logg")
@pytest.mark.django_db
def test_the_error_log_of_a_crash_is_json_with_the_id_and_blanked(json_logg) -> None:  # noqa: F811
    klient = Client(raise_request_exception=False)
    svar = klient.post("/feil/", {"fodselsnummer": FNR, "navn": "Ola Testpasient"})
    assert svar.status_code == 500
    assert "Noe gikk galt hos oss" in svar.content.decode()  # even without the portal URLs
    poster = json_logg.json()
    assert _ider(poster) == {svar["X-Request-ID"]}
    feil = next(p for p in poster if p["logger"] == "django.request")
    assert feil["level"] == "ERROR" and "ValueError" in feil["exc_info"]
    assert "[fnr fjernet]" in feil["exc_info"]
    assert feil["request"] == "POST /feil/"
    tekst = json_logg.tekst()
    # The exception's own text names the patient: the traceback is the one place a name could
    # reach a log, which is why no code puts one in an exception. The number is blanked anyway.
    assert FNR not in tekst


@pytest.mark.django_db
def test_the_access_and_error_lines_blank_a_number_in_the_path(json_logg) -> None:  # noqa: F811
    svar = Client().get(f"/api/v1/henvisninger/{FNR}/?q={FNR}")
    assert svar.status_code in (401, 403, 404)
    tekst = json_logg.tekst()
    assert FNR not in tekst and "[fnr fjernet]" in tekst
    # The query string is never logged.
    assert "q=" not in tekst


def test_blanking_covers_the_shapes_of_a_fodselsnummer() -> None:
    assert logg.sladd(f"a {FNR} b") == "a [fnr fjernet] b"
    assert logg.sladd("151086 95088") == "[fnr fjernet]"
    assert logg.sladd("D-nummer 55108695071.") == "D-nummer [fnr fjernet]."
    # Longer numbers (an organisation's account, a 12-digit id) are not a fødselsnummer.
    assert logg.sladd("123456789012") == "123456789012"
    assert logg.sladd("974795787") == "974795787"


@pytest.mark.django_db
def test_a_celery_task_gets_the_id_of_the_request_that_queued_it(json_logg) -> None:  # noqa: F811
    from celery import signals

    token = logg.foresporsel_id.set("foresporsel-1234")
    try:
        headers: dict = {}
        signals.before_task_publish.send(sender="t", headers=headers, body=None)
    finally:
        logg.foresporsel_id.reset(token)
    assert headers[logg.CELERY_HEADER] == "foresporsel-1234"

    # In the worker: the header is on task.request while the task runs, and gone after.
    class Oppgave:
        class request:
            request_id = "foresporsel-1234"

    signals.task_prerun.send(sender=Oppgave, task_id="t1", task=Oppgave)
    logging.getLogger("henvisning.tasks").info("sender varsel")
    signals.task_postrun.send(sender=Oppgave, task_id="t1", task=Oppgave)
    logging.getLogger("henvisning.tasks").info("ferdig")
    assert [p["request_id"] for p in json_logg.json()] == ["foresporsel-1234", "-"]


def test_production_writes_json_lines_with_the_id() -> None:
    """helsearbeid.settings.production in a fresh interpreter: its own LOGGING, a request."""
    program = (
        "import django; django.setup();"
        "from django.test import Client;"
        "s = Client().get('/healthz', headers={'X-Request-ID': 'prod-test-0001'},"
        " HTTP_X_FORWARDED_PROTO='https');"
        "import logging; logging.getLogger('tilbud').warning('fnr 15108695088');"
        "print(s.status_code, s['X-Request-ID'])"
    )
    miljo = {
        k: v
        for k, v in os.environ.items()
        if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    }
    miljo |= {
        "PYTHONPATH": str(ROT),
        "DJANGO_SETTINGS_MODULE": "helsearbeid.settings.production",
        # Fresh keys: production refuses the ones written in the repository.
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://helsearbeid:passord@127.0.0.1:1/helsearbeid",
        "ALLOWED_HOSTS": "testserver",
        "HENVISNING_NOKKEL": Fernet.generate_key().decode(),
        "HENVISNING_HMAC_NOKKEL": secrets.token_urlsafe(64),
    }
    kjort = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", program],
        cwd=ROT,
        env=miljo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert kjort.returncode == 0, kjort.stderr
    assert kjort.stdout.split() == ["200", "prod-test-0001"]
    import json

    poster = [json.loads(linje) for linje in kjort.stderr.splitlines() if linje.strip()]
    assert poster, "produksjon skrev ingen logglinjer"
    tilgang = [p for p in poster if p["logger"] == "helsearbeid.foresporsel"]
    assert [p["request_id"] for p in tilgang] == ["prod-test-0001"]
    assert poster[-1]["message"] == "fnr [fnr fjernet]" and poster[-1]["request_id"] == "-"


def test_a_new_request_id_is_never_blanked_as_a_fodselsnummer(monkeypatch) -> None:
    import uuid

    from helsearbeid import logg

    # The first UUID drawn has eleven digits in a row (as one did in CI); the id must not.
    trekk = iter([uuid.UUID("f76250f7-21e3-402f-aedc-90858938213e"), uuid.uuid4()])
    monkeypatch.setattr(logg.uuid, "uuid4", lambda: next(trekk))
    ny = logg.ny_id()
    assert ny != "f76250f7-21e3-402f-aedc-90858938213e"
    assert logg.sladd(ny) == ny
