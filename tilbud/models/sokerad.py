"""The narrow search table (PostgreSQL): one short row per tilbud holding only what the GP search
filters and ranks on.

A region + diagnosis search ranks thousands of candidates; reading them from `tilbud_tilbud`
means reading its wide rows (long texts, the weighted tsvector), hundreds of MB at 100 000
tilbud. This table is a few MB, so the search filters, ranks and pages here and fetches the full
tilbud only for the page shown.

Database triggers keep it exact (migration 0007): every insert, update, delete or truncate of
tilbud and of their målgruppe and behandlingsform links, whether it comes from the portal, the
import, the admin or a bulk UPDATE. The table exists only on PostgreSQL (`managed = False`);
on SQLite the search reads `tilbud_tilbud` directly (tilbud.selectors.sokegrunnlag).
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisasjon import Organisasjon
from .tilbud import Tilbud


class SokeradQuerySet(models.QuerySet):
    def synlige(self) -> "SokeradQuerySet":
        """The same rule as TilbudQuerySet.synlige: everything not ended."""
        return self.exclude(status=Tilbud.Status.AVSLUTTET)


class Sokerad(models.Model):
    tilbud = models.OneToOneField(
        Tilbud,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the delete trigger removes the row
        db_constraint=False,
        related_name="sokerad",
    )
    rhf = models.ForeignKey(
        Organisasjon, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    organisasjon = models.ForeignKey(
        Organisasjon, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=20)
    fagomrade = models.CharField(max_length=30)
    alder_fra = models.PositiveSmallIntegerField(null=True)
    alder_til = models.PositiveSmallIntegerField(null=True)
    malgrupper = ArrayField(models.BigIntegerField())
    behandlingsformer = ArrayField(models.CharField(max_length=20))
    kommuner = ArrayField(models.CharField(max_length=4))  # where its sites are
    # Those of its site kommuner that lie outside its own region (migration 0010)
    kommuner_utenfor = ArrayField(models.CharField(max_length=4), default=list)
    sted_lat = models.FloatField(null=True)
    sted_lon = models.FloatField(null=True)
    navn = models.CharField(max_length=300)
    digital = models.BooleanField(default=False)  # temporary (H4), migration 0014

    objects = SokeradQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "tilbud_sokerad"
        verbose_name = _("søkerad")
        verbose_name_plural = _("søkerader")

    def __str__(self) -> str:
        return self.navn
