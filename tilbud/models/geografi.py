"""Norway's administrative geography: fylke → kommune, HF catchment areas, postnummer."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

kommunenummer_validator = RegexValidator(r"^\d{4}$", _("Kommunenummer har fire sifre."))
fylkesnummer_validator = RegexValidator(r"^\d{2}$", _("Fylkesnummer har to sifre."))


class Fylke(models.Model):
    nummer = models.CharField(
        _("fylkesnummer"), max_length=2, primary_key=True, validators=[fylkesnummer_validator]
    )
    navn = models.CharField(_("navn"), max_length=100)
    rhf = models.ForeignKey(
        "tilbud.Organisasjon",
        on_delete=models.PROTECT,
        related_name="fylker",
        verbose_name=_("RHF"),
        limit_choices_to={"type": "rhf"},
    )

    class Meta:
        ordering = ["nummer"]
        verbose_name = _("fylke")
        verbose_name_plural = _("fylker")

    def __str__(self) -> str:
        return f"{self.nummer} {self.navn}"


class Kommune(models.Model):
    nummer = models.CharField(
        _("kommunenummer"), max_length=4, primary_key=True, validators=[kommunenummer_validator]
    )
    navn = models.CharField(_("navn"), max_length=100)
    fylke = models.ForeignKey(
        Fylke, on_delete=models.PROTECT, related_name="kommuner", verbose_name=_("fylke")
    )
    # Denormalised from fylke so that region filters need no join; the importer keeps it equal.
    rhf = models.ForeignKey(
        "tilbud.Organisasjon",
        on_delete=models.PROTECT,
        related_name="kommuner",
        verbose_name=_("RHF"),
        limit_choices_to={"type": "rhf"},
    )
    lat = models.DecimalField(_("breddegrad"), max_digits=8, decimal_places=5)
    lon = models.DecimalField(_("lengdegrad"), max_digits=8, decimal_places=5)

    class Meta:
        ordering = ["nummer"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__gte=57, lat__lte=72), name="kommune_lat_i_norge"
            ),
            models.CheckConstraint(
                condition=models.Q(lon__gte=4, lon__lte=32), name="kommune_lon_i_norge"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nummer} {self.navn}"


class Opptaksomrade(models.Model):
    """A kommune (or, for Oslo, one bydel) in a helseforetak's catchment area."""

    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="opptaksomrader", verbose_name=_("kommune")
    )
    bydelsnummer = models.CharField(_("bydelsnummer"), max_length=6, blank=True)
    bydelsnavn = models.CharField(_("bydel"), max_length=100, blank=True)
    helseforetak = models.ForeignKey(
        "tilbud.Organisasjon",
        on_delete=models.PROTECT,
        related_name="opptaksomrader",
        verbose_name=_("helseforetak"),
    )
    merknad = models.TextField(_("merknad"), blank=True)

    class Meta:
        ordering = ["kommune", "bydelsnummer"]
        verbose_name = _("opptaksområde")
        verbose_name_plural = _("opptaksområder")
        constraints = [
            models.UniqueConstraint(
                fields=["kommune", "bydelsnummer"], name="opptaksomrade_unik_kommune_bydel"
            ),
        ]

    def __str__(self) -> str:
        del_ = f" bydel {self.bydelsnavn}" if self.bydelsnavn else ""
        return f"{self.kommune}{del_} → {self.helseforetak}"


class Postnummer(models.Model):
    nummer = models.CharField(
        _("postnummer"), max_length=4, primary_key=True, validators=[RegexValidator(r"^\d{4}$")]
    )
    poststed = models.CharField(_("poststed"), max_length=100)
    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="postnumre", verbose_name=_("kommune")
    )

    class Meta:
        ordering = ["nummer"]
        verbose_name = _("postnummer")
        verbose_name_plural = _("postnumre")

    def __str__(self) -> str:
        return f"{self.nummer} {self.poststed}"
