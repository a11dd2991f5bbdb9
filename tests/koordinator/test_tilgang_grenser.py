"""What the permission matrix's status codes cannot show about tilbud.tilgang and tilbud.rules:
the messages a refused API client reads, who decides on a proposal, that a receiving unit is no
editor, that roles are read once per request and never for an anonymous user, and that each
fetch-for-a-page loads what the page reads in the same query. (Written from the survivors of the
`tilbud-tilgang` mutation run, bench/README.md.)"""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import bruker_med_rolle
from tilbud import tilgang
from tilbud.models import Endringsforslag, Feilmelding, Lokasjon, Tilbud
from tilbud.rules import _roller

from .conftest import lag_bruker

pytestmark = pytest.mark.django_db


def api_klient(bruker: Any) -> APIClient:
    klient = APIClient()
    klient.force_authenticate(bruker)
    return klient


def test_refused_api_clients_are_told_which_role_is_missing(bodo: Tilbud) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    forslag = Endringsforslag.objects.create(
        tilbud=bodo,
        endringer={"ventetid_tekst": "To uker"},
        grunnversjon=bodo.versjon,
        foreslatt_av=redaktor,
    )
    svar = api_klient(lag_bruker("analytiker")).get("/api/v1/forslag/")
    assert svar.status_code == 403
    assert svar.json()["detail"] == "Du har ingen rolle som gir tilgang til redigering."

    svar = api_klient(redaktor).post(f"/api/v1/forslag/{forslag.pk}/godkjenn/", {})
    assert svar.status_code == 403
    assert svar.json()["detail"] == "Bare koordinatorer har tilgang til denne siden."


def test_only_the_regions_coordinator_and_administrators_decide_on_a_proposal(
    bodo: Tilbud,
) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    forslag = Endringsforslag.objects.create(
        tilbud=bodo,
        endringer={"ventetid_tekst": "To uker"},
        grunnversjon=bodo.versjon,
        foreslatt_av=redaktor,
    )
    assert tilgang.kan_beslutte_forslag(lag_bruker("koordinator_hn"), forslag) is True
    assert tilgang.kan_beslutte_forslag(lag_bruker("administrator"), forslag) is True
    # The editor who proposed it sees it, but does not decide on it.
    assert tilgang.kan_se_forslag(redaktor, forslag) is True
    assert tilgang.kan_beslutte_forslag(redaktor, forslag) is False
    assert tilgang.kan_beslutte_forslag(lag_bruker("koordinator_hv"), forslag) is False


def test_a_receiving_unit_is_not_an_editor_of_its_organisation(bodo: Tilbud) -> None:
    """A mottaker role names an organisation too; it gives no access to the coordinator area."""
    mottaker = bruker_med_rolle("mottaker", organisasjon=bodo.organisasjon.navn)
    assert tilgang.redigerte_organisasjoner(mottaker) == []
    assert tilgang.har_redigeringsrolle(mottaker) is False
    assert not tilgang.tilbud_i_omfang(mottaker).exists()
    svar = api_klient(mottaker).get("/api/v1/forslag/")
    assert svar.status_code == 403


@pytest.mark.parametrize("rolle", ["koordinator_hn", "redaktor_nordland", "analytiker"])
def test_each_user_coordinates_exactly_the_regions_of_their_coordinator_role(rolle: str) -> None:
    bruker = lag_bruker(rolle)
    forventet = [r.rhf_id for r in bruker.roller.all() if r.type == "koordinator"]
    assert tilgang.koordinerte_rhf(bruker) == forventet
    forventet = [r.organisasjon_id for r in bruker.roller.all() if r.type == "tilbudsredaktor"]
    assert tilgang.redigerte_organisasjoner(bruker) == forventet


def test_anonymous_users_have_no_roles_and_see_nothing() -> None:
    anonym = AnonymousUser()
    assert tilgang.koordinerte_rhf(anonym) == []
    assert tilgang.redigerte_organisasjoner(anonym) == []
    assert tilgang.har_redigeringsrolle(anonym) is False
    assert tilgang.er_koordinator_eller_admin(anonym) is False


def test_roles_are_read_once_however_many_checks_a_request_makes(
    django_assert_num_queries: Any,
) -> None:
    bruker = User.objects.get(pk=lag_bruker("koordinator_hn").pk)  # nothing read yet
    with django_assert_num_queries(1):
        tilgang.koordinerte_rhf(bruker)
        tilgang.redigerte_organisasjoner(bruker)
        tilgang.har_redigeringsrolle(bruker)
        tilgang.er_koordinator_eller_admin(bruker)


def _avgjort_forslag(tilbud: Tilbud, koordinator: Any) -> Endringsforslag:
    return Endringsforslag.objects.create(
        tilbud=tilbud,
        endringer={"ventetid_tekst": "To uker"},
        grunnversjon=tilbud.versjon,
        foreslatt_av=lag_bruker("redaktor_nordland"),
        status=Endringsforslag.Status.AVVIST,
        kommentar="Allerede rettet.",
        besluttet=timezone.now(),
        besluttet_av=koordinator,
    )


def _lost_feilmelding(tilbud: Tilbud, koordinator: Any) -> Feilmelding:
    return Feilmelding.objects.create(
        tilbud=tilbud,
        felt="ventetid",
        beskrivelse="Feil ventetid",
        epost="",
        status=Feilmelding.Status.LOST,
        lost_tidspunkt=timezone.now(),
        lost_av=koordinator,
    )


def _lokasjon(tilbud: Tilbud, koordinator: Any) -> int:
    lokasjon = Lokasjon.objects.filter(organisasjon=tilbud.organisasjon_id).first()
    assert lokasjon is not None
    return lokasjon.pk


# (the id of an object in Helse Nord, the fetch a page makes, what the page reads of it)
HENTINGER: dict[str, tuple[Any, Any, Any]] = {
    "historikk": (
        lambda t, k: t.pk,
        lambda b, pk: tilgang.tilbud_for_historikk(bruker=b, tilbud_id=pk),
        lambda o: (o.rhf.navn, o.organisasjon.navn),
    ),
    "organisasjon": (
        lambda t, k: t.organisasjon_id,
        lambda b, pk: tilgang.organisasjon_for_redigering(bruker=b, organisasjon_id=pk),
        lambda o: o.rhf.navn,
    ),
    "lokasjon": (
        _lokasjon,
        lambda b, pk: tilgang.lokasjon_for_redigering(bruker=b, lokasjon_id=pk),
        lambda o: (o.organisasjon.navn, o.kommune.navn),
    ),
    "forslag_visning": (
        lambda t, k: _avgjort_forslag(t, k).pk,
        lambda b, pk: tilgang.forslag_for_visning(bruker=b, forslag_id=pk),
        lambda o: (o.tilbud.navn, o.foreslatt_av.username, o.besluttet_av.username),
    ),
    "forslag_beslutning": (
        lambda t, k: _avgjort_forslag(t, k).pk,
        lambda b, pk: tilgang.forslag_for_beslutning(bruker=b, forslag_id=pk),
        lambda o: (o.tilbud.navn, o.foreslatt_av.username, o.besluttet_av.username),
    ),
    "feilmelding": (
        lambda t, k: _lost_feilmelding(t, k).pk,
        lambda b, pk: tilgang.feilmelding_for_losning(bruker=b, feilmelding_id=pk),
        lambda o: (o.tilbud.navn, o.lost_av.username),
    ),
}


@pytest.mark.parametrize("henting", list(HENTINGER))
def test_each_fetch_for_a_page_loads_what_the_page_shows_in_one_query(
    henting: str, bodo: Tilbud, django_assert_num_queries: Any
) -> None:
    lag, hent, les = HENTINGER[henting]
    koordinator = lag_bruker("koordinator_hn")
    pk = lag(bodo, koordinator)
    _roller(koordinator)  # the roles already read, as by the view's role check before the fetch
    with django_assert_num_queries(1):
        assert all(les(hent(koordinator, pk)))
