"""Organisations: the four RHF, helseforetak, non-profit hospitals and private providers."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from helsearbeid.uri import NettadresseField


def validate_organisasjonsnummer(value: str) -> None:
    """Nine digits with a valid mod-11 check digit (python-stdnum)."""
    if not orgnr.is_valid(value):
        raise ValidationError(
            _("«%(value)s» er ikke et gyldig organisasjonsnummer (9 sifre med kontrollsiffer)."),
            params={"value": value},
            code="ugyldig_organisasjonsnummer",
        )


class OrganisasjonQuerySet(models.QuerySet):
    def rhf(self) -> "OrganisasjonQuerySet":
        return self.filter(type=Organisasjon.Type.RHF)


@pghistory.track()
class Organisasjon(models.Model):
    class Type(models.TextChoices):
        RHF = "rhf", _("Regionalt helseforetak")
        HF = "hf", _("Helseforetak")
        IDEELL = "ideell", _("Ideelt sykehus med driftsavtale")
        PRIVAT = "privat", _("Privat leverandør med avtale")
        # The region's assessment unit (RKE/RVE) receives referrals to private rehabilitation
        # institutions and decides the right to care: a receiving organisation under its RHF.
        VURDERINGSENHET = "rve", _("Regional vurderingsenhet (RKE/RVE)")

    navn = models.CharField(_("navn"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, db_index=True)
    # Only the four RHF have a short code (HSO, HV, HMN, HN).
    kode = models.CharField(_("kortkode"), max_length=5, unique=True, null=True, blank=True)
    # The RHF that owns an HF or an assessment unit, or holds the ideell hospital's agreement;
    # null for RHF and private.
    rhf = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="underliggende",
        verbose_name=_("RHF"),
        limit_choices_to={"type": "rhf"},
    )
    organisasjonsnummer = models.CharField(
        _("organisasjonsnummer"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_organisasjonsnummer],
    )
    aliaser = models.JSONField(
        _("andre navn"), default=list, blank=True, help_text=_("Skrivemåter brukt i kildene.")
    )
    nettside = NettadresseField(_("nettside"), blank=True)
    # Raised by every change; edits are UPDATE … WHERE versjon = <what the editor saw>, so that
    # of two concurrent saves exactly one wins (as for tilbud).
    versjon = models.PositiveIntegerField(_("versjon"), default=1)

    objects = OrganisasjonQuerySet.as_manager()

    class Meta:
        ordering = ["navn"]
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(type="rhf", kode__isnull=False, rhf__isnull=True)
                    | (~models.Q(type="rhf") & models.Q(kode__isnull=True))
                ),
                name="organisasjon_kode_kun_for_rhf",
            ),
            models.CheckConstraint(
                condition=~models.Q(type__in=["hf", "ideell", "rve"]) | models.Q(rhf__isnull=False),
                name="organisasjon_hf_har_rhf",
            ),
        ]

    def __str__(self) -> str:
        return self.navn


class Avtale(models.Model):
    """A private provider's agreement with an RHF; one provider can hold several."""

    class Type(models.TextChoices):
        ARR = "arr", _("Arbeidsrettet rehabilitering")
        PHV = "phv", _("Psykisk helsevern")

    leverandor = models.ForeignKey(
        Organisasjon,
        on_delete=models.PROTECT,
        related_name="avtaler",
        verbose_name=_("leverandør"),
        limit_choices_to={"type": "privat"},
    )
    rhf = models.ForeignKey(
        Organisasjon,
        on_delete=models.PROTECT,
        related_name="avtaler_som_rhf",
        verbose_name=_("RHF"),
        limit_choices_to={"type": "rhf"},
    )
    type = models.CharField(_("avtaletype"), max_length=3, choices=Type.choices)

    class Meta:
        ordering = ["leverandor__navn", "rhf__kode", "type"]
        verbose_name = _("avtale")
        verbose_name_plural = _("avtaler")
        constraints = [
            models.UniqueConstraint(
                fields=["leverandor", "rhf", "type"], name="avtale_unik_leverandor_rhf_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leverandor} – {self.rhf.kode} ({self.get_type_display()})"
