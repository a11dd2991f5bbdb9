"""The catalogue version: one row whose value changes, in the same transaction, with every write
that reaches the public view (kept by tilbud.services.sokevokter's triggers)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Katalogversjon(models.Model):
    """A new random value on every write to a table the public search and tilbud pages read.
    Opaque: compare it, never order it (a rolled-back write leaves the value it had)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    versjon = models.CharField(_("versjon"), max_length=64)

    class Meta:
        verbose_name = _("katalogversjon")
        verbose_name_plural = _("katalogversjoner")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="katalogversjon_en_rad"),
        ]

    def __str__(self) -> str:
        return self.versjon
