"""Who may do what: a user's roles, each bound to the RHF or organisation it covers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisasjon import Organisasjon


class Rolle(models.Model):
    class Type(models.TextChoices):
        KOORDINATOR = "koordinator", _("Koordinator (RHF)")
        TILBUDSREDAKTOR = "tilbudsredaktor", _("Tilbudsredaktør (organisasjon)")
        ANALYTIKER = "analytiker", _("Analytiker")
        ADMINISTRATOR = "administrator", _("Administrator")
        HENVISER = "henviser", _("Henviser (fastlege, avtalespesialist, sykehuslege, NAV …)")
        MOTTAKER = "mottaker", _("Mottaker av henvisninger (organisasjon eller RKE/RVE)")

    class Henvisertype(models.TextChoices):
        FASTLEGE = "fastlege", _("Fastlege")
        AVTALESPESIALIST = "avtalespesialist", _("Avtalespesialist")
        SYKEHUSLEGE = "sykehuslege", _("Sykehuslege")
        NAV = "nav", _("NAV")
        BEDRIFTSLEGE = "bedriftslege", _("Bedriftslege")
        KIROPRAKTOR = "kiropraktor", _("Kiropraktor/manuellterapeut")

    bruker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roller",
        verbose_name=_("bruker"),
    )
    type = models.CharField(_("rolle"), max_length=20, choices=Type.choices)
    rhf = models.ForeignKey(
        Organisasjon,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="koordinatorer",
        verbose_name=_("RHF"),
        limit_choices_to={"type": "rhf"},
    )
    organisasjon = models.ForeignKey(
        Organisasjon,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redaktorer",
        verbose_name=_("organisasjon"),
    )
    henvisertype = models.CharField(
        _("henvisertype"), max_length=20, blank=True, choices=Henvisertype.choices
    )

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            # A coordinator covers exactly one RHF, an editor exactly one organisation; a
            # referrer says what kind of referrer; a receiving unit is an organisation (an RHF
            # organisation stands for its regional assessment unit, RKE/RVE).
            models.CheckConstraint(
                condition=(
                    models.Q(type="koordinator", rhf__isnull=False, organisasjon__isnull=True)
                    | models.Q(type="tilbudsredaktor", rhf__isnull=True, organisasjon__isnull=False)
                    | models.Q(
                        type__in=["analytiker", "administrator"],
                        rhf__isnull=True,
                        organisasjon__isnull=True,
                    )
                    | (models.Q(type="henviser", rhf__isnull=True) & ~models.Q(henvisertype=""))
                    | models.Q(type="mottaker", rhf__isnull=True, organisasjon__isnull=False)
                )
                & (models.Q(type="henviser") | models.Q(henvisertype="")),
                name="rolle_riktig_omfang",
            ),
            models.UniqueConstraint(fields=["bruker", "type"], name="rolle_en_per_type"),
        ]

    def __str__(self) -> str:
        omfang = self.rhf or self.organisasjon
        return f"{self.bruker}: {self.get_type_display()}" + (f" – {omfang}" if omfang else "")
