"""The one access check per object type. Views, API and admin all fetch editable objects here;
anything out of the user's scope answers 404, as if it did not exist. Also who may use the
coordinator area at all (403 for users without an editing role)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Endringsforslag, Feilmelding, Lokasjon, Organisasjon, Rolle, Tilbud
from .rules import _roller, er_administrator, er_koordinator


def kan_endre(bruker: Any, obj: Tilbud | Organisasjon | Lokasjon) -> bool:
    """Coordinator of the object's RHF or administrator: changes apply directly."""
    return bruker.has_perm(f"tilbud.change_{obj._meta.model_name}", obj)


def kan_foresla(bruker: Any, obj: Tilbud | Organisasjon | Lokasjon) -> bool:
    """Tilbudsredaktør of the object's organisation: changes become proposals."""
    return bruker.has_perm(f"tilbud.propose_{obj._meta.model_name}", obj)


def _i_omfang(bruker: Any, obj: Any) -> Any:
    if obj is None or not (kan_endre(bruker, obj) or kan_foresla(bruker, obj)):
        raise Http404("Finnes ikke.")
    return obj


def tilbud_for_redigering(*, bruker: Any, tilbud_id: Any) -> Tilbud:
    tilbud = Tilbud.objects.med_relasjoner().filter(pk=tilbud_id).first()
    return _i_omfang(bruker, tilbud)


def organisasjon_for_redigering(*, bruker: Any, organisasjon_id: Any) -> Organisasjon:
    organisasjon = Organisasjon.objects.select_related("rhf").filter(pk=organisasjon_id).first()
    return _i_omfang(bruker, organisasjon)


def lokasjon_for_redigering(*, bruker: Any, lokasjon_id: Any) -> Lokasjon:
    lokasjon = (
        Lokasjon.objects.select_related("organisasjon", "kommune").filter(pk=lokasjon_id).first()
    )
    return _i_omfang(bruker, lokasjon)


def koordinerte_rhf(bruker: Any) -> list[int]:
    """The RHF(s) a user coordinates."""
    return [r.rhf_id for r in _roller(bruker) if r.type == Rolle.Type.KOORDINATOR]


def redigerte_organisasjoner(bruker: Any) -> list[int]:
    """The organisation(s) a user is tilbudsredaktør for."""
    return [r.organisasjon_id for r in _roller(bruker) if r.type == Rolle.Type.TILBUDSREDAKTOR]


def tilbud_i_omfang(bruker: Any) -> QuerySet[Tilbud]:
    """«Mine tilbud»: the region's tilbud for a coordinator, the organisation's for an editor."""
    if not bruker.is_authenticated:
        return Tilbud.objects.none()
    if er_administrator(bruker):
        return Tilbud.objects.all()
    return Tilbud.objects.filter(
        Q(rhf_id__in=koordinerte_rhf(bruker))
        | Q(organisasjon_id__in=redigerte_organisasjoner(bruker))
    )


# --- Who may use the coordinator area -------------------------------------------------------


def er_koordinator_eller_admin(bruker: Any) -> bool:
    return er_administrator(bruker) or er_koordinator(bruker)


def har_redigeringsrolle(bruker: Any) -> bool:
    """Coordinators, tilbudsredaktører and administrators use the area; analysts do not."""
    return er_koordinator_eller_admin(bruker) or bool(redigerte_organisasjoner(bruker))


def krev_redigeringsrolle(bruker: Any) -> None:
    if not har_redigeringsrolle(bruker):
        raise PermissionDenied("Du har ingen rolle som gir tilgang til redigering.")


def krev_koordinator(bruker: Any) -> None:
    if not er_koordinator_eller_admin(bruker):
        raise PermissionDenied("Bare koordinatorer har tilgang til denne siden.")


# --- Proposals and error reports --------------------------------------------------------------


def tilbud_til_koordinering(bruker: Any) -> QuerySet[Tilbud]:
    """Tilbud whose changes this user decides on: the coordinator's region, or everything for an
    administrator."""
    if er_administrator(bruker):
        return Tilbud.objects.all()
    return Tilbud.objects.filter(rhf_id__in=koordinerte_rhf(bruker))


def forslag_i_omfang(bruker: Any) -> QuerySet[Endringsforslag]:
    """Proposals a user may read: the region's for a coordinator (who decides on them), the
    organisation's for a tilbudsredaktør (who sees the outcome and the coordinator's comment)."""
    if not bruker.is_authenticated:
        return Endringsforslag.objects.none()
    if er_administrator(bruker):
        return Endringsforslag.objects.all()
    return Endringsforslag.objects.filter(
        Q(tilbud__rhf_id__in=koordinerte_rhf(bruker))
        | Q(tilbud__organisasjon_id__in=redigerte_organisasjoner(bruker))
    )


def forslag_for_visning(*, bruker: Any, forslag_id: Any) -> Endringsforslag:
    """A proposal the user may read (see forslag_i_omfang); 404 otherwise."""
    forslag = (
        forslag_i_omfang(bruker)
        .select_related("tilbud", "foreslatt_av", "besluttet_av")
        .filter(pk=forslag_id)
        .first()
    )
    if forslag is None:
        raise Http404("Finnes ikke.")
    return forslag


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
        feilmeldinger_i_omfang(bruker)
        .select_related("tilbud", "lost_av")
        .filter(pk=feilmelding_id)
        .first()
    )
    if feilmelding is None:
        raise Http404("Finnes ikke.")
    return feilmelding


def feilmeldinger_i_omfang(bruker: Any) -> QuerySet[Feilmelding]:
    """Error reports in the coordinator's region (everything for an administrator)."""
    return Feilmelding.objects.filter(tilbud__in=tilbud_til_koordinering(bruker))
