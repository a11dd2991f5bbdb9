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

    The referral columns come from `rapporter.henvisningstall` (definitions there); counts under
    `SMA_CELLER_GRENSE` persons are suppressed to NULL with `undertrykt` set. The column lists
    below the class (`KATALOGFELT`, `HENVISNINGSFELT`, `RADFELT`) are the one list of figures
    that the rebuild, the API serializer and the tests use.
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

    # Referral figures (rapporter.henvisningstall has the definitions). NULL when suppressed
    # (fewer than 5 persons, `undertrykt` set) or when there is nothing to compute them from.
    henvisninger_totalt = models.PositiveIntegerField(
        _("henvisninger sendt"),
        null=True,
        blank=True,
        help_text=_("Henvisninger sendt i perioden (utkast telles ikke)."),
    )
    status_sendt = models.PositiveIntegerField(
        _("status sendt"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: ikke registrert mottatt ennå."),
    )
    status_mottatt = models.PositiveIntegerField(
        _("status mottatt"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: mottatt, ikke vurdert ennå."),
    )
    status_vurdert = models.PositiveIntegerField(
        _("status vurdert"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: vurdert (alle utfall), ikke videre."),
    )
    status_venter = models.PositiveIntegerField(
        _("status venter"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: venter på behandling."),
    )
    status_startet = models.PositiveIntegerField(
        _("status startet"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: i behandling."),
    )
    status_avsluttet = models.PositiveIntegerField(
        _("status avsluttet"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: behandling avsluttet."),
    )
    status_trukket = models.PositiveIntegerField(
        _("status trukket"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: trukket av henviseren."),
    )
    status_avvist = models.PositiveIntegerField(
        _("status avvist"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: avvist før vurdering."),
    )
    henvisninger_vurdert = models.PositiveIntegerField(
        _("henvisninger vurdert"),
        null=True,
        blank=True,
        help_text=_(
            "Av henvisningene sendt i perioden: rettighetsvurdert (alle utfall) eller avvist."
        ),
    )
    henvisninger_rett = models.PositiveIntegerField(
        _("rett til helsehjelp"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: vurdert til rett til helsehjelp."),
    )
    henvisninger_avvist = models.PositiveIntegerField(
        _("henvisninger avslått"),
        null=True,
        blank=True,
        help_text=_("Av henvisningene sendt i perioden: vurdert til ikke rett, eller avvist."),
    )
    andel_avvist = models.FloatField(
        _("andel avslått"),
        null=True,
        blank=True,
        help_text=_("henvisninger_avvist / henvisninger_vurdert."),
    )
    henvisninger_fristgrunnlag = models.PositiveIntegerField(
        _("grunnlag for vurderingsfristen"),
        null=True,
        blank=True,
        help_text=_(
            "Av henvisningene sendt i perioden: vurdert eller avvist, eller ikke avgjort med "
            "vurderingsfristen passert (trukne uten avgjørelse telles ikke)."
        ),
    )
    henvisninger_innen_frist = models.PositiveIntegerField(
        _("vurdert innen fristen"),
        null=True,
        blank=True,
        help_text=_(
            "Vurdert eller avvist senest på vurderingsfristen (10 virkedager etter mottak, "
            "helligdager unntatt)."
        ),
    )
    andel_vurdert_innen_10_dager = models.FloatField(
        _("andel vurdert innen 10 virkedager"),
        null=True,
        blank=True,
        help_text=_("henvisninger_innen_frist / henvisninger_fristgrunnlag."),
    )
    ventetid_antall = models.PositiveIntegerField(
        _("grunnlag for ventetid"),
        null=True,
        blank=True,
        help_text=_("Henvisninger der behandlingen startet i perioden (uansett når de ble sendt)."),
    )
    ventetid_median_dager = models.FloatField(
        _("ventetid, median (dager)"),
        null=True,
        blank=True,
        help_text=_(
            "Kalenderdager fra sendt til behandlingen startet, for dem som startet i perioden."
        ),
    )
    ventetid_p90_dager = models.FloatField(
        _("ventetid, 90-persentil (dager)"),
        null=True,
        blank=True,
        help_text=_("90-persentilen (lineær interpolasjon) av samme ventetider."),
    )
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


# The figures of a summary row, in the order the API shows them: the one list used by the rebuild
# (write and compare), the serializer and the tests.
KATALOGFELT: tuple[str, ...] = (
    "aktive_tilbud",
    "synlige_tilbud",
    "ikke_bekreftet_12_mnd",
    "andel_ikke_bekreftet_12_mnd",
    "innbyggere",
    "aktive_per_100k",
    "dekningshull",
)
# Current status of the referrals sent in the period; the statuses after «utkast».
HENVISNINGSSTATUSER: tuple[str, ...] = (
    "sendt",
    "mottatt",
    "vurdert",
    "venter",
    "startet",
    "avsluttet",
    "trukket",
    "avvist",
)
STATUSFELT: tuple[str, ...] = tuple(f"status_{s}" for s in HENVISNINGSSTATUSER)
HENVISNINGSFELT: tuple[str, ...] = (
    "henvisninger_totalt",
    *STATUSFELT,
    "henvisninger_vurdert",
    "henvisninger_rett",
    "henvisninger_avvist",
    "andel_avvist",
    "henvisninger_fristgrunnlag",
    "henvisninger_innen_frist",
    "andel_vurdert_innen_10_dager",
    "ventetid_antall",
    "ventetid_median_dager",
    "ventetid_p90_dager",
)
# Where a row sits: region × målgruppe × fagområde × period.
CELLEFELT: tuple[str, ...] = (
    "niva",
    "region_kode",
    "region_navn",
    "malgruppe_id",
    "fagomrade",
    "periodetype",
    "periode",
)
TALLFELT: tuple[str, ...] = (*KATALOGFELT, *HENVISNINGSFELT, "undertrykt")
RADFELT: tuple[str, ...] = (*CELLEFELT, *TALLFELT)


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
