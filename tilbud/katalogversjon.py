"""Reading the catalogue version (tilbud.models.Katalogversjon, kept by the triggers of
tilbud.services.sokevokter): one primary-key read, at most once per request.

Inside a request the first reader asks the database and later readers of the same request get
that answer (the memo is set up by `request_started` and dropped by `request_finished`).
Outside a request (tasks, the shell, tests that call selectors) every call asks, unless the
caller says how stale it may be."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import connection

# None outside a request; inside one, the version once read ("" before the first read).
_memo: ContextVar[str | None] = ContextVar("katalogversjon", default=None)


def les() -> str:
    """The version now in the database ("" when the row is missing: an emptied test database)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT versjon FROM tilbud_katalogversjon WHERE id = 1")
        rad = cursor.fetchone()
    return rad[0] if rad else ""


def gjeldende() -> str:
    """The version this request sees: read once per request, on every call outside one."""
    memo = _memo.get()
    if memo:
        return memo
    versjon = les() or "-"
    if memo is not None:
        _memo.set(versjon)
    return versjon


def i_foresporsel() -> bool:
    return _memo.get() is not None


def glem() -> None:
    """This request wrote to the catalogue: its next reader asks again."""
    if _memo.get() is not None:
        _memo.set("")


def _start(**_: Any) -> None:
    _memo.set("")


def _slutt(**_: Any) -> None:
    _memo.set(None)


@contextmanager
def som_foresporsel() -> Iterator[None]:
    """Read the version once for the block, as a request does (tests, long tasks)."""
    token = _memo.set("")
    try:
        yield
    finally:
        _memo.reset(token)


def koble_til() -> None:
    request_started.connect(_start, dispatch_uid="katalogversjon-start")
    request_finished.connect(_slutt, dispatch_uid="katalogversjon-slutt")
