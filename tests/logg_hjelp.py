"""Capture every log line as production writes it (LOGG_FORMAT=json), for the logging tests."""

import io
import json
import logging
import logging.config
from collections.abc import Iterator

import pytest
from django.conf import settings

from helsearbeid.settings.logg import logging_config


class Logglinjer:
    def __init__(self, strom: io.StringIO) -> None:
        self._strom = strom

    def tekst(self) -> str:
        return self._strom.getvalue()

    def linjer(self) -> list[str]:
        return [linje for linje in self.tekst().splitlines() if linje.strip()]

    def json(self) -> list[dict]:
        """Every line parsed; a line that is not one JSON object fails the test."""
        poster = []
        for linje in self.linjer():
            post = json.loads(linje)
            assert isinstance(post, dict), linje
            poster.append(post)
        return poster

    def tom(self) -> None:
        self._strom.seek(0)
        self._strom.truncate()


@pytest.fixture
def json_logg() -> Iterator[Logglinjer]:
    """Production's LOGGING (json, every level from DEBUG), written to a buffer."""
    strom = io.StringIO()
    logging.config.dictConfig(logging_config("json", "DEBUG"))
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(strom)
    try:
        yield Logglinjer(strom)
    finally:
        logging.config.dictConfig(settings.LOGGING)
