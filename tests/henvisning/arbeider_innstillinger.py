"""Settings for the Celery worker that tests/henvisning/test_varsler_celery.py starts: the test
settings, e-mail to files through a backend that can be told to fail, and short retry waits."""

import os

from helsearbeid.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "tests.henvisning.epost_backend.FeilendeFilEpost"
EMAIL_FILE_PATH = os.environ["HENVISNING_TEST_EPOST_MAPPE"]
HENVISNING_TEST_EPOST_FEIL_FIL = os.environ["HENVISNING_TEST_EPOST_FEIL_FIL"]
HENVISNING_VARSEL_VENT_SEKUNDER = 1
