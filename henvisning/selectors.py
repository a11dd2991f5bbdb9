"""Reads for referrals: the sender's list, the receiver's inbox and overdue worklist, counts of
overdue referrals per unit (for coordinators and analysts: never the referrals themselves)."""

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from tilbud.rules import er_administrator, er_analytiker

from .livssyklus import Part, Tilstand, mulige_handlinger
from .models import Henvisning
from .rules import mottaker_organisasjoner, rhf_for_koordinator

# Counts under this are shown as «under 5» to analysts (the small-cell rule of NPR/SSB).
SMA_CELLER = 5
VENTER_PA_VURDERING = ["sendt", "mottatt"]


def _liste(qs: QuerySet[Henvisning]) -> QuerySet[Henvisning]:
    return qs.select_related("tilbud", "mottaker", "rhf").order_by("-endret", "-id")


def henvisninger_sendt_av(bruker: Any) -> QuerySet[Henvisning]:
    """«Mine henvisninger»."""
    return _liste(Henvisning.objects.filter(sender=bruker))


def innboks(bruker: Any) -> QuerySet[Henvisning]:
    """Referrals sent to the user's receiving unit(s); drafts are never shown."""
    return _liste(
        Henvisning.objects.filter(mottaker_id__in=mottaker_organisasjoner(bruker)).exclude(
            status="utkast"
        )
    )


def _forfalt(idag: date) -> Q:
    return Q(status__in=VENTER_PA_VURDERING, vurderingsfrist__lt=idag)


def forfalte(bruker: Any, *, idag: date) -> QuerySet[Henvisning]:
    """The receiver's overdue worklist: not yet assessed and past the 10-working-day deadline,
    oldest deadline first."""
    return innboks(bruker).filter(_forfalt(idag)).order_by("vurderingsfrist", "id")


def forfalte_per_enhet(bruker: Any, *, idag: date) -> list[dict[str, Any]]:
    """Overdue referrals per receiving unit: a coordinator's region, or every region for analysts
    and administrators (analysts see small counts as «under 5»)."""
    qs = Henvisning.objects.filter(_forfalt(idag))
    if not (er_analytiker(bruker) or er_administrator(bruker)):
        qs = qs.filter(rhf_id__in=rhf_for_koordinator(bruker))
    skjul = er_analytiker(bruker) and not er_administrator(bruker)
    rader = (
        qs.values("mottaker_id", "mottaker__navn", "rhf__kode")
        .annotate(antall=Count("id"))
        .order_by("rhf__kode", "mottaker__navn")
    )
    return [
        {
            "mottaker_id": r["mottaker_id"],
            "mottaker": r["mottaker__navn"],
            "rhf": r["rhf__kode"],
            "antall": None if skjul and r["antall"] < SMA_CELLER else r["antall"],
            "antall_tekst": "under 5" if skjul and r["antall"] < SMA_CELLER else str(r["antall"]),
        }
        for r in rader
    ]


def handlinger_for(henvisning: Henvisning, part: Part) -> list[str]:
    tilstand: Tilstand = henvisning.tilstand
    return [h.value for h in mulige_handlinger(tilstand, part)]


def er_forfalt(henvisning: Henvisning, *, idag: date) -> bool:
    return bool(
        henvisning.status in VENTER_PA_VURDERING
        and henvisning.vurderingsfrist
        and henvisning.vurderingsfrist < idag
    )
