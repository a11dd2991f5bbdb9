"""Catalogue changes schedule a debounced rebuild of the affected regions' summaries.

The receivers do no queries at save time: they note the tilbud and its region(s) and act in
`transaction.on_commit`, so a rolled-back edit schedules nothing and the rebuild sees the
committed change. Regions affected: the tilbud's RHF (also its previous one, if it moved) and
the RHFs of the fylker where it has sites (the fylke rows).
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver

from tilbud.models import Kommune, Organisasjon, Tilbud


def _aktiv() -> bool:
    return bool(getattr(settings, "RAPPORTER_OMBYGG_VED_ENDRING", True))


def _planlegg(rhf_ider: set[int], lokasjon_ider: set[int]) -> None:
    from rapporter.services.sammendrag import planlegg_ombygging

    ider = set(rhf_ider)
    if lokasjon_ider:
        ider |= set(
            Kommune.objects.filter(lokasjoner__id__in=lokasjon_ider)
            .values_list("fylke__rhf_id", flat=True)
            .distinct()
        )
    for kode in (
        Organisasjon.objects.filter(id__in=ider, type=Organisasjon.Type.RHF)
        .order_by("kode")
        .values_list("kode", flat=True)
    ):
        planlegg_ombygging(kode)


def _ved_commit(rhf_ider: set[int], tilbud_id: int | None, lokasjon_ider: set[int]) -> None:
    """Collect what changed in this transaction; one on_commit callback schedules it all, so
    an import or a bulk edit of many tilbud gives one rebuild per region, also when Celery runs
    eagerly (where the countdown, and with it the debounce, does not apply)."""
    conn = transaction.get_connection()
    ventende: _Ventende | None = getattr(conn, "_rapporter_ventende", None)
    registrert = ventende is not None and any(
        f == ventende.kjor for _sids, f, *_ in conn.run_on_commit
    )
    if ventende is None or not registrert or not conn.in_atomic_block:
        ventende = _Ventende(conn)
        conn._rapporter_ventende = ventende
        ventende.legg_til(rhf_ider, tilbud_id, lokasjon_ider)
        transaction.on_commit(ventende.kjor)  # runs at once outside a transaction
        return
    ventende.legg_til(rhf_ider, tilbud_id, lokasjon_ider)


class _Ventende:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.rhf_ider: set[int] = set()
        self.tilbud_ider: set[int] = set()
        self.lokasjon_ider: set[int] = set()

    def legg_til(self, rhf_ider: set[int], tilbud_id: int | None, lokasjon_ider: set[int]):
        self.rhf_ider |= {i for i in rhf_ider if i}
        if tilbud_id is not None:
            self.tilbud_ider.add(tilbud_id)
        self.lokasjon_ider |= lokasjon_ider

    def kjor(self) -> None:
        if getattr(self.conn, "_rapporter_ventende", None) is self:
            del self.conn._rapporter_ventende
        lokasjoner = set(self.lokasjon_ider)
        if self.tilbud_ider:
            lokasjoner |= set(
                Tilbud.lokasjoner.through.objects.filter(
                    tilbud_id__in=self.tilbud_ider
                ).values_list("lokasjon_id", flat=True)
            )
        _planlegg(self.rhf_ider, lokasjoner)


def _tilbud_endret(tilbud: Tilbud, lokasjon_ider: set[int] | None = None) -> None:
    rhf_ider = {tilbud.rhf_id, getattr(tilbud, "_rapporter_rhf_id", None)}
    _ved_commit({i for i in rhf_ider if i}, tilbud.pk, set(lokasjon_ider or ()))


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
        _ved_commit({instance.rhf_id}, None, set())


def _m2m_endret(sender: type, instance: Any, action: str, pk_set: set | None, **kwargs: Any):
    if not _aktiv() or action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not isinstance(instance, Tilbud):
        # Changed from the other side (malgruppe.tilbud.add(...)): rebuild every region.
        _ved_commit(
            set(Organisasjon.objects.filter(type="rhf").values_list("id", flat=True)), None, set()
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
