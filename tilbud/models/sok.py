"""Search support kept as data: word synonyms used by the Norwegian text search."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Synonym(models.Model):
    """A word GPs type and what it should also find (rygg → korsrygg, nakke, ryggsmerter)."""

    ord = models.CharField(
        _("ord"),
        max_length=50,
        unique=True,
        help_text=_("Med små bokstaver, slik det skrives i søket."),
    )
    synonymer = models.JSONField(_("søker også etter"), default=list)

    class Meta:
        ordering = ["ord"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonymer")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ord=models.functions.Lower("ord")),
                name="synonym_ord_smaa_bokstaver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ord} → {', '.join(self.synonymer)}"
