"""Analyst clients (API keys) now; the regional summaries join in their own issue."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiNokkel(models.Model):
    """An analyst client's key. Only a SHA-256 of the key is stored: a database leak gives no
    usable keys. The prefix is not secret; it finds the row and names the key in logs."""

    navn = models.CharField(_("navn"), max_length=200)
    eier = models.CharField(
        _("eier"), max_length=200, help_text=_("Organisasjon eller person som bruker nøkkelen.")
    )
    prefiks = models.CharField(_("prefiks"), max_length=16, unique=True, editable=False)
    nokkel_hash = models.CharField(_("SHA-256 av nøkkelen"), max_length=64, editable=False)
    opprettet = models.DateTimeField(_("opprettet"), auto_now_add=True)
    opprettet_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("opprettet av"),
    )
    gyldig_til = models.DateTimeField(
        _("gyldig til"),
        null=True,
        blank=True,
        help_text=_("Tomt: gjelder til den trekkes tilbake."),
    )
    trukket_tilbake = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        ordering = ["-opprettet", "id"]
        verbose_name = _("API-nøkkel")
        verbose_name_plural = _("API-nøkler")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nokkel_hash__regex=r"^[0-9a-f]{64}$"),
                name="api_nokkel_hash_er_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.navn} ({self.prefiks}…)"

    def er_utlopt(self, naa: datetime | None = None) -> bool:
        return self.gyldig_til is not None and self.gyldig_til <= (naa or timezone.now())
