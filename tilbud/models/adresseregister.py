"""What the registry keeps of Adresseregisteret (AR): the cursor of the synchronisation, the
AR services it has seen, and the flags raised for coordinators when a tilbud's HER-id goes wrong.

The AR copy is ours to overwrite on every sync (AR is its keeper); nothing here is written to a
tilbud. Changes to tilbud go through the coordinators (proposals, flags)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .tilbud import Tilbud


class ArMarkor(models.Model):
    """Where the synchronisation stands: one row (navn «ar»)."""

    navn = models.CharField(_("navn"), max_length=20, unique=True, default="ar")
    # The last AR event applied; blank: no full export yet (the next run starts with one).
    siste_hendelse_id = models.CharField(_("siste hendelse"), max_length=100, blank=True)
    full_eksport = models.DateTimeField(_("siste fulle eksport"), null=True, blank=True)
    sist_synkronisert = models.DateTimeField(_("sist synkronisert"), null=True, blank=True)

    class Meta:
        verbose_name = _("AR-markør")
        verbose_name_plural = _("AR-markører")

    def __str__(self) -> str:
        return f"{self.navn}: {self.siste_hendelse_id or '–'}"


class ArTjeneste(models.Model):
    """A communication party as AR last described it (services and their organisations)."""

    her_id = models.PositiveIntegerField(_("HER-id"), unique=True)
    navn = models.CharField(_("navn"), max_length=300)
    type = models.CharField(_("type"), max_length=40, blank=True)
    organisasjonsnummer = models.CharField(
        _("organisasjonsnummer"), max_length=9, blank=True, db_index=True
    )
    overordnet_her_id = models.PositiveIntegerField(_("overordnet HER-id"), null=True, blank=True)
    tjenestekode = models.CharField(_("tjenestekode"), max_length=20, blank=True)
    aktiv = models.BooleanField(_("aktiv"), default=True)
    # Gone from AR (a deletion event, or absent from a full export); kept so flags can say so.
    slettet = models.BooleanField(_("slettet i AR"), default=False, db_index=True)
    meldinger = models.JSONField(_("meldinger som tas imot"), default=list, blank=True)
    oppdatert = models.DateTimeField(_("oppdatert"), auto_now=True)

    class Meta:
        ordering = ["her_id"]
        verbose_name = _("AR-tjeneste")
        verbose_name_plural = _("AR-tjenester")

    def __str__(self) -> str:
        return f"{self.her_id} {self.navn}"


class ArFlagg(models.Model):
    """A tilbud whose HER-id no longer works as listed: for the region's coordinator."""

    class Grunn(models.TextChoices):
        FORSVUNNET = "forsvunnet", _("HER-id-en finnes ikke lenger i Adresseregisteret")
        INAKTIV = "inaktiv", _("HER-id-en er ikke lenger aktiv i Adresseregisteret")
        MELDINGER = "meldinger", _("Tjenesten tar ikke lenger imot meldingene vi oppgir")

    tilbud = models.ForeignKey(
        Tilbud, on_delete=models.CASCADE, related_name="ar_flagg", verbose_name=_("tilbud")
    )
    her_id = models.PositiveIntegerField(_("HER-id"))
    grunn = models.CharField(_("grunn"), max_length=12, choices=Grunn.choices)
    detalj = models.CharField(_("detaljer"), max_length=500, blank=True)
    opprettet = models.DateTimeField(_("opprettet"), auto_now_add=True)
    # Closed when AR agrees with the tilbud again (or the tilbud's HER-id is changed).
    lukket = models.DateTimeField(_("lukket"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-opprettet"]
        verbose_name = _("AR-flagg")
        verbose_name_plural = _("AR-flagg")
        constraints = [
            # One open flag per tilbud and reason: a second sync does not repeat it.
            models.UniqueConstraint(
                fields=["tilbud", "grunn"],
                condition=models.Q(lukket__isnull=True),
                name="arflagg_ett_apent_per_grunn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tilbud_id}: {self.grunn}"
