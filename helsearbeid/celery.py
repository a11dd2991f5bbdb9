"""Celery app. Worker: `celery -A helsearbeid worker`; beat: `celery -A helsearbeid beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsearbeid.settings.production")

app = Celery("helsearbeid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
