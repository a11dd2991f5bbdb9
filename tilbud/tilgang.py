"""The one access check per object type. Views, API and admin all fetch editable objects here;
anything out of the user's scope answers 404, as if it did not exist. Also who may use the
coordinator area at all (403 for users without an editing role).

Per object type there is a predicate (`kan_…`, `i_omfang`) for one object and a queryset
(`…_i_omfang`, `…_til_koordinering`) for lists and the admin; a test holds each pair equal."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from helsearbeid.typer import MuligBruker

from .models import Endringsforslag, Feilmelding, Lokasjon, Organisasjon, Rolle, Tilbud
from .rules import _roller, er_administrator, er_koordinator


def kan_endre(bruker: MuligBruker, obj: Tilbud | Organisasjon | Lokasjon) -> bool:
    """Coordinator of the object's RHF or administrator: changes apply directly."""
    return bruker.has_perm(f"tilbud.change_{obj._meta.model_name}", obj)


def kan_foresla(bruker: MuligBruker, obj: Tilbud | Organisasjon | Lokasjon) -> bool:
    """Tilbudsredaktør of the object's organisation: changes become proposals."""
    return bruker.has_perm(f"tilbud.propose_{obj._meta.model_name}", obj)


def i_omfang(bruker: MuligBruker, obj: Tilbud | Organisasjon | Lokasjon) -> bool:
    """The user sees the object in the coordinator area: its coordinator or tilbudsredaktør."""
    return kan_endre(bruker, obj) or kan_foresla(bruker, obj)


def kan_se_historikk(bruker: MuligBruker, tilbud: Tilbud) -> bool:
    """A tilbud's history (who changed what, and why): the region's coordinators and
    administrators, in the coordinator area (HTML), the API and the admin alike."""
    return bool(bruker.has_perm("tilbud.view_historikk_tilbud", tilbud))


def kan_opprette_i(bruker: MuligBruker, rhf: Organisasjon) -> bool:
    """New organisations and tilbud in an RHF: its coordinators and administrators."""
    return er_administrator(bruker) or rhf.pk in koordinerte_rhf(bruker)


def rhf_for_oppretting(bruker: MuligBruker) -> QuerySet[Organisasjon]:
    """The RHF(s) a user may create organisations and tilbud in (all for an administrator)."""
    rhf = Organisasjon.objects.rhf().order_by("kode")
    if er_administrator(bruker):
        return rhf
    return rhf.filter(pk__in=koordinerte_rhf(bruker))


def _i_omfang(bruker: MuligBruker, obj: Any) -> Any:
    if obj is None or not i_omfang(bruker, obj):
        raise Http404("Finnes ikke.")
    return obj


def tilbud_for_redigering(*, bruker: MuligBruker, tilbud_id: Any) -> Tilbud:
    tilbud = Tilbud.objects.med_relasjoner().filter(pk=tilbud_id).first()
    return _i_omfang(bruker, tilbud)


def organisasjon_for_redigering(*, bruker: MuligBruker, organisasjon_id: Any) -> Organisasjon:
    organisasjon = Organisasjon.objects.select_related("rhf").filter(pk=organisasjon_id).first()
    return _i_omfang(bruker, organisasjon)


def tilbud_for_historikk(*, bruker: MuligBruker, tilbud_id: Any) -> Tilbud:
    """A tilbud whose history the user may read (kan_se_historikk); 404 otherwise, also for
    its tilbudsredaktør, as if it did not exist."""
    tilbud = Tilbud.objects.select_related("rhf", "organisasjon").filter(pk=tilbud_id).first()
    if tilbud is None or not kan_se_historikk(bruker, tilbud):
        raise Http404("Finnes ikke.")
    return tilbud


def lokasjon_for_redigering(*, bruker: MuligBruker, lokasjon_id: Any) -> Lokasjon:
    lokasjon = (
        Lokasjon.objects.select_related("organisasjon", "kommune").filter(pk=lokasjon_id).first()
    )
    return _i_omfang(bruker, lokasjon)


def koordinerte_rhf(bruker: MuligBruker) -> list[int]:
    """The RHF(s) a user coordinates."""
    # The check constraint gives every coordinator an RHF; the filter only tells mypy.
    return [
        r.rhf_id
        for r in _roller(bruker)
        if r.type == Rolle.Type.KOORDINATOR and r.rhf_id is not None
    ]


def redigerte_organisasjoner(bruker: MuligBruker) -> list[int]:
    """The organisation(s) a user is tilbudsredaktør for."""
    return [
        r.organisasjon_id
        for r in _roller(bruker)
        if r.type == Rolle.Type.TILBUDSREDAKTOR and r.organisasjon_id is not None
    ]


def tilbud_i_omfang(bruker: MuligBruker) -> QuerySet[Tilbud]:
    """«Mine tilbud»: the region's tilbud for a coordinator, the organisation's for an editor."""
    if not bruker.is_authenticated:
        return Tilbud.objects.none()
    if er_administrator(bruker):
        return Tilbud.objects.all()
    return Tilbud.objects.filter(
        Q(rhf_id__in=koordinerte_rhf(bruker))
        | Q(organisasjon_id__in=redigerte_organisasjoner(bruker))
    )


def organisasjoner_til_koordinering(bruker: MuligBruker) -> QuerySet[Organisasjon]:
    """Organisations the user changes directly (kan_endre): the coordinator's RHF itself, the HF
    and ideelle it owns, the private providers with an agreement with it; all for an
    administrator. The same rule as rules.rhf_for, as a query."""
    if not bruker.is_authenticated:
        return Organisasjon.objects.none()
    if er_administrator(bruker):
        return Organisasjon.objects.all()
    rhf = koordinerte_rhf(bruker)
    ikke_rhf = ~Q(type=Organisasjon.Type.RHF)
    return Organisasjon.objects.filter(
        pk__in=Organisasjon.objects.filter(
            Q(type=Organisasjon.Type.RHF, pk__in=rhf)
            | (ikke_rhf & Q(rhf_id__in=rhf))
            | (ikke_rhf & Q(rhf__isnull=True, avtaler__rhf_id__in=rhf))
        ).values("pk")
    )


def organisasjoner_i_omfang(bruker: MuligBruker) -> QuerySet[Organisasjon]:
    """Organisations the user sees in the coordinator area (i_omfang): the coordinator's, and
    a tilbudsredaktør's own."""
    if not bruker.is_authenticated:
        return Organisasjon.objects.none()
    return Organisasjon.objects.filter(
        Q(pk__in=organisasjoner_til_koordinering(bruker).values("pk"))
        | Q(pk__in=redigerte_organisasjoner(bruker))
    )


def lokasjoner_til_koordinering(bruker: MuligBruker) -> QuerySet[Lokasjon]:
    return Lokasjon.objects.filter(
        organisasjon__in=organisasjoner_til_koordinering(bruker).values("pk")
    )


def lokasjoner_i_omfang(bruker: MuligBruker) -> QuerySet[Lokasjon]:
    return Lokasjon.objects.filter(organisasjon__in=organisasjoner_i_omfang(bruker).values("pk"))


# --- Who may use the coordinator area -------------------------------------------------------


def er_koordinator_eller_admin(bruker: MuligBruker) -> bool:
    return er_administrator(bruker) or er_koordinator(bruker)


def har_redigeringsrolle(bruker: MuligBruker) -> bool:
    """Coordinators, tilbudsredaktører and administrators use the area; analysts do not."""
    return er_koordinator_eller_admin(bruker) or bool(redigerte_organisasjoner(bruker))


def krev_redigeringsrolle(bruker: MuligBruker) -> None:
    if not har_redigeringsrolle(bruker):
        raise PermissionDenied("Du har ingen rolle som gir tilgang til redigering.")


def krev_koordinator(bruker: MuligBruker) -> None:
    if not er_koordinator_eller_admin(bruker):
        raise PermissionDenied("Bare koordinatorer har tilgang til denne siden.")


# --- Proposals and error reports --------------------------------------------------------------


def tilbud_til_koordinering(bruker: MuligBruker) -> QuerySet[Tilbud]:
    """Tilbud whose changes this user decides on (kan_endre, and kan_se_historikk): the
    coordinator's region, or everything for an administrator."""
    if not bruker.is_authenticated:
        return Tilbud.objects.none()
    if er_administrator(bruker):
        return Tilbud.objects.all()
    return Tilbud.objects.filter(rhf_id__in=koordinerte_rhf(bruker))


def kan_se_forslag(bruker: MuligBruker, forslag: Endringsforslag) -> bool:
    """See forslag_i_omfang."""
    return i_omfang(bruker, forslag.tilbud)


def kan_beslutte_forslag(bruker: MuligBruker, forslag: Endringsforslag) -> bool:
    """Approve or reject: the coordinator of the tilbud's region (or an administrator)."""
    return kan_endre(bruker, forslag.tilbud)


def kan_lose_feilmelding(bruker: MuligBruker, feilmelding: Feilmelding) -> bool:
    """See feilmeldinger_i_omfang."""
    return kan_endre(bruker, feilmelding.tilbud)


def forslag_i_omfang(bruker: MuligBruker) -> QuerySet[Endringsforslag]:
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


def forslag_for_visning(*, bruker: MuligBruker, forslag_id: Any) -> Endringsforslag:
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


def forslag_for_beslutning(*, bruker: MuligBruker, forslag_id: Any) -> Endringsforslag:
    """A proposal in the coordinator's region; 404 otherwise (also for its own editor)."""
    forslag = (
        Endringsforslag.objects.select_related("tilbud", "foreslatt_av", "besluttet_av")
        .filter(pk=forslag_id, tilbud__in=tilbud_til_koordinering(bruker))
        .first()
    )
    if forslag is None:
        raise Http404("Finnes ikke.")
    return forslag


def feilmelding_for_losning(*, bruker: MuligBruker, feilmelding_id: Any) -> Feilmelding:
    feilmelding = (
        feilmeldinger_i_omfang(bruker)
        .select_related("tilbud", "lost_av")
        .filter(pk=feilmelding_id)
        .first()
    )
    if feilmelding is None:
        raise Http404("Finnes ikke.")
    return feilmelding


def feilmeldinger_i_omfang(bruker: MuligBruker) -> QuerySet[Feilmelding]:
    """Error reports in the coordinator's region (everything for an administrator)."""
    return Feilmelding.objects.filter(tilbud__in=tilbud_til_koordinering(bruker))
