"""Celery tasks of the registry. Thin: they take ids, call a service, and own the retries."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from tilbud.services.feilmelding import (
    feilmelding_send_epostbekreftelse,
    feilmelding_send_takk,
)
from tilbud.services.ukentlig_sammendrag import (
    send_ukentlige_sammendrag as _send_ukentlige_sammendrag,
)


@shared_task(ignore_result=True)
def send_ukentlige_sammendrag() -> int:
    """Monday 07:00 (CELERY_BEAT_SCHEDULE): one digest e-mail per coordinator."""
    return _send_ukentlige_sammendrag()


# The mail server or the database briefly away: tried again with a growing wait.
@shared_task(
    ignore_result=True,
    autoretry_for=(OSError, OperationalError, InterfaceError),
    retry_backoff=60,
    max_retries=5,
)
def send_takk_for_feilmelding(feilmelding_id: int) -> bool:
    """Thank the reporter of a resolved «Meld feil» report (a link only, no health data)."""
    return feilmelding_send_takk(feilmelding_id=feilmelding_id)


@shared_task(
    ignore_result=True,
    autoretry_for=(OSError, OperationalError, InterfaceError),
    retry_backoff=60,
    max_retries=5,
)
def send_epostbekreftelse_for_feilmelding(feilmelding_id: int) -> bool:
    """The one mail to a «Meld feil» reporter's unconfirmed address: a link to confirm it."""
    return feilmelding_send_epostbekreftelse(feilmelding_id=feilmelding_id)
