"""Celery tasks for referrals. Thin: they take ids, call a service and own the retries. E-mails
carry a link only: no health data, no fødselsnummer."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def varsle_mottaker(henvisning_id: int) -> int:
    """A new referral (or an answer to a forespørsel) for the receiving unit."""
    return services.varsel_send_mottaker(henvisning_id=henvisning_id)


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def varsle_sender(henvisning_id: int) -> int:
    """A status change (or a forespørsel) on the sender's referral."""
    return services.varsel_send_sender(henvisning_id=henvisning_id)


@shared_task(ignore_result=True)
def slett_utlopte_personopplysninger() -> int:
    """Nightly (HENVISNING_BEAT_SCHEDULE): remove personal data from referrals that have ended."""
    return services.slett_utlopte_personopplysninger()
