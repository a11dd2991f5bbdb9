"""A tilbud's waiting times as data: one row per type of care, in weeks, with the date it was
measured and who said so. The definition is helsenorge's (DEFINISJON), stated once.

A waiting time the source gives only in words («kort ventetid», «innen ti virkedager») is kept
as its text with no weeks and no type: «ikke strukturert». Nothing is guessed.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tilbud import Tilbud

DEFINISJON = _(
    "Ventetiden er forventet maksimal ventetid for pasientene med lavest prioritet, i uker "
    "fra henvisningen er mottatt (samme definisjon som helsenorge.no «Velg behandlingssted»)."
)
MAKS_UKER = 260  # five years: anything above is a typing error
TYPER = ("vurdering", "utredning", "behandling", "dag", "innleggelse")
KILDER = ("koordinator", "tilbyder", "rapport")
# «The waiting time to show» when a tilbud has several: the first type in this order. A GP asks
# how soon the patient gets help, so the treatment itself comes before assessment steps.
VIST_REKKEFOLGE = ("behandling", "dag", "innleggelse", "utredning", "vurdering")
UTDATERT_DAGER = 31  # older than this is «utdatert» (helsenorge: update monthly or more often)


@pghistory.track()
class Ventetid(models.Model):
    class Type(models.TextChoices):
        VURDERING = "vurdering", _("Vurdering")
        UTREDNING = "utredning", _("Utredning")
        BEHANDLING = "behandling", _("Behandling")
        DAG = "dag", _("Dagbehandling")
        INNLEGGELSE = "innleggelse", _("Innleggelse/opphold")

    class Kilde(models.TextChoices):
        KOORDINATOR = "koordinator", _("Regional koordinator")
        TILBYDER = "tilbyder", _("Tilbyderen")
        RAPPORT = "rapport", _("Rapport")

    tilbud = models.ForeignKey(
        Tilbud, on_delete=models.CASCADE, related_name="ventetider", verbose_name=_("tilbud")
    )
    # Blank only when not structured (the text alone).
    type = models.CharField(_("type"), max_length=12, choices=Type.choices, blank=True)
    uker_min = models.PositiveSmallIntegerField(_("uker (fra)"), null=True, blank=True)
    uker_maks = models.PositiveSmallIntegerField(_("uker (til)"), null=True, blank=True)
    omtrent = models.BooleanField(_("omtrent («ca.»)"), default=False)
    dato = models.DateField(_("målt"))
    kilde = models.CharField(_("kilde"), max_length=12, choices=Kilde.choices)
    # The words the value was read from, verbatim (report, provider or coordinator).
    tekst = models.TextField(_("kildetekst"), blank=True, max_length=2000)
    registrert = models.DateTimeField(_("registrert"), auto_now=True)
    registrert_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrert av"),
    )

    class Meta:
        ordering = ["tilbud", "type", "id"]
        verbose_name = _("ventetid")
        verbose_name_plural = _("ventetider")
        constraints = [
            models.UniqueConstraint(fields=["tilbud", "type"], name="ventetid_en_per_type"),
            models.CheckConstraint(
                condition=models.Q(type__in=["", *TYPER]),
                name="ventetid_gyldig_type",
            ),
            models.CheckConstraint(
                condition=models.Q(kilde__in=KILDER), name="ventetid_gyldig_kilde"
            ),
            # Structured: a type and weeks (a range or one number, min ≤ max ≤ five years).
            # Not structured: no type, no weeks, the text.
            models.CheckConstraint(
                condition=(
                    ~models.Q(type="")
                    & models.Q(uker_min__isnull=False, uker_maks__isnull=False)
                    & models.Q(uker_min__lte=models.F("uker_maks"), uker_maks__lte=MAKS_UKER)
                )
                | (
                    models.Q(type="", uker_min__isnull=True, uker_maks__isnull=True, omtrent=False)
                    & ~models.Q(tekst="")
                ),
                name="ventetid_strukturert_eller_tekst",
                violation_error_message=_(
                    "Oppgi type og uker (fra ≤ til), eller bare teksten uten type og uker."
                ),
            ),
        ]
        indexes = [
            # The search's sort and maks_uker filter read the weeks per tilbud.
            models.Index(fields=["tilbud", "uker_maks"], name="ventetid_tilbud_uker_idx"),
            # The update duty: outdated waiting times per tilbud.
            models.Index(fields=["dato"], name="ventetid_dato_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tilbud_id}: {self.type or 'ikke strukturert'}"

    @property
    def strukturert(self) -> bool:
        return self.uker_maks is not None
