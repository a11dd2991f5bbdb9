"""Four eyes: a tilbudsredaktør's changes are proposals the region's coordinator decides on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tilbud import Tilbud


class Endringsforslag(models.Model):
    class Status(models.TextChoices):
        VENTER = "venter", _("Venter på koordinator")
        GODKJENT = "godkjent", _("Godkjent")
        AVVIST = "avvist", _("Avvist")

    tilbud = models.ForeignKey(
        Tilbud, on_delete=models.PROTECT, related_name="endringsforslag", verbose_name=_("tilbud")
    )
    endringer = models.JSONField(_("endringer"), help_text=_("Felt → ny verdi."))
    grunnversjon = models.PositiveIntegerField(_("versjon forslaget bygger på"))
    begrunnelse = models.TextField(_("begrunnelse"), blank=True, max_length=2000)
    foreslatt_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("foreslått av"),
    )
    opprettet = models.DateTimeField(_("foreslått"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VENTER, db_index=True
    )
    besluttet_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besluttet av"),
    )
    besluttet = models.DateTimeField(_("besluttet"), null=True, blank=True)
    kommentar = models.TextField(_("kommentar fra koordinator"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-opprettet"]
        verbose_name = _("endringsforslag")
        verbose_name_plural = _("endringsforslag")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="venter")
                | models.Q(besluttet__isnull=False, besluttet_av__isnull=False),
                name="forslag_besluttet_har_hvem_og_naar",
            ),
            # Rejecting needs a reason the editor can act on.
            models.CheckConstraint(
                condition=~models.Q(status="avvist") | ~models.Q(kommentar=""),
                name="forslag_avvist_har_kommentar",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tilbud}: {', '.join(self.endringer)} ({self.get_status_display()})"
