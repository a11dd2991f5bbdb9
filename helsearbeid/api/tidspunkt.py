"""Timestamps as DRF's DateTimeField writes them, for the hot paths that build their JSON from
plain values (search result cards, sync records)."""

from datetime import datetime, tzinfo

from django.utils import timezone


def iso_tidspunkt(verdi: datetime, tidssone: tzinfo | None = None) -> str:
    """ISO 8601 in `tidssone` (default: the current time zone), Z for UTC: DRF's DateTimeField
    without its per-call settings and time-zone look-ups, which cost more than the rest of a
    result card. Pass `tidssone` when converting many in a row."""
    tekst = verdi.astimezone(tidssone or timezone.get_current_timezone()).isoformat()
    return tekst[:-6] + "Z" if tekst.endswith("+00:00") else tekst
