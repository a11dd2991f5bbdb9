from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class RapporterConfig(AppConfig):
    name = "rapporter"
    verbose_name = _("Rapporter")

    def ready(self) -> None:
        # Registers the API key scheme with drf-spectacular.
        # Catalogue edits schedule a debounced rebuild of the regional summaries.
        from . import signals  # noqa: F401
        from .fhir.selectors import registrer_brett

        # The FHIR directory's accent-aware name search folds in the database (SQLite: Python).
        connection_created.connect(registrer_brett, dispatch_uid="fhir_brett")
        from .api import schema  # noqa: F401
