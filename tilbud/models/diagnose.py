"""Diagnosis codes (ICPC-2 for GPs, ICD-10 for hospitals) and the målgrupper they map to."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Kodeverk(models.TextChoices):
    ICPC2 = "ICPC2", "ICPC-2"
    ICD10 = "ICD10", "ICD-10"


class Diagnosekode(models.Model):
    """One code of the full code lists, without dots, spelled as in the list (the Norwegian
    ICD-10 has extension codes such as I210a). `sokekode` is the upper-case form for look-ups."""

    kodeverk = models.CharField(_("kodeverk"), max_length=5, choices=Kodeverk.choices)
    kode = models.CharField(_("kode"), max_length=8)
    sokekode = models.CharField(_("søkekode"), max_length=8, editable=False)
    tittel = models.CharField(_("tittel"), max_length=300)

    class Meta:
        ordering = ["kodeverk", "kode"]
        verbose_name = _("diagnosekode")
        verbose_name_plural = _("diagnosekoder")
        constraints = [
            models.UniqueConstraint(fields=["kodeverk", "kode"], name="diagnosekode_unik"),
            models.UniqueConstraint(
                fields=["kodeverk", "sokekode"], name="diagnosekode_unik_sokekode"
            ),
            models.CheckConstraint(
                condition=models.Q(sokekode__regex=r"^[A-Z0-9-]+$"),
                name="diagnosekode_sokekode_normalisert",
            ),
        ]
        indexes = [
            models.Index(fields=["sokekode"], name="diagnosekode_sokekode_idx"),
            models.Index(Lower("tittel"), name="diagnosekode_tittel_lower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kode} {self.tittel}"

    @property
    def visningskode(self) -> str:
        """ICD-10 as people write it (F41.1); ICPC-2 unchanged."""
        if self.kodeverk == Kodeverk.ICD10 and len(self.kode) > 3:
            return f"{self.kode[:3]}.{self.kode[3:]}"
        return self.kode


class Malgruppe(models.Model):
    """A diagnosis group a tilbud is for (e.g. muskel- og skjelettlidelser)."""

    slug = models.SlugField(_("kode"), max_length=50, unique=True)
    navn = models.CharField(_("navn"), max_length=200, unique=True)
    beskrivelse = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        ordering = ["navn"]
        verbose_name = _("målgruppe")
        verbose_name_plural = _("målgrupper")

    def __str__(self) -> str:
        return self.navn


class MalgruppeKode(models.Model):
    """An inclusive range of 3-character code categories belonging to a målgruppe."""

    malgruppe = models.ForeignKey(
        Malgruppe, on_delete=models.CASCADE, related_name="koder", verbose_name=_("målgruppe")
    )
    kodeverk = models.CharField(_("kodeverk"), max_length=5, choices=Kodeverk.choices)
    fra = models.CharField(_("fra"), max_length=3)
    til = models.CharField(_("til"), max_length=3)

    class Meta:
        ordering = ["malgruppe", "kodeverk", "fra"]
        verbose_name = _("målgruppekode")
        verbose_name_plural = _("målgruppekoder")
        constraints = [
            models.UniqueConstraint(
                fields=["malgruppe", "kodeverk", "fra", "til"], name="malgruppekode_unik"
            ),
            models.CheckConstraint(
                condition=models.Q(fra__lte=models.F("til")), name="malgruppekode_fra_for_til"
            ),
        ]
        indexes = [models.Index(fields=["kodeverk", "fra", "til"], name="malgruppekode_spenn_idx")]

    def __str__(self) -> str:
        spenn = self.fra if self.fra == self.til else f"{self.fra}–{self.til}"
        return f"{self.get_kodeverk_display()} {spenn}"
