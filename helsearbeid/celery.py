"""Celery app. Worker: `celery -A helsearbeid worker`; beat: `celery -A helsearbeid beat`."""

import os

from celery import Celery

from helsearbeid.drift import megler

from .logg import koble_celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsearbeid.settings.production")

# Every task is a helsearbeid.drift.utboks.UtboksTask: a message Redis does not take waits in
# PostgreSQL.
app = Celery("helsearbeid", task_cls="helsearbeid.drift.utboks:UtboksTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A worker holding delayed tasks when Redis goes away must not crash (kombu 5.7): drift/megler.py.
megler.installer()

# A queued task carries the id of the request that queued it into the worker's log lines.
koble_celery()
