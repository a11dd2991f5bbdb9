from django.db import models
from django.utils.translation import gettext_lazy as _


class Utboks(models.Model):
    """A Celery message the broker would not take (Redis down or unreachable). It waits here,
    in the same PostgreSQL as the change that queued it, until `drift.utboks.send_utboks`
    publishes it (every UTBOKS_INTERVALL_SEKUNDER from beat, and when a worker starts) and
    deletes the row. Tasks take ids, never personal data, so nothing sensitive is kept."""

    oppgave = models.CharField(_("oppgave"), max_length=200)
    oppgave_id = models.CharField(_("oppgave-id"), max_length=255, unique=True)
    args = models.JSONField(_("argumenter"), default=list)
    kwargs = models.JSONField(_("navngitte argumenter"), default=dict)
    valg = models.JSONField(
        _("valg"), default=dict, help_text=_("Kø, prioritet og lignende for apply_async.")
    )
    eta = models.DateTimeField(_("kjøres tidligst"), null=True, blank=True)
    opprettet = models.DateTimeField(_("opprettet"), auto_now_add=True)
    forsok = models.PositiveIntegerField(_("mislykkede sendinger"), default=0)
    siste_feil = models.CharField(_("siste feil"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("melding i utboksen")
        verbose_name_plural = _("utboks (meldinger som venter på Redis)")

    def __str__(self) -> str:
        return f"{self.oppgave} {self.oppgave_id}"
