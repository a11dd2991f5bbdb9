from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TilbudConfig(AppConfig):
    name = "tilbud"
    verbose_name = _("Tilbud og organisasjoner")

    def ready(self) -> None:
        from . import katalogversjon
        from .services import sokevokter

        # The keeper of the derived search data: its SQLite function and the signals that
        # refresh the search's in-memory copy of the reference tables.
        sokevokter.koble_til()
        # The catalogue version is read at most once per request.
        katalogversjon.koble_til()
