from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TilbudConfig(AppConfig):
    name = "tilbud"
    verbose_name = _("Tilbud og organisasjoner")

    def ready(self) -> None:
        from . import referanse
        from .services import sokevokter

        # SQLite's search triggers call the keeper's Python function (tilbud.services.sokevokter).
        connection_created.connect(sokevokter.registrer_funksjoner, dispatch_uid="sokevokter")
        # A saved or deleted kommune, agreement, opptaksområde, … refreshes the search's
        # in-memory copy of the reference tables (bulk writes call referanse.endret() themselves).
        for modell in referanse.REFERANSEMODELLER:
            post_save.connect(_referanse_endret, sender=modell, dispatch_uid=f"ref-lagret-{modell}")
            post_delete.connect(
                _referanse_endret, sender=modell, dispatch_uid=f"ref-slettet-{modell}"
            )


def _referanse_endret(sender: type, instance: object, **_kwargs: object) -> None:
    from . import referanse
    from .models import Organisasjon

    # Of the organisations only the RHF are reference data (providers and HF are referred to
    # by id from agreements and opptaksområder, which have their own signals).
    if sender is Organisasjon and instance.type != Organisasjon.Type.RHF:
        return
    referanse.endret()
