from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HenvisningConfig(AppConfig):
    name = "henvisning"
    verbose_name = _("Henvisninger")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 - registers the key check
            demodata,  # noqa: F401 - registers the deploy check for demo users
        )
