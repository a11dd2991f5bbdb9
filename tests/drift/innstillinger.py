"""Settings for the processes the fault and load tests start (gunicorn, celery worker and beat):
the test settings with a real broker, e-mail to files, and short waits.

DATABASE_URL and REDIS_URL point at the test's private servers (tests/drift/tjenester.py)."""

import os

from helsearbeid.settings.test import *  # noqa: F403

DEBUG = False
CELERY_TASK_ALWAYS_EAGER = False
# E-mail to files in DRIFT_EPOST_MAPPE (when the test gives one): the test reads what was sent.
if os.environ.get("DRIFT_EPOST_MAPPE"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["DRIFT_EPOST_MAPPE"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HENVISNING_VARSEL_VENT_SEKUNDER = 1
PORTAL_URL = "https://portal.test"
