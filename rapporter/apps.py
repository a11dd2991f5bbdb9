from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapporterConfig(AppConfig):
    name = "rapporter"
    verbose_name = _("Rapporter")

    def ready(self) -> None:
        # Registers the API key scheme with drf-spectacular.
        # Catalogue edits schedule a debounced rebuild of the regional summaries.
        from . import signals  # noqa: F401
        from .api import schema  # noqa: F401
