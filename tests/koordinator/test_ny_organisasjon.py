"""A coordinator registers a provider in their region, in the HTML form and in the API, through
the same service: bound to the region (an HF or ideelt sykehus by its RHF, a private provider by
an agreement), the organisasjonsnummer checked with mod 11, field errors next to the field,
history with who and why. Who may do it at all is in the permission matrix."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient
from stdnum.no import orgnr

from rapporter.services import api_nokkel_opprett
from tilbud.models import Avtale, Organisasjon
from tilbud.services.organisasjon import organisasjon_opprett

from .conftest import hn, klient, lag_bruker

NY_URL = reverse("koordinator:organisasjon-ny")
API_URL = reverse("organisasjon-list")


def ledig_orgnr(start: int = 91_234_567) -> str:
    """A valid organisasjonsnummer (mod 11) nobody in the catalogue has."""
    for grunnlag in range(start, start + 1000):
        for siffer in "0123456789":
            nummer = f"{grunnlag}{siffer}"
            if (
                orgnr.is_valid(nummer)
                and not Organisasjon.objects.filter(organisasjonsnummer=nummer).exists()
            ):
                return nummer
    raise AssertionError("fant ikke et ledig organisasjonsnummer")


def feil_kontrollsiffer(nummer: str) -> str:
    return nummer[:8] + str((int(nummer[8]) + 1) % 10)


def skjema(**endre: Any) -> dict[str, Any]:
    return {
        "rhf": hn().pk,
        "navn": "Arbeidshelse Lofoten AS",
        "type": "privat",
        "avtaletype": "arr",
        "organisasjonsnummer": "",
        "nettside": "https://arbeidshelse-lofoten.no/",
        "grunn": "Ny avtale fra 1. mars",
        **endre,
    }


def api(bruker: Any = None) -> APIClient:
    c = APIClient()
    if bruker is not None:
        c.force_authenticate(bruker)
    return c


# --- HTML ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_registers_a_private_provider_with_an_agreement(koordinator_hn) -> None:
    c = klient(koordinator_hn)
    mine = c.get(reverse("koordinator:mine-tilbud")).content.decode()
    assert f'href="{NY_URL}"' in mine  # linked from «Mine tilbud»
    side = c.get(NY_URL)
    assert side.status_code == 200
    # Only the coordinator's own region can be chosen.
    assert list(side.context["form"].fields["rhf"].queryset) == [hn()]
    nummer = ledig_orgnr()
    med_mellomrom = f"{nummer[:3]} {nummer[3:6]} {nummer[6:]}"
    svar = c.post(NY_URL, skjema(organisasjonsnummer=med_mellomrom))
    ny = Organisasjon.objects.get(navn="Arbeidshelse Lofoten AS")
    assert svar.status_code == 302
    assert svar["Location"] == reverse("koordinator:organisasjon-rediger", kwargs={"pk": ny.pk})
    assert ny.type == "privat" and ny.rhf is None and ny.organisasjonsnummer == nummer
    assert list(ny.avtaler.values_list("rhf__kode", "type")) == [("HN", "arr")]
    # It is in the coordinator's region now: its page opens, and tilbud can be created for it.
    assert c.get(svar["Location"]).status_code == 200
    ny_tilbud = c.get(reverse("koordinator:tilbud-ny")).context["form"]
    assert ny in ny_tilbud.fields["organisasjon"].queryset
    # …and not in another region's.
    hv = klient(lag_bruker("koordinator_hv"))
    assert hv.get(svar["Location"]).status_code == 404
    if connection.vendor == "postgresql":
        hendelse = Organisasjon.pgh_event_model.objects.get(pgh_obj_id=ny.pk)
        assert hendelse.pgh_label == "insert"
        assert hendelse.pgh_context.metadata["bruker"] == koordinator_hn.get_full_name()
        assert hendelse.pgh_context.metadata["grunn"] == "Ny avtale fra 1. mars"


@pytest.mark.django_db
def test_a_helseforetak_belongs_to_the_region_without_an_agreement(koordinator_hn) -> None:
    c = klient(koordinator_hn)
    svar = c.post(
        NY_URL,
        skjema(
            navn="Helse Lofoten HF", type="hf", avtaletype="", organisasjonsnummer=ledig_orgnr()
        ),
    )
    assert svar.status_code == 302
    ny = Organisasjon.objects.get(navn="Helse Lofoten HF")
    assert ny.type == "hf" and ny.rhf == hn() and not ny.avtaler.exists()


@pytest.mark.django_db
def test_bad_input_gives_field_errors_next_to_the_field_and_saves_nothing(koordinator_hn) -> None:
    c = klient(koordinator_hn)
    for_ = Organisasjon.objects.count()
    feil = feil_kontrollsiffer(ledig_orgnr())
    svar = c.post(NY_URL, skjema(organisasjonsnummer=feil, avtaletype="", nettside="ikke en url"))
    assert svar.status_code == 400
    html = svar.content.decode()
    form = svar.context["form"]
    assert "avtaletype" in form.errors  # a private provider needs an agreement
    # The service checks the rest once the form's own checks pass.
    svar = c.post(NY_URL, skjema(organisasjonsnummer=feil, nettside="ikke en url"))
    assert svar.status_code == 400
    html = svar.content.decode()
    form = svar.context["form"]
    assert "ikke et gyldig organisasjonsnummer" in form.errors["organisasjonsnummer"][0]
    assert "nettside" in form.errors
    assert 'id="feil_organisasjonsnummer"' in html and 'aria-invalid="true"' in html
    # Name taken, number failing mod 11 and an agreement for an HF: all at once.
    svar = c.post(NY_URL, skjema(navn="Nordlandssykehuset", type="hf", organisasjonsnummer=feil))
    form = svar.context["form"]
    assert svar.status_code == 400
    assert set(form.errors) == {"navn", "organisasjonsnummer", "avtaletype"}
    assert "finnes allerede" in form.errors["navn"][0]
    assert "Bare private leverandører har avtale" in form.errors["avtaletype"][0]
    # The number is required.
    svar = c.post(NY_URL, skjema(organisasjonsnummer="  "))
    assert svar.status_code == 400 and "organisasjonsnummer" in svar.context["form"].errors
    # An RHF cannot be registered, and nothing else is in the form.
    svar = c.post(NY_URL, skjema(type="rhf", organisasjonsnummer=ledig_orgnr()))
    assert svar.status_code == 400 and "type" in svar.context["form"].errors
    # Another region cannot be chosen.
    svar = c.post(
        NY_URL,
        skjema(rhf=Organisasjon.objects.get(kode="HV").pk, organisasjonsnummer=ledig_orgnr()),
    )
    assert svar.status_code == 400 and "rhf" in svar.context["form"].errors
    assert Organisasjon.objects.count() == for_


@pytest.mark.django_db
def test_the_service_refuses_another_region_whoever_calls_it(koordinator_hn) -> None:
    with pytest.raises(PermissionDenied):
        organisasjon_opprett(
            bruker=koordinator_hn,
            rhf=Organisasjon.objects.get(kode="HV"),
            navn="Feil region AS",
            type="privat",
            avtaletype="phv",
            organisasjonsnummer=ledig_orgnr(),
        )
    assert not Organisasjon.objects.filter(navn="Feil region AS").exists()


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_creates_an_organisation_201_with_location_and_etag(koordinator_hn) -> None:
    nummer = ledig_orgnr()
    data = {
        "navn": "Arbeidshelse Vesterålen AS",
        "type": "privat",
        "avtaletype": "phv",
        "organisasjonsnummer": nummer,
        "grunn": "Ny avtale",
    }
    svar = api(koordinator_hn).post(API_URL, data, format="json")
    assert svar.status_code == 201, svar.json()
    ny = svar.json()
    assert svar["Location"] == reverse("organisasjon-detail", kwargs={"pk": ny["id"]})
    assert ny["type"] == "privat" and ny["organisasjonsnummer"] == nummer
    assert ny["avtaler"] == [{"rhf": "HN", "type": "phv", "navn": "Psykisk helsevern"}]
    assert ny["versjon"] == 1
    # The ETag is the one GET gives, and works for the next write at once.
    assert api(koordinator_hn).get(svar["Location"])["ETag"] == svar["ETag"]
    endret = api(koordinator_hn).patch(
        svar["Location"], {"nettside": "https://av.no/"}, format="json", HTTP_IF_MATCH=svar["ETag"]
    )
    assert endret.status_code == 200 and endret.json()["versjon"] == 2


@pytest.mark.django_db
def test_api_bad_input_is_a_400_per_field(koordinator_hn) -> None:
    c = api(koordinator_hn)
    for_ = Organisasjon.objects.count()
    gyldig = {"navn": "Ny AS", "type": "privat", "avtaletype": "arr"}
    feil = c.post(API_URL, {**gyldig, "organisasjonsnummer": "123456789"}, format="json")
    assert feil.status_code == 400
    assert "ikke et gyldig organisasjonsnummer" in feil.json()["organisasjonsnummer"][0]
    feil = c.post(
        API_URL, {**gyldig, "type": "rhf", "organisasjonsnummer": ledig_orgnr()}, format="json"
    )
    assert feil.status_code == 400 and "type" in feil.json()
    feil = c.post(
        API_URL, {**gyldig, "rhf": "HV", "organisasjonsnummer": ledig_orgnr()}, format="json"
    )
    assert feil.status_code == 400 and "rhf" in feil.json()  # not the coordinator's region
    feil = c.post(API_URL, {"navn": "x" * 10_000_000}, format="json")
    assert feil.status_code in (400, 413)
    assert Organisasjon.objects.count() == for_


@pytest.mark.django_db
def test_api_administrator_names_the_region() -> None:
    admin = lag_bruker("administrator")
    data = {"navn": "Helse Vest Ny HF", "type": "hf", "organisasjonsnummer": ledig_orgnr()}
    svar = api(admin).post(API_URL, data, format="json")
    assert svar.status_code == 400 and "rhf" in svar.json()
    svar = api(admin).post(API_URL, {**data, "rhf": "HV"}, format="json")
    assert svar.status_code == 201, svar.json()
    assert svar.json()["rhf"]["kode"] == "HV"


@pytest.mark.django_db
def test_api_key_and_other_roles_cannot_create() -> None:
    data = {
        "navn": "Uautorisert AS",
        "type": "privat",
        "avtaletype": "arr",
        "organisasjonsnummer": ledig_orgnr(),
    }
    _, nokkel = api_nokkel_opprett(navn="Analyse", eier="HN")
    c = APIClient(HTTP_AUTHORIZATION=f"Api-Key {nokkel}")
    assert c.post(API_URL, data, format="json").status_code == 403
    assert api().post(API_URL, data, format="json").status_code == 401
    for rolle in ("redaktor_nordland", "analytiker", "henviser"):
        assert api(lag_bruker(rolle)).post(API_URL, data, format="json").status_code == 403
    assert not Organisasjon.objects.filter(navn="Uautorisert AS").exists()
    assert not Avtale.objects.filter(leverandor__navn="Uautorisert AS").exists()
