"""Reads for the rapporter app: key look-up, the sync page and the export querysets."""

import hmac
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from tilbud.models import Lokasjon, Organisasjon, Tilbud

from .models import ApiNokkel
from .services import api_nokkel_hash, del_api_nokkel


def api_nokkel_for_klartekst(klartekst: str) -> ApiNokkel | None:
    """The key row for a clear-text key, revoked and expired ones included (the caller says
    why it is refused); None when no key matches."""
    deler = del_api_nokkel(klartekst)
    if deler is None:
        return None
    nokkel = ApiNokkel.objects.filter(prefiks=deler[0]).first()
    if nokkel is None or not hmac.compare_digest(nokkel.nokkel_hash, api_nokkel_hash(klartekst)):
        return None
    return nokkel


@dataclass(frozen=True)
class SynkPosisjon:
    """A place in the change stream: after the row (endret, id)."""

    endret: datetime
    id: int


def tilbud_endringer(
    *, endret_etter: datetime | None, etter: SynkPosisjon | None, antall: int, til: datetime
) -> list[Tilbud]:
    """Up to `antall` tilbud changed after the given time and position, oldest change first.

    Ended tilbud are included: the API turns them into tombstones. Ordered by (endret, id), a
    unique order, so that keyset pages neither skip nor repeat rows with equal timestamps.
    Changes after `til` are left for a later pull (see SYNK_SIKKERHETSMARGIN).
    """
    qs = Tilbud.objects.select_related("rhf").prefetch_related(
        "malgrupper",
        "behandlingsformer",
        Prefetch("lokasjoner", queryset=Lokasjon.objects.only("id")),
    )
    qs = qs.filter(endret__lte=til)
    if endret_etter is not None:
        qs = qs.filter(endret__gt=endret_etter)
    if etter is not None:
        qs = qs.filter(Q(endret__gt=etter.endret) | Q(endret=etter.endret, id__gt=etter.id))
    return list(qs.order_by("endret", "id")[:antall])


def eksport_organisasjoner() -> QuerySet[Organisasjon]:
    return Organisasjon.objects.order_by("id")


def eksport_lokasjoner() -> QuerySet[Lokasjon]:
    return Lokasjon.objects.select_related("kommune__fylke").order_by("id")


def eksport_tilbud() -> QuerySet[Tilbud]:
    """Every tilbud, ended ones included (the standards have a status for that)."""
    return (
        Tilbud.objects.select_related("rhf")
        .prefetch_related(
            "malgrupper",
            "behandlingsformer",
            Prefetch("lokasjoner", queryset=Lokasjon.objects.only("id").order_by("id")),
        )
        .order_by("id")
    )
