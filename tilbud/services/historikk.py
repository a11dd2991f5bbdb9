"""Who and why for the history the PostgreSQL triggers (django-pghistory) write."""

import contextlib
from collections.abc import Iterator
from typing import Any

import pghistory
from django.conf import settings


@contextlib.contextmanager
def historikk_kontekst(**metadata: Any) -> Iterator[None]:
    """Attach metadata (bruker, grunn) to every history event written inside the block.
    Without history (SQLite) this does nothing."""
    if not settings.HISTORIKK_AKTIV:
        yield
        return
    with pghistory.context(**metadata):
        yield
