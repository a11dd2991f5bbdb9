"""The outbox relay, scheduled by beat (CELERY_BEAT_SCHEDULE) and at worker start."""

from celery import shared_task

from . import utboks


# utboks=False: if the broker is down, this task is simply not sent (beat logs it and tries at
# the next tick); putting the relay itself in the outbox would be pointless.
@shared_task(ignore_result=True, utboks=False)
def send_utboks() -> int:
    """Publish every message that waited for the broker; returns how many were sent."""
    return utboks.send_utboks()
