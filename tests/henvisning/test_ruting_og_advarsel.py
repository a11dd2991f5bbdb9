"""Issue 17: a referral to a tilbud assessed by the regional assessment unit (RVE) lands in
that unit's inbox, not the provider's; a second active referral for the same patient to another
tilbud warns the GP without showing anything of the other referral."""

import pytest
from django.utils import timezone

from henvisning import tasks
from henvisning.models import Henvisning
from tests.factories import TilbudFactory, bruker_med_rolle
from tests.henvisning.conftest import FNR, FNR2, komplett
from tilbud.models import Organisasjon, Tilbud

URL = "/api/v1/henvisninger/"
pytestmark = pytest.mark.django_db
ADVARSEL = "Pasienten har allerede en aktiv henvisning til et annet tilbud"


@pytest.fixture(autouse=True)
def synkrone_varsler(monkeypatch) -> None:
    for task in (tasks.varsle_mottaker, tasks.varsle_sender):
        monkeypatch.setattr(task, "apply_async", lambda args, t=task, **_: t(*args))


@pytest.fixture
def rve() -> Organisasjon:
    return Organisasjon.objects.create(
        navn="Vurderingsenheten for rehabilitering, Helse Nord (test)",
        type=Organisasjon.Type.VURDERINGSENHET,
        rhf=Organisasjon.objects.get(kode="HN"),
    )


@pytest.fixture
def rve_tilbud(leverandor, rve) -> Tilbud:
    # The catalogue says «send to the provider»; the registered mottak block says the RVE
    # assesses, and that decides.
    return TilbudFactory(
        organisasjon=leverandor,
        henvisning_til=Tilbud.HenvisningTil.LEVERANDOR,
        vurderes_av="rve",
        vurderingsenhet=rve,
    )


def send(api, sender, tilbud, fnr: str = FNR) -> int:
    api.force_authenticate(sender)
    svar = api.post(URL, {"tilbud": tilbud.pk, **komplett(fodselsnummer=fnr)}, format="json")
    assert svar.status_code == 201, svar.json()
    pk = svar.json()["id"]
    assert api.post(f"{URL}{pk}/send/").status_code == 200
    return pk


def test_rve_assessed_referral_goes_to_the_rve_inbox(api, sender, mottaker, rve, rve_tilbud):
    pk = send(api, sender, rve_tilbud)
    assert Henvisning.objects.get(pk=pk).mottaker == rve
    vurderer = bruker_med_rolle("mottaker", organisasjon=rve.navn)
    api.force_authenticate(vurderer)
    assert [r["id"] for r in api.get(URL, {"rolle": "innboks"}).json()["results"]] == [pk]
    assert api.post(f"{URL}{pk}/motta/").status_code == 200
    # The provider's intake neither sees it nor can act on it.
    api.force_authenticate(mottaker)
    assert api.get(URL, {"rolle": "innboks"}).json()["results"] == []
    assert api.get(f"{URL}{pk}/").status_code == 404


def test_without_a_registered_block_the_catalogue_route_holds(api, sender, mottaker, tilbud):
    pk = send(api, sender, tilbud)
    assert Henvisning.objects.get(pk=pk).mottaker == tilbud.organisasjon


def test_second_active_referral_to_another_tilbud_warns(
    api, sender, annen_lege, tilbud, rve_tilbud
) -> None:
    forste = send(api, sender, tilbud)
    # Another GP refers the same patient to another tilbud.
    api.force_authenticate(annen_lege)
    svar = api.post(URL, {"tilbud": rve_tilbud.pk, **komplett()}, format="json")
    data = svar.json()
    assert len(data["advarsler"]) == 1 and data["advarsler"][0].startswith(ADVARSEL)
    # Yes or no, nothing more: not the other tilbud, not who referred, not the referral's id.
    tekst = str(data)
    assert tilbud.navn not in tekst and sender.get_username() not in tekst
    assert f"'id': {forste}" not in tekst and str(forste) not in data["advarsler"][0]
    andre = data["id"]
    api.post(f"{URL}{andre}/send/")
    side = api.get(f"{URL}{andre}/").json()
    assert side["advarsler"] and side["advarsler"][0].startswith(ADVARSEL)


def test_no_warning_for_another_patient_the_same_tilbud_or_an_ended_referral(
    api, sender, annen_lege, tilbud, rve_tilbud
) -> None:
    forste = send(api, sender, tilbud)
    api.force_authenticate(annen_lege)
    annen_pasient = api.post(
        URL, {"tilbud": rve_tilbud.pk, **komplett(fodselsnummer=FNR2)}, format="json"
    )
    assert annen_pasient.json()["advarsler"] == []
    samme_tilbud = api.post(URL, {"tilbud": tilbud.pk, **komplett()}, format="json")
    assert samme_tilbud.json()["advarsler"] == []
    api.force_authenticate(sender)
    assert (
        api.post(f"{URL}{forste}/trekk/", {"begrunnelse": "Pasienten valgte annet"}).status_code
        == 200
    )
    api.force_authenticate(annen_lege)
    etter = api.post(URL, {"tilbud": rve_tilbud.pk, **komplett()}, format="json")
    assert etter.json()["advarsler"] == []


def test_gp_page_says_where_it_stands_and_warns(client, sender, annen_lege, tilbud, rve_tilbud):
    from rest_framework.test import APIClient

    send(APIClient(), sender, tilbud)
    andre = send(APIClient(), annen_lege, rve_tilbud)
    client.force_login(annen_lege)
    side = client.get(f"/henvisninger/{andre}/").content.decode()
    assert 'role="alert"' in side and ADVARSEL in side
    assert tilbud.navn not in side
    h = Henvisning.objects.get(pk=andre)
    idag = timezone.localdate().strftime("%d.%m.%Y")
    frist = h.vurderingsfrist.strftime("%d.%m.%Y")
    assert f"Mottatt {idag}. Skal vurderes innen {frist}." in side
    assert "Status på henvisning (HIS 1206)" in side
    mine = client.get("/henvisninger/").content.decode()
    assert f"Skal vurderes innen {frist}." in mine


def test_a_saved_draft_warns_before_it_is_sent(client, sender, annen_lege, tilbud, rve_tilbud):
    from rest_framework.test import APIClient

    send(APIClient(), sender, tilbud)
    api = APIClient()
    api.force_authenticate(annen_lege)
    utkast = api.post(URL, {"tilbud": rve_tilbud.pk, **komplett()}, format="json").json()["id"]
    client.force_login(annen_lege)
    side = client.get(f"/henvisninger/{utkast}/endre/").content.decode()
    assert "Henvis pasienten" in side and ADVARSEL in side and tilbud.navn not in side


# Who reaches a referral routed to the RVE: its assessors do, the provider's intake does not
# (404, as for anything outside a user's scope), the GP does.
RVE_MATRISE = [
    ("/henvisninger/{pk}/", "get", {"vurderer": 200, "leverandor": 404, "sender": 200}),
    ("/henvisninger/{pk}/utskrift/", "get", {"vurderer": 200, "leverandor": 404, "sender": 200}),
    ("/api/v1/henvisninger/{pk}/", "get", {"vurderer": 200, "leverandor": 404, "sender": 200}),
    ("/api/v1/henvisninger/{pk}/fhir/", "get", {"vurderer": 200, "leverandor": 404, "sender": 200}),
    (
        "/api/v1/henvisninger/{pk}/motta/",
        "post",
        {"vurderer": 200, "leverandor": 404, "sender": 409},
    ),
]


@pytest.mark.parametrize(("url", "metode", "forventet"), RVE_MATRISE)
def test_permission_matrix_for_an_rve_routed_referral(
    client, sender, mottaker, rve, rve_tilbud, url, metode, forventet
) -> None:
    from rest_framework.test import APIClient

    pk = send(APIClient(), sender, rve_tilbud)
    brukere = {
        "vurderer": bruker_med_rolle("mottaker", organisasjon=rve.navn),
        "leverandor": mottaker,
        "sender": sender,
    }
    for rolle, status in forventet.items():
        client.force_login(brukere[rolle])
        svar = getattr(client, metode)(url.format(pk=pk))
        assert svar.status_code == status, (rolle, url)
