"""A person's API token (`Authorization: Token <prefiks>.<hemmelighet>`), on the same pattern as
the analysts' keys (rapporter.ApiNokkel): only a SHA-256 of the token is stored, the prefix finds
the row and names the token in logs and in the admin, and it has an end."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    class Grunn(models.TextChoices):
        UTLOGGET = "utlogget", _("trukket tilbake av brukeren")
        ADMINISTRATOR = "administrator", _("trukket tilbake av en administrator")
        PASSORD = "passord", _("passordet ble endret")
        ROLLE = "rolle", _("en rolle ble fjernet eller endret")
        DEAKTIVERT = "deaktivert", _("brukeren ble deaktivert")

    bruker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokener",
        verbose_name=_("bruker"),
    )
    navn = models.CharField(
        _("navn"), max_length=100, blank=True, help_text=_("Hva tokenet brukes til.")
    )
    prefiks = models.CharField(_("prefiks"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(_("SHA-256 av tokenet"), max_length=64, editable=False)
    # An HMAC of the user's password hash when the token was made: a changed password (any way:
    # form, admin, reset, set_password in a shell) no longer matches, and the token is refused.
    passord_merke = models.CharField(max_length=64, editable=False)
    opprettet = models.DateTimeField(_("opprettet"), auto_now_add=True)
    gyldig_til = models.DateTimeField(_("gyldig til"))
    trukket_tilbake = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    grunn = models.CharField(
        _("grunn"), max_length=20, blank=True, choices=Grunn.choices, editable=False
    )

    class Meta:
        ordering = ["-opprettet", "id"]
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokener")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 (a pattern)
                name="api_token_hash_er_sha256",
            ),
        ]
        indexes = [models.Index(fields=["bruker", "trukket_tilbake"], name="api_token_bruker_idx")]

    def __str__(self) -> str:
        return f"{self.prefiks}… ({self.bruker_id})"

    def er_utlopt(self, naa: datetime | None = None) -> bool:
        return self.gyldig_til <= (naa or timezone.now())
