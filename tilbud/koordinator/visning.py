"""Field values as people read them: labels, choice names, Ja/Nei, dates, names of målgrupper."""

from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tilbud.models import Tilbud

from .forms import normaliser

MAKS_VIS = 300


def etikett(navn: str, modell: type[models.Model] = Tilbud) -> str:
    try:
        return capfirst(modell._meta.get_field(navn).verbose_name)
    except FieldDoesNotExist:
        return navn


def vis(navn: str, verdi: Any, modell: type[models.Model] = Tilbud) -> str:
    try:
        felt = modell._meta.get_field(navn)
    except FieldDoesNotExist:
        felt = None
    if isinstance(felt, models.ManyToManyField):
        nokler = normaliser(verdi or [])
        navn_ = felt.related_model.objects.filter(pk__in=nokler).values_list("navn", flat=True)
        return ", ".join(sorted(navn_)) or _("ingen")
    if verdi is None or verdi == "":
        return _("tomt")
    if isinstance(felt, models.ForeignKey):
        verdi = getattr(verdi, "pk", verdi)
        return str(felt.related_model.objects.filter(pk=verdi).first() or verdi)
    if isinstance(verdi, bool):
        return _("Ja") if verdi else _("Nei")
    if isinstance(verdi, date):
        return verdi.strftime("%d.%m.%Y")
    if felt is not None and felt.choices:
        return str(dict(felt.flatchoices).get(verdi, verdi))
    tekst = str(verdi)
    return tekst if len(tekst) <= MAKS_VIS else tekst[:MAKS_VIS] + " …"


def endringsliste(endringer: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """{"felt": {"fra": …, "til": …}} → rows for a template."""
    return [
        {
            "navn": navn,
            "felt": etikett(navn),
            "fra": vis(navn, e.get("fra")),
            "til": vis(navn, e.get("til")),
        }
        for navn, e in endringer.items()
    ]
