"""No task is lost when Redis (the Celery broker) is down.

Every task in the project is an `UtboksTask` (`helsearbeid.celery`: `task_cls`). Its
`apply_async` publishes as usual; when the broker does not take the message (kombu's
OperationalError after Celery's own short publish retry, about 0.65 s per task against a Redis
that is down, measured by bench/redis_nede.py), the message is written to `drift.models.Utboks`
in PostgreSQL instead, and the caller gets its AsyncResult as if it had been sent.
`send_utboks()` publishes the waiting messages in order and
deletes them; beat runs it every UTBOKS_INTERVALL_SEKUNDER and a worker runs it when it starts.

Why this and not only Celery's publish retry: that retry blocks the request and gives up after
a second; Redis can be down for minutes. Why not a full transactional outbox (every task written
to the table inside the business transaction): every call site already queues after commit
(`transaction.on_commit`), and a table write for every task would put PostgreSQL in the path of
every message when nothing is wrong. What remains: a process killed between its commit and the
publish loses that one message (as before), and a message can be delivered twice if the relay
dies between publishing and deleting it; the tasks are idempotent or harmless to repeat (an
e-mail notice, a summary rebuild).
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from celery.utils import uuid
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# Raised by apply_async/send_task when the broker cannot be reached.
BROKERFEIL = (OperationalError, OSError)
# apply_async options that describe a connection of this process, not the message.
_IKKE_LAGRE = {"producer", "connection", "retry", "retry_policy", "serializer", "compression"}


class UtboksTask(Task):
    """Celery's Task, but a message the broker does not take goes to the outbox."""

    # False for tasks that must not wait in the outbox (the relay itself).
    utboks = True

    def apply_async(
        self,
        args: Any = None,
        kwargs: Any = None,
        task_id: str | None = None,
        producer: Any = None,
        link: Any = None,
        link_error: Any = None,
        shadow: Any = None,
        **options: Any,
    ) -> Any:
        task_id = task_id or uuid()
        try:
            return super().apply_async(
                args, kwargs, task_id, producer, link, link_error, shadow, **options
            )
        except BROKERFEIL as feil:
            if not self.utboks or link or link_error or self.app.conf.task_always_eager:
                raise
            legg_i_utboks(
                oppgave=self.name,
                oppgave_id=task_id,
                args=list(args or ()),
                kwargs=dict(kwargs or {}),
                valg=options,
                feil=feil,
            )
            return self.AsyncResult(task_id)


def _tidspunkt(verdi: Any) -> datetime | None:
    from django.utils import timezone

    if verdi is None:
        return None
    if isinstance(verdi, datetime):
        return verdi if timezone.is_aware(verdi) else timezone.make_aware(verdi)
    if isinstance(verdi, str):
        return _tidspunkt(datetime.fromisoformat(verdi))
    return timezone.now() + timedelta(seconds=float(verdi))


def _lagbare_valg(valg: dict[str, Any]) -> tuple[dict[str, Any], datetime | None]:
    """The options as JSON, countdown and eta as one absolute time, expires as an ISO time."""
    eta = _tidspunkt(valg.get("eta")) or (
        _tidspunkt(valg["countdown"]) if valg.get("countdown") is not None else None
    )
    ut: dict[str, Any] = {}
    for navn, verdi in valg.items():
        if navn in _IKKE_LAGRE or navn in {"eta", "countdown"} or verdi is None:
            continue
        if navn == "expires":
            ut[navn] = _tidspunkt(verdi).isoformat()
        elif navn in {"queue", "exchange"} and hasattr(verdi, "name"):
            ut[navn] = verdi.name
        elif isinstance(verdi, str | int | float | bool | list | dict):
            ut[navn] = verdi
        else:
            logger.warning("Utboks: valget %s=%r lagres ikke", navn, verdi)
    return ut, eta


def legg_i_utboks(
    *,
    oppgave: str,
    oppgave_id: str,
    args: list[Any],
    kwargs: dict[str, Any],
    valg: dict[str, Any],
    feil: BaseException,
) -> None:
    from .models import Utboks

    lagret, eta = _lagbare_valg(valg)
    Utboks.objects.update_or_create(
        oppgave_id=oppgave_id,
        defaults={
            "oppgave": oppgave,
            "args": args,
            "kwargs": kwargs,
            "valg": lagret,
            "eta": eta,
            "forsok": 1,
            "siste_feil": f"{type(feil).__name__}: {feil}"[:500],
        },
    )
    logger.warning(
        "Meldingskøen (Redis) tok ikke imot %s[%s]; lagt i utboksen og sendes når den er tilbake",
        oppgave,
        oppgave_id,
        extra={"oppgave": oppgave, "oppgave_id": oppgave_id},
    )


def send_utboks(*, maks: int = 10_000, bolk: int = 100) -> int:
    """Publish the waiting messages, oldest first, and delete each one sent. Stops at the first
    message the broker refuses (it is still down) and leaves the rest for the next run. Safe to
    run in several processes at once: rows are locked with SKIP LOCKED."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from helsearbeid.celery import app

    from .models import Utboks

    sendt = 0
    ferdig = False
    while not ferdig and sendt < maks:
        with transaction.atomic():
            rader = list(Utboks.objects.select_for_update(skip_locked=True).order_by("id")[:bolk])
            ferdig = len(rader) < bolk
            for rad in rader:
                valg = dict(rad.valg)
                if rad.eta is not None and rad.eta > timezone.now():
                    valg["eta"] = rad.eta
                try:
                    app.send_task(
                        rad.oppgave,
                        args=rad.args,
                        kwargs=rad.kwargs,
                        task_id=rad.oppgave_id,
                        **valg,
                    )
                except BROKERFEIL as feil:
                    Utboks.objects.filter(pk=rad.pk).update(
                        forsok=F("forsok") + 1, siste_feil=f"{type(feil).__name__}: {feil}"[:500]
                    )
                    logger.warning("Utboksen venter fortsatt på meldingskøen: %s", feil)
                    ferdig = True
                    break
                rad.delete()
                sendt += 1
    if sendt:
        logger.info("Sendte %d meldinger fra utboksen", sendt)
    return sendt


def ventende() -> int:
    """How many messages wait for the broker (shown by /readyz)."""
    from .models import Utboks

    return Utboks.objects.count()
