"""The one access check per object type for referrals. Views and API fetch referrals only here;
anything out of the user's scope answers 404, as if it did not exist. Every opening of a referral
is written to the access log (who, when, which referral, in which role, for what)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from helsearbeid.typer import MuligBruker
from tilbud import tilgang as tilbud_tilgang
from tilbud.models import Tilbud

from . import krypto
from .livssyklus import Part
from .models import Henvisning, Tilgangslogg, henviserroller
from .rules import er_mottaker, er_sender, mottaker_organisasjoner


def parter(bruker: MuligBruker, henvisning: Henvisning) -> set[Part]:
    """The roles the user has for this referral (a user may in principle be both)."""
    funnet = set()
    if er_sender(bruker, henvisning):
        funnet.add(Part.SENDER)
    if er_mottaker(bruker, henvisning):
        funnet.add(Part.MOTTAKER)
    return funnet


def henvisning_for(
    *, bruker: MuligBruker, henvisning_id: Any, handling: str = "les", part: Part | None = None
) -> tuple[Henvisning, Part]:
    """The referral and the user's part in it, or 404. `part` is the part the action needs; the
    user's other part is returned when they lack it, so that the lifecycle refuses (409)."""
    if not bruker.is_authenticated:
        raise Http404("Finnes ikke.")
    henvisning = (
        Henvisning.objects.select_related("tilbud", "mottaker", "rhf", "sender", "videresendt_til")
        .filter(pk=henvisning_id)
        .first()
    )
    if henvisning is None:
        raise Http404("Finnes ikke.")
    mine = parter(bruker, henvisning)
    if not mine:
        raise Http404("Finnes ikke.")
    valgt = part if part in mine else sorted(mine)[0]
    Tilgangslogg.objects.create(
        henvisning=henvisning, bruker=bruker, rolle=valgt.value, handling=handling[:30]
    )
    return henvisning, valgt


def synlige_henvisninger(bruker: MuligBruker) -> QuerySet[Henvisning]:
    """Every referral the user may open: their own, and those sent to their unit."""
    if not bruker.is_authenticated:
        return Henvisning.objects.none()
    return Henvisning.objects.filter(
        Q(sender=bruker)
        | (Q(mottaker_id__in=mottaker_organisasjoner(bruker)) & ~Q(status="utkast"))
    )


MAKS_TREFF = 50


def henvisninger_for_fodselsnummer(*, bruker: MuligBruker, fodselsnummer: str) -> list[Henvisning]:
    """The referrals for one person that the user may open, found exactly by the keyed hash
    (nothing is decrypted to search). The answer tells the user that this person has these
    referrals, so every hit is written to the access log («sok»)."""
    if not bruker.is_authenticated:
        return []
    treff = list(
        synlige_henvisninger(bruker)
        .filter(fodselsnummer_hash=krypto.fodselsnummer_hash(fodselsnummer))
        .select_related("tilbud", "mottaker", "rhf", "sender")
        .prefetch_related(henviserroller())  # who referred, shown with each hit
        .order_by("-endret", "-id")[:MAKS_TREFF]
    )
    Tilgangslogg.objects.bulk_create(
        [
            Tilgangslogg(
                henvisning=h,
                bruker=bruker,
                rolle=(Part.SENDER if h.sender_id == bruker.pk else Part.MOTTAKER).value,
                handling="sok",
            )
            for h in treff
        ]
    )
    return treff


def tilbud_for_henvisning(*, bruker: MuligBruker, tilbud_id: Any) -> Tilbud:
    """A tilbud the user may refer to, or 404."""
    tilbud = Tilbud.objects.select_related("organisasjon", "rhf").filter(pk=tilbud_id).first()
    if tilbud is None or not kan_henvise(bruker, tilbud):
        raise Http404("Finnes ikke.")
    return tilbud


def kan_henvise(bruker: MuligBruker, tilbud: Tilbud) -> bool:
    return bool(bruker.is_authenticated and bruker.has_perm("henvisning.add_henvisning", tilbud))


def ser_antall(bruker: MuligBruker) -> bool:
    return bool(bruker.is_authenticated and bruker.has_perm("henvisning.view_henvisning_antall"))


def kan_endre_sjekkliste(bruker: MuligBruker, tilbud: Tilbud) -> bool:
    """The tilbud's checklist is edited by those who edit the tilbud directly: the region's
    coordinator or an administrator."""
    return bool(bruker.is_authenticated and tilbud_tilgang.kan_endre(bruker, tilbud))


def tilbud_for_sjekkliste(*, bruker: MuligBruker, tilbud_id: Any, endre: bool = False) -> Tilbud:
    """A tilbud whose checklist the user may read (who may refer to it or edit it) or, with
    `endre`, change. Out of scope: 404; may read but not change: PermissionDenied (403)."""
    tilbud = Tilbud.objects.select_related("organisasjon", "rhf").filter(pk=tilbud_id).first()
    if tilbud is None or not bruker.is_authenticated:
        raise Http404("Finnes ikke.")
    if kan_endre_sjekkliste(bruker, tilbud):
        return tilbud
    if not kan_henvise(bruker, tilbud):
        raise Http404("Finnes ikke.")
    if endre:
        raise PermissionDenied("Bare koordinatoren for regionen kan endre sjekklisten.")
    return tilbud
