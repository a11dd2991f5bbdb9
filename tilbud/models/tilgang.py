"""Who may do what: a user's roles, each bound to the RHF or organisation it covers."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisasjon import Organisasjon


def normaliser_hpr_nummer(verdi: str) -> str:
    """'0 912 3456' → '9123456': spaces and leading zeros away (HPR numbers are whole numbers;
    some systems pad them)."""
    return re.sub(r"\s", "", verdi or "").lstrip("0")


def validate_hpr_nummer(value: str) -> None:
    """An HPR-nummer (Helsepersonellregisteret, Helsedirektoratet) is a whole number of 7 to 9
    digits; no check digit is published, so the format is all that can be checked here.

    Source of the rule: NAV's registration of paper sick-leave certificates checks the
    practitioner's HPR-nummer the same way, digits only and 7–9 digits after leading zeros
    (navikt/syk-dig, src/components/nasjonal-oppgave/form/sections/behandler/behandler-utils.ts);
    python-stdnum has no validator for it. The number itself is looked up by the person who
    grants the role, in Helsedirektoratet's public HPR search:
    https://www.helsedirektoratet.no/tema/statistikk-registre-og-rapporter/helsedata-og-helseregistre/helsepersonellregisteret-hpr
    """
    tall = normaliser_hpr_nummer(value)
    if not tall.isdigit() or not 7 <= len(tall) <= 9:
        raise ValidationError(
            _("«%(value)s» er ikke et gyldig HPR-nummer (7–9 sifre, bare tall)."),
            params={"value": value},
            code="ugyldig_hpr_nummer",
        )


def validate_telefon(value: str) -> None:
    """A phone number to call: digits with spaces, optionally +country code; 8–15 digits."""
    tall = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\+?\d{8,15}", tall):
        raise ValidationError(
            _("«%(value)s» er ikke et telefonnummer (8–15 sifre, f.eks. 71 23 45 67)."),
            params={"value": value},
            code="ugyldig_telefon",
        )


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
    # Who referred, for the receiving unit: only on henviser roles (constraint below).
    hpr_nummer = models.CharField(
        _("HPR-nummer"),
        max_length=9,
        blank=True,
        validators=[validate_hpr_nummer],
        help_text=_(
            "Helsepersonellnummeret (7–9 sifre). Påkrevd for henvisere som er helsepersonell."
        ),
    )
    praksis = models.CharField(
        _("praksis (legekontor)"),
        max_length=200,
        blank=True,
        help_text=_("Legekontoret eller virksomheten henviseren arbeider på."),
    )
    telefon = models.CharField(
        _("telefon"),
        max_length=20,
        blank=True,
        validators=[validate_telefon],
        help_text=_("Nummeret mottakeren kan ringe om en henvisning."),
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
            # HPR-nummer, practice and phone describe a referrer; no other role carries them.
            models.CheckConstraint(
                condition=models.Q(type="henviser")
                | models.Q(hpr_nummer="", praksis="", telefon=""),
                name="rolle_henviserfelt_bare_for_henviser",
                violation_error_message=_(
                    "HPR-nummer, praksis og telefon hører bare til en henviserrolle."
                ),
            ),
        ]

    def __str__(self) -> str:
        omfang = self.rhf or self.organisasjon
        return f"{self.bruker}: {self.get_type_display()}" + (f" – {omfang}" if omfang else "")

    def clean(self) -> None:
        super().clean()
        if self.hpr_nummer:
            self.hpr_nummer = normaliser_hpr_nummer(self.hpr_nummer)
        if self.telefon:
            self.telefon = " ".join(self.telefon.split())
        if self.type != self.Type.HENVISER:
            felt = {
                navn: _("Bare en henviserrolle har dette feltet.")
                for navn in ("hpr_nummer", "praksis", "telefon")
                if getattr(self, navn)
            }
            if felt:
                raise ValidationError(felt)
        elif (
            self.henvisertype and self.henvisertype != self.Henvisertype.NAV and not self.hpr_nummer
        ):
            # Every referrer but NAV is authorised health personnel and has an HPR-nummer.
            raise ValidationError(
                {"hpr_nummer": _("Oppgi HPR-nummeret: henviseren er helsepersonell.")}
            )
