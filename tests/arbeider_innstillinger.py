"""Settings for every process a test starts outside pytest: Celery workers
(tests/celery_arbeider.py) and the fault and load tests' gunicorn and beat
(tests/drift/tjenester.py). The test settings with a real broker, e-mail to files when the test
asks, and short waits.

The test chooses through the environment:
- DATABASE_URL, REDIS_URL: its database and broker (the run's own, or private servers);
- TEST_EPOST_MAPPE: e-mail to files there (otherwise dropped); TEST_EPOST_FEIL_FIL: how many sends
  fail first (tests/epost_backend.py);
- TEST_SYNLIGHET_SEKUNDER: Redis's visibility timeout, for tests that kill a worker (its task is
  redelivered within seconds, not the default hour). Only there: a task delayed for longer than
  the timeout would be delivered twice;
- RAPPORTER_TEST_PAUSE_FIL: the summary rebuild's test-only pause (rapporter.services.sammendrag).
"""

import os

from helsearbeid.settings.test import *  # noqa: F403

DEBUG = False
CELERY_TASK_ALWAYS_EAGER = False
if os.environ.get("TEST_EPOST_MAPPE"):
    EMAIL_BACKEND = "tests.epost_backend.FeilendeFilEpost"
    EMAIL_FILE_PATH = os.environ["TEST_EPOST_MAPPE"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
TEST_EPOST_FEIL_FIL = os.environ.get("TEST_EPOST_FEIL_FIL", "")
HENVISNING_VARSEL_VENT_SEKUNDER = 1
PORTAL_URL = "https://portal.test"
if os.environ.get("TEST_SYNLIGHET_SEKUNDER"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["TEST_SYNLIGHET_SEKUNDER"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
RAPPORTER_TEST_PAUSE_FIL = os.environ.get("RAPPORTER_TEST_PAUSE_FIL")
