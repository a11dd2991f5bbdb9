"""Catalogue changes and referral transitions schedule a debounced rebuild of the affected
regions' summaries.

The receivers do no queries at save time: they note the tilbud and its region(s) for
`rapporter.services.ombygging.planlegg_etter_commit`, which acts on commit. Regions affected:
the tilbud's RHF (also its previous one, if it moved), its owner's RHF and the RHFs of the
fylker where it has sites. A referral's: its region, its tilbud's and that of the tilbud it was
forwarded to. Listening here (rapporter sits above henvisning) keeps henvisning from importing
rapporter.
"""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver

from henvisning.livssyklus import Status
from henvisning.models import Statusendring
from rapporter.services.ombygging import ombygging_ved_endring_aktiv, planlegg_etter_commit
from tilbud.models import Organisasjon, Tilbud


def _aktiv() -> bool:
    return ombygging_ved_endring_aktiv()


def _tilbud_endret(tilbud: Tilbud, lokasjon_ider: set[int] | None = None) -> None:
    planlegg_etter_commit(
        rhf_ider=[tilbud.rhf_id, getattr(tilbud, "_rapporter_rhf_id", None)],
        tilbud_ider=[tilbud.pk],
        lokasjon_ider=lokasjon_ider or (),
    )


@receiver(post_init, sender=Tilbud, dispatch_uid="rapporter_tilbud_init")
def _husk_region(sender: type, instance: Tilbud, **kwargs: Any) -> None:
    # The region as loaded, so a move to another RHF rebuilds the old one too. Deferred loads
    # leave it out (no query here).
    instance._rapporter_rhf_id = instance.__dict__.get("rhf_id")


@receiver(post_save, sender=Tilbud, dispatch_uid="rapporter_tilbud_lagret")
def _tilbud_lagret(sender: type, instance: Tilbud, raw: bool = False, **kwargs: Any) -> None:
    if raw or not _aktiv():
        return
    _tilbud_endret(instance)


@receiver(post_delete, sender=Tilbud, dispatch_uid="rapporter_tilbud_slettet")
def _tilbud_slettet(sender: type, instance: Tilbud, **kwargs: Any) -> None:
    if _aktiv():
        planlegg_etter_commit(rhf_ider=[instance.rhf_id])


def _m2m_endret(sender: type, instance: Any, action: str, pk_set: set | None, **kwargs: Any):
    if not _aktiv() or action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not isinstance(instance, Tilbud):
        # Changed from the other side (malgruppe.tilbud.add(...)): rebuild every region.
        planlegg_etter_commit(
            rhf_ider=Organisasjon.objects.filter(type="rhf").values_list("id", flat=True)
        )
        return
    lokasjoner = set(pk_set or ()) if sender is Tilbud.lokasjoner.through else set()
    if action == "pre_clear" and sender is Tilbud.lokasjoner.through:
        lokasjoner = set(instance.lokasjoner.values_list("id", flat=True))
    _tilbud_endret(instance, lokasjoner)


m2m_changed.connect(
    _m2m_endret, sender=Tilbud.malgrupper.through, dispatch_uid="rapporter_tilbud_malgrupper"
)
m2m_changed.connect(
    _m2m_endret, sender=Tilbud.lokasjoner.through, dispatch_uid="rapporter_tilbud_lokasjoner"
)


@receiver(post_save, sender=Statusendring, dispatch_uid="rapporter_henvisning_status")
def _henvisning_status(
    sender: type, instance: Statusendring, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    # A status log row is written by every transition (henvisning.services). Rows that change
    # nothing the summaries count are left out: a new draft (drafts are not counted) and a
    # forespørsel note (the status stays).
    if raw or not created or not _aktiv():
        return
    if instance.til_status in {instance.fra_status, Status.UTKAST}:
        return
    h = instance.henvisning  # the object the service saved: no query
    planlegg_etter_commit(rhf_ider=[h.rhf_id], tilbud_ider=[h.tilbud_id, h.videresendt_til_id])
