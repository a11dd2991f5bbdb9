"""Celery tasks of the registry. Thin: they take ids, call a service, and own the retries."""

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from helsearbeid.adresseregister import ArUtilgjengelig, ar_klient
from tilbud.services.adresseregister import synk_adresseregister as _synk_adresseregister
from tilbud.services.feilmelding import (
    feilmelding_send_epostbekreftelse,
    feilmelding_send_takk,
)
from tilbud.services.ukentlig_sammendrag import (
    send_ukentlige_sammendrag as _send_ukentlige_sammendrag,
)

logger = logging.getLogger(__name__)


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


# AR away: tried again with a growing wait (AR_FORSOK_PAUSE_SEKUNDER, doubled each time, at most
# half an hour); each try resumes from the stored cursor, so nothing is done twice.
@shared_task(bind=True, ignore_result=True, max_retries=6)
def synk_adresseregister(self: Any) -> str:
    """Every hour (CELERY_BEAT_SCHEDULE): the AR copy up to date, then proposals and flags.
    Does nothing while AR_BASE_URL is unset."""
    if not settings.AR_BASE_URL:
        return "AR_BASE_URL er ikke satt"
    try:
        return _synk_adresseregister(klient=ar_klient(), melding=logger.info).tekst()
    except (ArUtilgjengelig, OperationalError, InterfaceError) as feil:
        pause = min(settings.AR_FORSOK_PAUSE_SEKUNDER * 2**self.request.retries, 1800)
        logger.warning("AR-synk feilet (%s); nytt forsøk om %s s", feil, pause)
        raise self.retry(exc=feil, countdown=pause) from feil
