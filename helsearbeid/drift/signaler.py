"""A worker that comes up sends the outbox at once (the beat entry covers a running worker)."""

import logging
from typing import Any

from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def _send_utboks_ved_start(sender: Any = None, **kwargs: Any) -> None:
    from .tasks import send_utboks

    try:
        send_utboks.delay()
    except Exception:  # the worker must start whatever the outbox says
        logger.exception("Kunne ikke be om sending av utboksen ved oppstart")
