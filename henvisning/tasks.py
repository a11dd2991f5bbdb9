"""Celery tasks for referrals. Thin: they take ids, call a service and own the retries. E-mails
carry a link only: no health data, no fødselsnummer."""

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services

# An SMTP server that is down or refuses: smtplib's errors and socket errors are all OSError. A
# database that is restarting (OperationalError, InterfaceError) is tried again the same way.
_FORBIGAENDE = (OSError, OperationalError, InterfaceError)
_MAKS_FORSOK = 5


def _vent(forsok: int) -> int:
    """Seconds before the next try: HENVISNING_VARSEL_VENT_SEKUNDER, doubled each time, at most
    an hour."""
    grunn = int(getattr(settings, "HENVISNING_VARSEL_VENT_SEKUNDER", 60))
    return min(grunn * 2**forsok, 3600)


@shared_task(bind=True, ignore_result=True, max_retries=_MAKS_FORSOK)
def varsle_mottaker(self: Task, henvisning_id: int) -> int:
    """A new referral (or an answer to a forespørsel) for the receiving unit."""
    try:
        return services.varsel_send_mottaker(henvisning_id=henvisning_id)
    except _FORBIGAENDE as feil:
        raise self.retry(exc=feil, countdown=_vent(self.request.retries)) from feil


@shared_task(bind=True, ignore_result=True, max_retries=_MAKS_FORSOK)
def varsle_sender(self: Task, henvisning_id: int) -> int:
    """A status change (or a forespørsel) on the sender's referral."""
    try:
        return services.varsel_send_sender(henvisning_id=henvisning_id)
    except _FORBIGAENDE as feil:
        raise self.retry(exc=feil, countdown=_vent(self.request.retries)) from feil


@shared_task(ignore_result=True)
def slett_utlopte_personopplysninger() -> int:
    """Nightly (HENVISNING_BEAT_SCHEDULE): remove personal data from referrals that have ended."""
    return services.slett_utlopte_personopplysninger()
