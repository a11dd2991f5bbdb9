"""Tilbud (a Helse og arbeid service), where it is offered, and how it is delivered."""

from datetime import date

import pghistory
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from helsearbeid.uri import NettadresseField

from .diagnose import Malgruppe
from .geografi import Kommune
from .mottak import HER_ID_MAKS, Melding, VurderesAv, validate_her_id, validate_meldinger
from .organisasjon import Organisasjon


@pghistory.track()
class Lokasjon(models.Model):
    """A site (clinic, DPS, senter) where an organisation offers tilbud."""

    organisasjon = models.ForeignKey(
        Organisasjon,
        on_delete=models.PROTECT,
        related_name="lokasjoner",
        verbose_name=_("organisasjon"),
    )
    navn = models.CharField(_("navn"), max_length=200)
    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="lokasjoner", verbose_name=_("kommune")
    )
    # Raised by every change; edits are version-checked UPDATEs (no lost updates).
    versjon = models.PositiveIntegerField(_("versjon"), default=1)

    class Meta:
        ordering = ["navn"]
        verbose_name = _("lokasjon")
        verbose_name_plural = _("lokasjoner")
        constraints = [
            models.UniqueConstraint(
                fields=["organisasjon", "navn"], name="lokasjon_unik_per_organisasjon"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.navn} ({self.kommune.navn})"


class Behandlingsform(models.Model):
    """Controlled vocabulary: poliklinisk, dag, døgn/opphold, ambulant, digital, gruppe, …"""

    kode = models.SlugField(_("kode"), max_length=20, primary_key=True)
    navn = models.CharField(_("navn"), max_length=100)
    rekkefolge = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)

    class Meta:
        ordering = ["rekkefolge", "kode"]
        verbose_name = _("behandlingsform")
        verbose_name_plural = _("behandlingsformer")

    def __str__(self) -> str:
        return self.navn


class Fagomrade(models.TextChoices):
    PSYKISK_HELSEVERN = "psykisk-helsevern", _("Psykisk helsevern")
    MUSKEL_SKJELETT = "muskel-skjelett", _("Muskel/skjelett")
    KOMBINERT = "kombinert", _("Muskel/skjelett og psykisk helse")
    ARBEIDSRETTET_REHABILITERING = "arr", _("Arbeidsrettet rehabilitering")
    KREFT = "kreft", _("Kreft")
    HJERNESLAG = "hjerneslag", _("Hjerneslag/hjernetraume")
    HODEPINE = "hodepine", _("Hodepine og nakke/rygg")
    KOMPETANSETJENESTE = "kompetansetjeneste", _("Kompetansetjeneste")
    BEDRIFTSTILTAK = "bedriftstiltak", _("Bedriftstiltak")
    GENERELT = "generelt", _("Generelt")


class TilbudQuerySet(models.QuerySet):
    def synlige(self) -> "TilbudQuerySet":
        """What GPs see by default: everything not ended (2019-only rows carry a badge)."""
        return self.exclude(status=Tilbud.Status.AVSLUTTET)

    def aktive(self) -> "TilbudQuerySet":
        return self.filter(status=Tilbud.Status.AKTIV)

    def med_relasjoner(self) -> "TilbudQuerySet":
        """Everything a list or detail response shows, in a constant number of queries."""
        return self.select_related("organisasjon", "rhf", "vurderingsenhet").prefetch_related(
            "malgrupper",
            "behandlingsformer",
            "ventetider",
            models.Prefetch("lokasjoner", queryset=Lokasjon.objects.select_related("kommune")),
        )


# History by database triggers on PostgreSQL: edits, admin, import and bulk updates alike.
@pghistory.track(exclude=["sokeord", "sokevektor", "sted_lat", "sted_lon"])
class Tilbud(models.Model):
    class Status(models.TextChoices):
        AKTIV = "aktiv", _("Aktiv")
        IKKE_BEKREFTET = "ikke_bekreftet", _("Ikke bekreftet siden 2019")
        AVSLUTTET = "avsluttet", _("Avsluttet")

    class TarImotNye(models.TextChoices):
        JA = "ja", _("Tar imot nye pasienter")
        VENTELISTE = "venteliste", _("Venteliste")
        NEI = "nei", _("Tar ikke imot nye pasienter nå")
        UKJENT = "ukjent", _("Ukjent")

    class HenvisningTil(models.TextChoices):
        HF = "hf", _("Helseforetakets inntak")
        REGIONAL_VURDERING = "regional", _("Regional vurderingsenhet (RKE/RVE)")
        LEVERANDOR = "leverandor", _("Leverandøren direkte")
        UKJENT = "ukjent", _("Ukjent")

    kilde_id = models.CharField(
        _("kilde-id"),
        max_length=40,
        unique=True,
        help_text=_("Postens id i kildedata, f.eks. s4_6_1_1_1."),
    )
    navn = models.CharField(_("navn"), max_length=300)
    organisasjon = models.ForeignKey(
        Organisasjon, on_delete=models.PROTECT, related_name="tilbud", verbose_name=_("tilbyder")
    )
    rhf = models.ForeignKey(
        Organisasjon,
        on_delete=models.PROTECT,
        related_name="tilbud_i_regionen",
        verbose_name=_("helseregion"),
        limit_choices_to={"type": "rhf"},
    )
    lokasjoner = models.ManyToManyField(
        Lokasjon, related_name="tilbud", blank=True, verbose_name=_("lokasjoner")
    )
    kategori = models.CharField(_("kategori i kilden"), max_length=200)
    fagomrade = models.CharField(_("fagområde"), max_length=30, choices=Fagomrade.choices)
    malgrupper = models.ManyToManyField(
        Malgruppe, related_name="tilbud", verbose_name=_("målgrupper")
    )
    malgruppe_tekst = models.TextField(_("målgruppe"), blank=True)
    diagnoser = models.JSONField(_("diagnoser som nevnt"), default=list, blank=True)
    alder_fra = models.PositiveSmallIntegerField(
        _("alder fra"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    alder_til = models.PositiveSmallIntegerField(
        _("alder til"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    alder_tekst = models.CharField(_("alder"), max_length=200, blank=True)
    inklusjonskriterier = models.TextField(_("inklusjonskriterier"), blank=True)
    eksklusjonskriterier = models.TextField(_("eksklusjonskriterier"), blank=True)
    behandlingsformer = models.ManyToManyField(
        Behandlingsform, related_name="tilbud", blank=True, verbose_name=_("behandlingsform")
    )
    behandlingsform_tekst = models.TextField(_("om behandlingsformen"), blank=True)
    varighet = models.TextField(_("varighet og omfang"), blank=True)
    innhold = models.TextField(_("innhold"), blank=True)
    deltilbud = models.JSONField(_("deltilbud"), default=list, blank=True)
    yrkesgrupper = models.JSONField(_("yrkesgrupper"), default=list, blank=True)
    nav_samarbeid = models.TextField(_("samarbeid med NAV"), blank=True)
    helseiarbeid = models.BooleanField(_("HelseIArbeid"), default=False)
    helseiarbeid_tekst = models.TextField(_("om HelseIArbeid"), blank=True)
    arbeidsgiverkontakt = models.TextField(_("kontakt med arbeidsgiver"), blank=True)
    digitalt = models.TextField(_("digitale tilbud"), blank=True)
    # Whether the tilbud can be delivered by video or online (the GP search filters on it).
    digital = models.BooleanField(_("Kan gis digitalt (video/nett)"), default=False)
    kapasitet = models.TextField(_("kapasitet og volum"), blank=True)
    henvisere = models.JSONField(_("hvem kan henvise"), default=list, blank=True)
    henvisning_til = models.CharField(
        _("henvisningen sendes til"),
        max_length=12,
        choices=HenvisningTil.choices,
        default=HenvisningTil.UKJENT,
    )
    henvisning_tekst = models.TextField(_("om henvisning"), blank=True)
    # The mottak block: where the referral is received electronically (Adresseregisteret).
    # Fields on the tilbud rather than a one-to-one table: every tilbud has exactly one block,
    # and as fields it is edited, version-checked (versjon), kept in the history (pghistory)
    # and offered to the four-eyes proposals by the same code as the rest of the tilbud.
    # Null or blank is «ikke registrert»: nothing is guessed from the catalogue's prose.
    her_id = models.PositiveIntegerField(
        _("HER-id"),
        null=True,
        blank=True,
        validators=[validate_her_id],
        help_text=_("Den mottakende tjenestens HER-id i Adresseregisteret."),
    )
    her_navn = models.CharField(
        _("navn i Adresseregisteret"),
        max_length=200,
        blank=True,
        help_text=_("Tjenestens navn slik Adresseregisteret skriver det."),
    )
    overordnet_her_id = models.PositiveIntegerField(
        _("overordnet HER-id"),
        null=True,
        blank=True,
        validators=[validate_her_id],
        help_text=_("Organisasjonens HER-id (tjenesten ligger under den)."),
    )
    vurderes_av = models.CharField(
        _("vurderes av"), max_length=10, blank=True, choices=VurderesAv.choices
    )
    vurderingsenhet = models.ForeignKey(
        Organisasjon,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vurderte_tilbud",
        verbose_name=_("enheten som vurderer"),
    )
    meldinger = models.JSONField(
        _("meldinger som tas imot"),
        default=list,
        blank=True,
        validators=[validate_meldinger],
        help_text=_("Meldingstyper og versjoner tjenesten tar imot: %(m)s.")
        % {"m": ", ".join(Melding.labels)},
    )
    ar_kontrollert = models.DateField(
        _("kontrollert mot Adresseregisteret"),
        null=True,
        blank=True,
    )
    henvisning_regional_regel = models.BooleanField(
        _("regional henvisningsregel"),
        default=False,
        help_text=_("Henvisningsteksten er regionens felles regel, ikke tilbudets egen."),
    )
    henvisningstidspunkt = models.TextField(_("ønsket tidspunkt for henvisning"), blank=True)
    ventetid_tekst = models.TextField(_("ventetid"), blank=True)
    ventetid_uker = models.PositiveSmallIntegerField(_("ventetid i uker"), null=True, blank=True)
    ventetid_type = models.CharField(_("type ventetid"), max_length=100, blank=True)
    ventetid_dato = models.DateField(_("ventetid oppgitt"), null=True, blank=True)
    ventetid_kilde = models.CharField(_("kilde for ventetid"), max_length=300, blank=True)
    # Volatile facts carry their own verified date; null means unknown, never guessed.
    tar_imot_henvisninger = models.BooleanField(_("tar imot henvisninger"), null=True, blank=True)
    kapasitet_bekreftet = models.DateField(_("kapasitet bekreftet"), null=True, blank=True)
    # Capacity now: whether new patients are taken, said on a date, optionally until a date.
    tar_imot_nye = models.CharField(
        _("tar imot nye pasienter"),
        max_length=10,
        choices=TarImotNye.choices,
        default=TarImotNye.UKJENT,
    )
    tar_imot_nye_dato = models.DateField(_("tar imot nye: oppgitt"), null=True, blank=True)
    tar_imot_nye_til = models.DateField(
        _("tar imot nye: til og med"),
        null=True,
        blank=True,
        help_text=_("Til og med denne datoen; tomt er til det blir endret."),
    )
    kontakt = models.TextField(_("kontakt"), blank=True)
    kontakt_bekreftet = models.DateField(_("kontakt bekreftet"), null=True, blank=True)
    nettside = NettadresseField(_("nettside"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AKTIV
    )
    status_merknad = models.TextField(_("merknad om status"), blank=True)
    startdato = models.DateField(
        _("oppstart"),
        null=True,
        blank=True,
        help_text=_("Datoen tilbudet startet; tomt er ukjent."),
    )
    avsluttet_dato = models.DateField(_("avsluttet dato"), null=True, blank=True)
    avsluttet_grunn = models.TextField(_("grunn til avslutning"), blank=True)
    kilde = models.CharField(_("kilde"), max_length=300)
    kilde_linjer = models.CharField(_("linjer i kilden"), max_length=100, blank=True)
    beskrivelse_2019 = models.TextField(_("beskrivelse 2019"), blank=True)
    merknader = models.TextField(_("merknader"), blank=True)
    sist_bekreftet = models.DateField(_("sist bekreftet"))
    bekreftet_av = models.CharField(_("bekreftet av"), max_length=200)
    # Denormalised search text (lower case: name, provider, målgrupper, diagnoses, category) so
    # that one indexed column serves trigram search on PostgreSQL and LIKE on SQLite. Kept up to
    # date by database triggers (tilbud.services.sokevokter), as are the two columns below.
    sokeord = models.TextField(_("søkeord"), blank=True, editable=False)
    sokevektor = SearchVectorField(_("søkevektor"), null=True, editable=False)
    # Centre of the tilbud's sites (mean of their kommune points), kept with the search columns:
    # ranking by distance is then arithmetic on the row instead of a join per candidate.
    sted_lat = models.FloatField(_("breddegrad (steder)"), null=True, editable=False)
    sted_lon = models.FloatField(_("lengdegrad (steder)"), null=True, editable=False)
    versjon = models.PositiveIntegerField(_("versjon"), default=1)
    opprettet = models.DateTimeField(_("opprettet"), auto_now_add=True)
    endret = models.DateTimeField(_("endret"), auto_now=True, db_index=True)

    objects = TilbudQuerySet.as_manager()

    class Meta:
        ordering = ["navn", "id"]
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(alder_fra__isnull=True)
                | models.Q(alder_til__isnull=True)
                | models.Q(alder_fra__lte=models.F("alder_til")),
                name="tilbud_alder_fra_for_til",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="avsluttet") | models.Q(avsluttet_dato__isnull=False),
                name="tilbud_avsluttet_har_dato",
            ),
            models.CheckConstraint(
                condition=models.Q(startdato__isnull=True)
                | models.Q(avsluttet_dato__isnull=True)
                | models.Q(avsluttet_dato__gte=models.F("startdato")),
                name="tilbud_avsluttet_etter_oppstart",
                violation_error_message=_("Tilbudet kan ikke avsluttes før det startet."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["aktiv", "ikke_bekreftet", "avsluttet"]),
                name="tilbud_gyldig_status",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(her_id__isnull=True) | models.Q(her_id__gte=1, her_id__lte=HER_ID_MAKS)
                )
                & (
                    models.Q(overordnet_her_id__isnull=True)
                    | models.Q(overordnet_her_id__gte=1, overordnet_her_id__lte=HER_ID_MAKS)
                ),
                name="tilbud_her_id_gyldig",
            ),
            # AR's name belongs to a HER-id; without one it would be a name from nowhere.
            models.CheckConstraint(
                condition=models.Q(her_id__isnull=False) | models.Q(her_navn=""),
                name="tilbud_her_navn_krever_her_id",
                violation_error_message=_("Navnet i Adresseregisteret hører til en HER-id."),
            ),
            # Who assesses and which unit it is are one fact: both registered or neither.
            models.CheckConstraint(
                condition=models.Q(vurderes_av="", vurderingsenhet__isnull=True)
                | (
                    models.Q(vurderes_av__in=["hf", "rve", "tilbyder"])
                    & models.Q(vurderingsenhet__isnull=False)
                ),
                name="tilbud_vurderes_av_med_enhet",
                violation_error_message=_("Oppgi både hvem som vurderer og enheten."),
            ),
            models.CheckConstraint(
                condition=models.Q(tar_imot_nye__in=["ja", "venteliste", "nei", "ukjent"]),
                name="tilbud_gyldig_tar_imot_nye",
            ),
            # A known capacity carries the date it was said; «til og med» comes after it.
            models.CheckConstraint(
                condition=models.Q(tar_imot_nye="ukjent")
                | models.Q(tar_imot_nye_dato__isnull=False),
                name="tilbud_tar_imot_nye_har_dato",
                violation_error_message=_("Oppgi datoen kapasiteten gjelder fra."),
            ),
            models.CheckConstraint(
                condition=models.Q(tar_imot_nye_til__isnull=True)
                | models.Q(
                    tar_imot_nye_dato__isnull=False,
                    tar_imot_nye_til__gte=models.F("tar_imot_nye_dato"),
                ),
                name="tilbud_tar_imot_nye_til_etter_dato",
                violation_error_message=_("«Til og med» kan ikke være før datoen det ble oppgitt."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "rhf"], name="tilbud_status_rhf_idx"),
            models.Index(fields=["status", "fagomrade"], name="tilbud_status_fagomrade_idx"),
            # Incremental sync for mirrors pages by (endret, id).
            models.Index(fields=["endret", "id"], name="tilbud_endret_id_idx"),
            # AR synchronisation finds tilbud by the service's HER-id.
            models.Index(fields=["her_id"], name="tilbud_her_id_idx"),
        ]

    def __str__(self) -> str:
        return self.navn

    def clean(self) -> None:
        super().clean()
        self.her_navn = " ".join(self.her_navn.split())
        if self.vurderes_av and self.vurderingsenhet_id is None:
            raise ValidationError({"vurderingsenhet": _("Velg enheten som vurderer.")})
        if self.vurderingsenhet_id is not None and not self.vurderes_av:
            raise ValidationError({"vurderes_av": _("Velg hvem som vurderer henvisningen.")})
        if self.vurderes_av and self.vurderingsenhet is not None:
            enhet = self.vurderingsenhet
            Type = Organisasjon.Type
            riktig = {
                VurderesAv.HF: enhet.type in {Type.HF, Type.IDEELL},
                VurderesAv.RVE: enhet.type == Type.VURDERINGSENHET,
                VurderesAv.TILBYDER: enhet.pk == self.organisasjon_id,
            }[VurderesAv(self.vurderes_av)]
            if not riktig:
                melding = {
                    VurderesAv.HF: _("Velg et helseforetak (eller ideelt sykehus)."),
                    VurderesAv.RVE: _("Velg en regional vurderingsenhet (RKE/RVE)."),
                    VurderesAv.TILBYDER: _("Når tilbyderen vurderer, er enheten tilbyderen."),
                }[VurderesAv(self.vurderes_av)]
                raise ValidationError({"vurderingsenhet": melding})

    def tar_ikke_imot_nye(self, idag: date) -> bool:
        """Said not to take new patients, and said so for today (a passed «til og med» date
        no longer covers it)."""
        return self.tar_imot_nye == self.TarImotNye.NEI and (
            self.tar_imot_nye_til is None or self.tar_imot_nye_til >= idag
        )
