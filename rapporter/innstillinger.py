"""Read the API settings with helsearbeid/settings/api.py as the fallback, so that the app works
before base.py star-imports that file (and tests can still override them with `settings`)."""

from typing import Any

from django.conf import settings

from helsearbeid.settings import api as standard


def innstilling(navn: str) -> Any:
    return getattr(settings, navn, getattr(standard, navn))
