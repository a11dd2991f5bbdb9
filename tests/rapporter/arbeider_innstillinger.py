"""Settings for the Celery workers that tests/rapporter/test_sammendrag_celery.py starts: the
test settings, a short Redis visibility timeout (a killed worker's task is redelivered within
seconds, not the default hour) and the test-only pause hook."""

import os

from helsearbeid.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
RAPPORTER_TEST_PAUSE_FIL = os.environ.get("RAPPORTER_TEST_PAUSE_FIL")
