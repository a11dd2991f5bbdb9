"""Celery tasks for the regional summaries. Thin: they take an RHF code and call the service.

Both are safe to run more than once (acks_late + reject_on_worker_lost redeliver a task whose
worker died): a rebuild computes from the source tables under a per-region lock and swaps
atomically, and a repeat with unchanged data keeps the existing generation.
"""

import logging

from celery import shared_task
from django.db import DatabaseError

from rapporter.services import sammendrag

logger = logging.getLogger(__name__)


@shared_task(
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_jitter=True,
    max_retries=5,
)
def bygg_sammendrag_for_region(rhf_kode: str) -> int | None:
    """Rebuild one RHF's summary; returns the generation number (None for an unknown code)."""
    sammendrag.ombygging_startet(rhf_kode)
    try:
        return sammendrag.bygg_sammendrag(rhf_kode).generasjon
    except sammendrag.UkjentRegion:
        logger.warning("Hopper over sammendrag for ukjent RHF %r", rhf_kode)
        return None


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def bygg_alle_sammendrag() -> list[str]:
    """Nightly (CELERY_BEAT_SCHEDULE): one rebuild task per RHF, so regions build in parallel
    and a failure in one does not hold back the others."""
    koder = sammendrag.rhf_koder()
    for kode in koder:
        bygg_sammendrag_for_region.delay(kode)
    return koder
