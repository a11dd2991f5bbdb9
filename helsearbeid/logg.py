"""Log lines: one JSON object per line in production, each with the id of the request (or of the
request that queued the Celery task) it belongs to, and no personal data.

- `ForesporselIdMiddleware` takes `X-Request-ID` from the proxy when it is sane (8–128 of
  `A-Z a-z 0-9 . _ -`), otherwise makes a UUID; answers with it in `X-Request-ID`; and writes
  one access line per request: method, path (never the query string, where a search could hold
  a name), status, duration and who (a user id with its token's prefix, or an API key's prefix;
  never a name, never a token).
- `ForesporselIdFilter` (on the handler, so it sees every record, also from Django and
  libraries) puts the id on each record as `request_id`.
- The formatters blank out anything shaped like a fødselsnummer or D-nummer (11 digits) in the
  message, the extra fields and tracebacks, and write a request as method and path only.
  Names cannot be recognised in text: the code never logs them, and the tests check that a
  referral's patient name reaches no log line while it is created, sent and opened.
- Celery: the id travels in a header of each queued task and is set while the task runs.

This module needs no Django settings: LOGGING (helsearbeid/settings/logg.py) names it.
"""

import logging
import logging.config
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

foresporsel_id: ContextVar[str | None] = ContextVar("foresporsel_id", default=None)

HEADER = "X-Request-ID"
CELERY_HEADER = "request_id"
_GYLDIG_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
# Eleven digits, alone or as 6 + 5 with a space: fødselsnummer, D-nummer, H-nummer.
_FODSELSNUMMER = re.compile(r"(?<!\d)\d{6} ?\d{5}(?!\d)")
SLADDET = "[fnr fjernet]"

tilgangslogg = logging.getLogger("helsearbeid.foresporsel")


def gyldig_id(verdi: str | None) -> str | None:
    """The client's id when it is sane, else None (so a new one is made)."""
    return verdi if verdi and _GYLDIG_ID.match(verdi) else None


def ny_id() -> str:
    # A UUID's hex can hold eleven digits in a row, which the log filter would blank as a
    # fødselsnummer, breaking the request's correlation: draw again (about 1 in 4 000 ids).
    while _FODSELSNUMMER.search(ny := str(uuid.uuid4())):
        pass
    return ny


def sladd(tekst: str) -> str:
    return _FODSELSNUMMER.sub(SLADDET, tekst)


def _sladd_alt(verdi: Any) -> Any:
    if isinstance(verdi, str):
        return sladd(verdi)
    if isinstance(verdi, dict):
        return {k: _sladd_alt(v) for k, v in verdi.items()}
    if isinstance(verdi, list | tuple):
        return [_sladd_alt(v) for v in verdi]
    return verdi


def _foresporsel_tekst(request: Any) -> Any:
    """A Django request as method and path: its repr has the query string."""
    metode, sti = getattr(request, "method", None), getattr(request, "path", None)
    return f"{metode} {sti}" if metode and sti else request


def konfigurer(innstillinger: dict[str, Any]) -> None:
    """LOGGING_CONFIG: Django's dictConfig, and in JSON mode Python's warnings through logging
    too (printed as they are, they would be lines that are not JSON)."""
    logging.config.dictConfig(innstillinger)
    formater = {h.get("formatter") for h in innstillinger.get("handlers", {}).values()}
    logging.captureWarnings(formater == {"json"})


class ForesporselIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = foresporsel_id.get() or "-"
        return True


class JsonLoggFormatter(JsonFormatter):
    """python-json-logger with the personal-data rules above."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        if "request" in log_data:
            log_data["request"] = _foresporsel_tekst(log_data["request"])
        return {k: _sladd_alt(v) for k, v in log_data.items()}


class TekstLoggFormatter(logging.Formatter):
    """Readable lines for `make run`, with the same blanking."""

    def format(self, record: logging.LogRecord) -> str:
        return sladd(super().format(record))


class ForesporselIdMiddleware:
    """First in MIDDLEWARE: everything after it, and Django's own 4xx/5xx lines, carry the id."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        rid = gyldig_id(request.headers.get(HEADER)) or ny_id()
        request.request_id = rid
        token = foresporsel_id.set(rid)
        start = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            self._logg(request, response, start)
            return response
        finally:
            foresporsel_id.reset(token)

    def _logg(self, request: Any, response: Any, start: float) -> None:
        from django.utils.log import log_response

        if response.status_code >= 400:
            # Django writes this line after the last middleware has returned, where the id is
            # gone; written here it has the id (log_response marks it, so it is not repeated).
            log_response(
                "%s: %s",
                response.reason_phrase,
                request.path,
                response=response,
                request=request,
            )
        varighet = round((time.monotonic() - start) * 1000, 1)
        tilgangslogg.info(
            "%s %s %s %s ms",
            request.method,
            request.path,
            response.status_code,
            varighet,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": varighet,
                "user": _hvem(request),
            },
        )


def _hvem(request: Any) -> str:
    """A user id (and the token's prefix) or an API key's prefix: a trail, no name, no secret."""
    bruker = getattr(request, "user", None)
    nokkel = getattr(bruker, "nokkel", None)
    if nokkel is not None:
        return f"api-nokkel:{nokkel.prefiks}"
    if bruker is not None and getattr(bruker, "is_authenticated", False) and bruker.pk:
        # A person's token is named by its prefix (never its value), so a trail shows which.
        prefiks = getattr(getattr(request, "auth", None), "prefiks", None)
        return f"bruker:{bruker.pk} token:{prefiks}" if prefiks else f"bruker:{bruker.pk}"
    return "anonym"


# --- Celery -------------------------------------------------------------------------------------


def koble_celery() -> None:
    """A queued task carries the id of the request that queued it; the worker sets it while the
    task runs (its log lines then have it). Eager tasks run inside the request and keep it."""
    from celery import signals

    signals.before_task_publish.connect(_legg_ved_id, weak=False)
    signals.task_prerun.connect(_sett_id, weak=False)
    signals.task_postrun.connect(_nullstill_id, weak=False)


def _legg_ved_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    rid = foresporsel_id.get()
    if rid and headers is not None and CELERY_HEADER not in headers:
        headers[CELERY_HEADER] = rid


_celery_tokens: dict[str, Any] = {}


def _sett_id(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    rid = getattr(getattr(task, "request", None), CELERY_HEADER, None)
    if rid and task_id:
        _celery_tokens[task_id] = foresporsel_id.set(gyldig_id(rid) or ny_id())


def _nullstill_id(task_id: str | None = None, **_: Any) -> None:
    token = _celery_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        foresporsel_id.reset(token)
