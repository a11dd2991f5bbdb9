"""The one access check per object type. Views, API and admin all fetch editable objects here;
anything out of the user's scope answers 404, as if it did not exist."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Lokasjon, Organisasjon, Rolle, Tilbud
from .rules import _roller, er_administrator


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


def tilbud_i_omfang(bruker: Any) -> QuerySet[Tilbud]:
    """«Mine tilbud»: the region's tilbud for a coordinator, the organisation's for an editor."""
    if not bruker.is_authenticated:
        return Tilbud.objects.none()
    if er_administrator(bruker):
        return Tilbud.objects.all()
    organisasjoner = [
        r.organisasjon_id for r in _roller(bruker) if r.type == Rolle.Type.TILBUDSREDAKTOR
    ]
    return Tilbud.objects.filter(
        Q(rhf_id__in=koordinerte_rhf(bruker)) | Q(organisasjon_id__in=organisasjoner)
    )
