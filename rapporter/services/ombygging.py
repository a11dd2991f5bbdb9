"""After a change: schedule the debounced rebuild of every region whose summary it touches.

Callers (the catalogue and referral signals in rapporter.signals) say what changed: RHF ids,
tilbud ids, sites. Nothing is queried at that moment; one `transaction.on_commit` callback per
transaction works out the regions and calls `planlegg_ombygging` for each, so a rolled-back
change schedules nothing, the rebuild sees the committed change, and an import or a bulk edit of
many rows gives one rebuild per region (also when Celery runs eagerly, where the countdown, and
with it the debounce, does not apply).

Regions of a tilbud: its RHF, its owner's RHF (the HF rows) and the RHFs of the fylker where it
has sites (the fylke rows).
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from tilbud.models import Kommune, Organisasjon, Tilbud

logger = logging.getLogger(__name__)


def ombygging_ved_endring_aktiv() -> bool:
    return bool(getattr(settings, "RAPPORTER_OMBYGG_VED_ENDRING", True))


def planlegg_etter_commit(
    *,
    rhf_ider: Iterable[int | None] = (),
    tilbud_ider: Iterable[int | None] = (),
    lokasjon_ider: Iterable[int] = (),
) -> None:
    """Note the change; after commit, schedule one debounced rebuild per affected region."""
    if not ombygging_ved_endring_aktiv():
        return
    conn = transaction.get_connection()
    ventende: _Ventende | None = getattr(conn, "_rapporter_ventende", None)
    registrert = ventende is not None and any(
        f == ventende.kjor for _sids, f, *_ in conn.run_on_commit
    )
    if ventende is None or not registrert or not conn.in_atomic_block:
        ventende = _Ventende(conn)
        conn._rapporter_ventende = ventende
        ventende.legg_til(rhf_ider, tilbud_ider, lokasjon_ider)
        # Robust: the change is committed by then; a broker that is down must not turn it into
        # an error for the user (the nightly rebuild covers a lost schedule).
        transaction.on_commit(ventende.kjor, robust=True)  # at once outside a transaction
        return
    ventende.legg_til(rhf_ider, tilbud_ider, lokasjon_ider)


class _Ventende:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.rhf_ider: set[int] = set()
        self.tilbud_ider: set[int] = set()
        self.lokasjon_ider: set[int] = set()

    def legg_til(
        self,
        rhf_ider: Iterable[int | None],
        tilbud_ider: Iterable[int | None],
        lokasjon_ider: Iterable[int],
    ) -> None:
        self.rhf_ider |= {i for i in rhf_ider if i}
        self.tilbud_ider |= {i for i in tilbud_ider if i}
        self.lokasjon_ider |= set(lokasjon_ider)

    def kjor(self) -> None:
        if getattr(self.conn, "_rapporter_ventende", None) is self:
            del self.conn._rapporter_ventende
        rhf_ider = set(self.rhf_ider)
        lokasjoner = set(self.lokasjon_ider)
        if self.tilbud_ider:
            for rhf_id, eier_rhf_id in Tilbud.objects.filter(id__in=self.tilbud_ider).values_list(
                "rhf_id", "organisasjon__rhf_id"
            ):
                rhf_ider |= {i for i in (rhf_id, eier_rhf_id) if i}
            lokasjoner |= set(
                Tilbud.lokasjoner.through.objects.filter(
                    tilbud_id__in=self.tilbud_ider
                ).values_list("lokasjon_id", flat=True)
            )
        if lokasjoner:
            rhf_ider |= {
                i
                for i in Kommune.objects.filter(lokasjoner__id__in=lokasjoner)
                .values_list("fylke__rhf_id", flat=True)
                .distinct()
                if i
            }
        from rapporter.services.sammendrag import planlegg_ombygging

        for kode in (
            Organisasjon.objects.filter(id__in=rhf_ider, type=Organisasjon.Type.RHF)
            .order_by("kode")
            .values_list("kode", flat=True)
        ):
            if kode:  # every RHF has one (the import requires it)
                planlegg_ombygging(kode)
