"""«Meld feil»: a GP reports wrong information on a tilbud page; coordinators resolve it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tilbud import Tilbud

MAKS_FEILMELDING = 5000


class Feilmelding(models.Model):
    class Felt(models.TextChoices):
        KONTAKT = "kontakt", _("Kontaktinformasjon eller nettside")
        VENTETID = "ventetid", _("Ventetid")
        HENVISNING = "henvisning", _("Hvordan henvise")
        MALGRUPPE = "malgruppe", _("Målgruppe eller kriterier")
        STED = "sted", _("Sted")
        NEDLAGT = "nedlagt", _("Tilbudet finnes ikke lenger")
        ANNET = "annet", _("Annet")

    class Status(models.TextChoices):
        APEN = "apen", _("Åpen")
        LOST = "lost", _("Løst")

    tilbud = models.ForeignKey(
        Tilbud, on_delete=models.PROTECT, related_name="feilmeldinger", verbose_name=_("tilbud")
    )
    felt = models.CharField(_("hva er feil"), max_length=20, choices=Felt.choices)
    beskrivelse = models.TextField(_("beskrivelse"), max_length=MAKS_FEILMELDING)
    epost = models.EmailField(_("e-post for tilbakemelding"), blank=True)
    # Set when the reporter followed the signed link in the one confirmation e-mail: until
    # then nothing else is mailed to the address (anyone can type anyone's address).
    epost_bekreftet = models.DateTimeField(_("e-post bekreftet"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APEN, db_index=True
    )
    opprettet = models.DateTimeField(_("meldt"), auto_now_add=True)
    lost_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("løst av"),
    )
    lost_tidspunkt = models.DateTimeField(_("løst"), null=True, blank=True)
    lost_notat = models.TextField(_("notat"), blank=True)

    class Meta:
        ordering = ["-opprettet"]
        verbose_name = _("feilmelding")
        verbose_name_plural = _("feilmeldinger")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="apen") | models.Q(lost_tidspunkt__isnull=False),
                name="feilmelding_lost_har_tidspunkt",
            ),
        ]
        indexes = [models.Index(fields=["tilbud", "status"], name="feilmelding_tilbud_status")]

    def __str__(self) -> str:
        return f"{self.tilbud}: {self.get_felt_display()}"
