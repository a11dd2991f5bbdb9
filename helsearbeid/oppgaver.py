"""The one way a service starts a Celery task: by the task's name, after commit.

A tasks module imports its service (tasks are thin: ids in, one service call), so a service that
imported its tasks module back made an import circle (henvisning, rapporter and tilbud's «Meld
feil» each had one). Naming the task instead keeps the arrows one way: tasks → services → this
module. The task is looked up in Celery's registry when it is sent, so it is the same object the
worker runs and tests patch, and it keeps the outbox fallback (helsearbeid.drift.utboks).

`tests/test_arkitektur.py` checks that every task name a service sends is a registered task.
"""

import importlib
from typing import Any

from celery import Task, current_app
from celery.result import AsyncResult
from django.db import transaction


def oppgave(navn: str) -> Task:
    """The registered task `navn` ("henvisning.tasks.varsle_mottaker"). Its module is imported
    first: a web process has not necessarily imported every tasks module (Celery's autodiscovery
    runs in the worker), and eager mode runs the task from this registry."""
    importlib.import_module(navn.rpartition(".")[0])
    return current_app.tasks[navn]


def send(navn: str, *args: Any, **valg: Any) -> AsyncResult:
    """Send the task now, with positional `args` and apply_async options (`queue`, `countdown`).
    For callers that already run after commit."""
    return oppgave(navn).apply_async(args, **valg)


def send_etter_commit(navn: str, *args: Any, robust: bool = False, **valg: Any) -> None:
    """Send the task once the current transaction commits (at once outside one), so the worker
    sees the committed rows and a rolled-back change sends nothing. `robust=True`: an error while
    sending is logged instead of raised, for writes whose answer must not turn into an error page
    after they have committed."""
    transaction.on_commit(lambda: send(navn, *args, **valg), robust=robust)
