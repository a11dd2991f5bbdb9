"""Who may use the coordinator area, and the access checks for its own object types (proposals
and error reports). Tilbud, organisations and sites are fetched through tilbud.tilgang."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tilbud.models import Endringsforslag, Feilmelding, Rolle, Tilbud
from tilbud.rules import _roller, er_administrator, er_koordinator
from tilbud.tilgang import koordinerte_rhf


def er_koordinator_eller_admin(bruker: Any) -> bool:
    return er_administrator(bruker) or er_koordinator(bruker)


def har_redigeringsrolle(bruker: Any) -> bool:
    """Coordinators, tilbudsredaktører and administrators use the area; analysts do not."""
    return er_koordinator_eller_admin(bruker) or any(
        r.type == Rolle.Type.TILBUDSREDAKTOR for r in _roller(bruker)
    )


def krev_redigeringsrolle(bruker: Any) -> None:
    if not har_redigeringsrolle(bruker):
        raise PermissionDenied("Du har ingen rolle som gir tilgang til redigering.")


def krev_koordinator(bruker: Any) -> None:
    if not er_koordinator_eller_admin(bruker):
        raise PermissionDenied("Bare koordinatorer har tilgang til denne siden.")


def tilbud_til_koordinering(bruker: Any) -> QuerySet[Tilbud]:
    """Tilbud whose changes this user decides on: the coordinator's region, or everything for an
    administrator."""
    if er_administrator(bruker):
        return Tilbud.objects.all()
    return Tilbud.objects.filter(rhf_id__in=koordinerte_rhf(bruker))


def forslag_for_beslutning(*, bruker: Any, forslag_id: Any) -> Endringsforslag:
    """A proposal in the coordinator's region; 404 otherwise (also for its own editor)."""
    forslag = (
        Endringsforslag.objects.select_related("tilbud", "foreslatt_av", "besluttet_av")
        .filter(pk=forslag_id, tilbud__in=tilbud_til_koordinering(bruker))
        .first()
    )
    if forslag is None:
        raise Http404("Finnes ikke.")
    return forslag


def feilmelding_for_losning(*, bruker: Any, feilmelding_id: Any) -> Feilmelding:
    feilmelding = (
        Feilmelding.objects.select_related("tilbud", "lost_av")
        .filter(pk=feilmelding_id, tilbud__in=tilbud_til_koordinering(bruker))
        .first()
    )
    if feilmelding is None:
        raise Http404("Finnes ikke.")
    return feilmelding
