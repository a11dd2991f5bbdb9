from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TilbudConfig(AppConfig):
    name = "tilbud"
    verbose_name = _("Tilbud og organisasjoner")
