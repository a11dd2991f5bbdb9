"""Analyst clients (API keys) and the regional summaries."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiNokkel(models.Model):
    """An analyst client's key. Only a SHA-256 of the key is stored: a database leak gives no
    usable keys. The prefix is not secret; it finds the row and names the key in logs."""

    navn = models.CharField(_("navn"), max_length=200)
    eier = models.CharField(
        _("eier"), max_length=200, help_text=_("Organisasjon eller person som bruker nøkkelen.")
    )
    prefiks = models.CharField(_("prefiks"), max_length=16, unique=True, editable=False)
    nokkel_hash = models.CharField(_("SHA-256 av nøkkelen"), max_length=64, editable=False)
    opprettet = models.DateTimeField(_("opprettet"), auto_now_add=True)
    opprettet_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("opprettet av"),
    )
    gyldig_til = models.DateTimeField(
        _("gyldig til"),
        null=True,
        blank=True,
        help_text=_("Tomt: gjelder til den trekkes tilbake."),
    )
    trukket_tilbake = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        ordering = ["-opprettet", "id"]
        verbose_name = _("API-nøkkel")
        verbose_name_plural = _("API-nøkler")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nokkel_hash__regex=r"^[0-9a-f]{64}$"),
                name="api_nokkel_hash_er_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.navn} ({self.prefiks}…)"

    def er_utlopt(self, naa: datetime | None = None) -> bool:
        return self.gyldig_til is not None and self.gyldig_til <= (naa or timezone.now())


# --- Regional summaries -------------------------------------------------------------------------
#
# A rebuild of one region (RHF) writes a NEW `Sammendragsgenerasjon` with all its rows and marks
# it complete in the same transaction; readers only ever read complete generations, so they see
# the old summary or the new one, never half of one. The rows of one generation cover the RHF
# itself, its HF (and ideelle sykehus) and its fylker.


class Niva(models.TextChoices):
    RHF = "rhf", _("Helseregion (RHF)")
    HF = "hf", _("Helseforetak (HF)")
    FYLKE = "fylke", _("Fylke")


class Periodetype(models.TextChoices):
    MANED = "maned", _("Måned")
    AR = "ar", _("År")


class Sammendragsgenerasjon(models.Model):
    class Status(models.TextChoices):
        BYGGER = "bygger", _("Bygges")
        FERDIG = "ferdig", _("Ferdig")

    rhf = models.ForeignKey(
        "tilbud.Organisasjon",
        on_delete=models.PROTECT,
        related_name="sammendragsgenerasjoner",
        verbose_name=_("RHF"),
        limit_choices_to={"type": "rhf"},
    )
    nummer = models.PositiveIntegerField(_("generasjon"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BYGGER
    )
    startet = models.DateTimeField(_("startet"))
    bygget = models.DateTimeField(_("ferdig bygget"), null=True, blank=True)
    # The period the snapshot belongs to: its rows carry this month and this year.
    dato = models.DateField(_("øyeblikksbilde per"))
    antall_rader = models.PositiveIntegerField(_("antall rader"), default=0)

    class Meta:
        ordering = ["rhf", "-nummer"]
        verbose_name = _("sammendragsgenerasjon")
        verbose_name_plural = _("sammendragsgenerasjoner")
        constraints = [
            models.UniqueConstraint(fields=["rhf", "nummer"], name="sammendrag_generasjon_unik"),
            models.CheckConstraint(
                condition=models.Q(status="bygger") | models.Q(bygget__isnull=False),
                name="sammendrag_ferdig_har_tidspunkt",
            ),
        ]
        indexes = [
            models.Index(fields=["rhf", "status", "-nummer"], name="sammendrag_gen_siste_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rhf_id} #{self.nummer} ({self.status})"


class Sammendragsrad(models.Model):
    """One cell: region × målgruppe × fagområde × period, as of the generation's snapshot.

    `malgruppe` NULL is «alle målgrupper» and `fagomrade` "" is «alle fagområder» (totals cannot
    be summed from the cells: a tilbud can have several målgrupper and several sites).

    The referral columns stay NULL until the henvisning app feeds them through
    `rapporter.henvisningstall.henvisningstall` (see that module); counts under
    `SMA_CELLER_GRENSE` persons are suppressed to NULL with `undertrykt` set.
    """

    generasjon = models.ForeignKey(
        Sammendragsgenerasjon, on_delete=models.CASCADE, related_name="rader"
    )
    niva = models.CharField(_("nivå"), max_length=5, choices=Niva.choices)
    # RHF: kode (HSO); HF: the organisation's id; fylke: fylkesnummer (2 digits).
    region_kode = models.CharField(_("region"), max_length=20)
    region_navn = models.CharField(_("regionnavn"), max_length=200)
    malgruppe = models.ForeignKey(
        "tilbud.Malgruppe",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("målgruppe"),
    )
    fagomrade = models.CharField(_("fagområde"), max_length=30, blank=True)
    periodetype = models.CharField(_("periodetype"), max_length=5, choices=Periodetype.choices)
    periode = models.CharField(_("periode"), max_length=7, help_text=_("2026-03 eller 2026."))

    # Catalogue figures.
    aktive_tilbud = models.PositiveIntegerField(_("aktive tilbud"))
    synlige_tilbud = models.PositiveIntegerField(
        _("tilbud i katalogen"), help_text=_("Aktive og ikke bekreftede (ikke avsluttede).")
    )
    ikke_bekreftet_12_mnd = models.PositiveIntegerField(_("ikke bekreftet siste 12 måneder"))
    andel_ikke_bekreftet_12_mnd = models.FloatField(
        _("andel ikke bekreftet siste 12 måneder"), null=True, blank=True
    )
    innbyggere = models.PositiveIntegerField(_("innbyggere"), null=True, blank=True)
    aktive_per_100k = models.FloatField(
        _("aktive tilbud per 100 000 innbyggere"), null=True, blank=True
    )
    dekningshull = models.BooleanField(
        _("dekningshull"),
        default=False,
        help_text=_("Ingen aktive tilbud for målgruppen i regionen (bare på målgrupperader)."),
    )

    # Referral figures: NULL until the henvisning app is connected (and when suppressed).
    henvisninger_mottatt = models.PositiveIntegerField(null=True, blank=True)
    henvisninger_vurdert = models.PositiveIntegerField(null=True, blank=True)
    henvisninger_rett = models.PositiveIntegerField(null=True, blank=True)
    henvisninger_avvist = models.PositiveIntegerField(null=True, blank=True)
    henvisninger_startet = models.PositiveIntegerField(null=True, blank=True)
    henvisninger_avsluttet = models.PositiveIntegerField(null=True, blank=True)
    andel_avvist = models.FloatField(null=True, blank=True)
    andel_vurdert_innen_10_dager = models.FloatField(null=True, blank=True)
    ventetid_median_dager = models.FloatField(null=True, blank=True)
    ventetid_p90_dager = models.FloatField(null=True, blank=True)
    undertrykt = models.BooleanField(
        _("undertrykt"),
        default=False,
        help_text=_("Minst ett henvisningstall er skjult fordi det gjelder under 5 personer."),
    )

    class Meta:
        ordering = ["generasjon", "niva", "region_kode", "malgruppe", "fagomrade", "periode"]
        verbose_name = _("sammendragsrad")
        verbose_name_plural = _("sammendragsrader")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "generasjon",
                    "niva",
                    "region_kode",
                    "malgruppe",
                    "fagomrade",
                    "periodetype",
                    "periode",
                ],
                name="sammendragsrad_unik",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(aktive_tilbud__lte=models.F("synlige_tilbud")),
                name="sammendragsrad_aktive_av_synlige",
            ),
        ]
        indexes = [
            models.Index(
                fields=["generasjon", "niva", "periodetype", "region_kode"],
                name="sammendragsrad_oppslag_idx",
            ),
        ]

    def __str__(self) -> str:
        mg = self.malgruppe_id or "alle"
        return f"{self.niva} {self.region_kode} {mg} {self.fagomrade or 'alle'} {self.periode}"


class Folketall(models.Model):
    """Inhabitants per region and year, for «per 100 000». Nothing is loaded by default: without
    a row the per-100 000 figures stay NULL (never guessed)."""

    niva = models.CharField(_("nivå"), max_length=5, choices=Niva.choices)
    region_kode = models.CharField(_("region"), max_length=20)
    ar = models.PositiveSmallIntegerField(_("år"))
    innbyggere = models.PositiveIntegerField(_("innbyggere"))
    kilde = models.CharField(_("kilde"), max_length=300)

    class Meta:
        ordering = ["niva", "region_kode", "-ar"]
        verbose_name = _("folketall")
        verbose_name_plural = _("folketall")
        constraints = [
            models.UniqueConstraint(fields=["niva", "region_kode", "ar"], name="folketall_unik"),
            models.CheckConstraint(condition=models.Q(innbyggere__gt=0), name="folketall_positiv"),
        ]

    def __str__(self) -> str:
        return f"{self.niva} {self.region_kode} {self.ar}: {self.innbyggere}"
