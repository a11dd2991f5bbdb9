"""Issue 17: a coordinator registers the mottak block (edit page and API), it goes through the
one editing service and its history, and the tilbud page and API show it to GPs."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tilbud.models import Organisasjon, Tilbud
from tilbud.services.redigering import forslag_godkjenn

from .conftest import klient, lag_bruker
from .test_redigering import rediger_url, skjemadata

URL = "/api/v1/tilbud/{}/"


def api(bruker: Any = None) -> APIClient:
    c = APIClient()
    if bruker is not None:
        c.force_authenticate(bruker)
    return c


def rve_hn() -> Organisasjon:
    return Organisasjon.objects.create(
        navn="Regional vurderingsenhet Helse Nord (test)",
        type=Organisasjon.Type.VURDERINGSENHET,
        rhf=Organisasjon.objects.get(kode="HN"),
    )


@pytest.mark.django_db
def test_unregistered_block_reads_ikke_registrert(bodo) -> None:
    data = api().get(URL.format(bodo.pk)).json()["mottak"]
    assert data == {
        "her_id": None,
        "her_navn": "",
        "overordnet_her_id": None,
        "elektronisk_adresse": None,
        "vurderes_av": None,
        "meldinger": [],
        "ar_kontrollert": None,
    }
    side = klient().get(f"/tilbud/{bodo.pk}/").content.decode()
    assert "Elektronisk adresse" in side and "ikke registrert" in side


@pytest.mark.django_db
def test_coordinator_registers_the_block_on_the_edit_page(bodo, koordinator_hn) -> None:
    enhet = rve_hn()
    c = klient(koordinator_hn)
    side = c.get(rediger_url(bodo))
    assert "Elektronisk mottak (Adresseregisteret)" in side.content.decode()
    data = skjemadata(
        side,
        her_id="8765432",
        her_navn="Nordlandssykehuset HelseIArbeid",
        overordnet_her_id="123456",
        vurderes_av="rve",
        vurderingsenhet=str(enhet.pk),
        meldinger=["henvisning-1.1", "henvisning-2.0"],
        ar_kontrollert="2026-12-01",
        grunn="Slått opp i Adresseregisteret",
    )
    svar = c.post(rediger_url(bodo), data)
    assert svar.status_code == 302, svar.context["form"].errors
    naa = Tilbud.objects.get(pk=bodo.pk)
    assert (naa.her_id, naa.overordnet_her_id, naa.vurderingsenhet) == (8765432, 123456, enhet)
    assert naa.meldinger == ["henvisning-1.1", "henvisning-2.0"]
    assert naa.ar_kontrollert == datetime.date(2026, 12, 1)
    assert naa.versjon == bodo.versjon + 1
    if settings.HISTORIKK_AKTIV:
        hendelse = Tilbud.pgh_event_model.objects.filter(pgh_obj_id=bodo.pk).order_by("-pgh_id")[0]
        assert hendelse.her_id == 8765432
    # The GP sees the electronic address in «Slik henviser du».
    side = klient().get(f"/tilbud/{bodo.pk}/").content.decode()
    assert "Nordlandssykehuset HelseIArbeid (HER-id 8765432)" in side
    assert "Henvisning 1.1, Henvisning 2.0" in side
    assert "01.12.2026" in side
    # The edit page opens again with the same values, and saving it unchanged changes nothing.
    igjen = c.get(rediger_url(bodo))
    c.post(rediger_url(bodo), skjemadata(igjen))
    assert Tilbud.objects.get(pk=bodo.pk).versjon == naa.versjon


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endre", "felt"),
    [
        ({"her_id": "0"}, "her_id"),
        ({"her_id": "1234567890"}, "her_id"),
        ({"her_id": "abc"}, "her_id"),
        ({"vurderes_av": "rve"}, "vurderingsenhet"),
        ({"her_navn": "Uten id"}, None),
    ],
)
def test_bad_block_is_a_form_error_and_nothing_is_saved(bodo, koordinator_hn, endre, felt) -> None:
    c = klient(koordinator_hn)
    svar = c.post(rediger_url(bodo), skjemadata(c.get(rediger_url(bodo)), **endre))
    assert svar.status_code in (200, 400)
    feil = svar.context["form"].errors
    assert feil
    if felt:
        assert felt in feil
    assert Tilbud.objects.get(pk=bodo.pk).versjon == bodo.versjon


@pytest.mark.django_db
def test_coordinator_writes_the_block_through_the_api(bodo, koordinator_hn) -> None:
    enhet = rve_hn()
    c = api(koordinator_hn)
    etag = c.get(URL.format(bodo.pk))["ETag"]
    svar = c.patch(
        URL.format(bodo.pk),
        {
            "her_id": 8765432,
            "her_navn": "HelseIArbeid Bodø",
            "vurderes_av": "rve",
            "vurderingsenhet": enhet.pk,
            "meldinger": ["henvisning-2.0", "dialogmelding-1.1"],
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert svar.status_code == 200, svar.json()
    mottak = svar.json()["mottak"]
    assert mottak["elektronisk_adresse"] == "HelseIArbeid Bodø (HER-id 8765432)"
    assert mottak["vurderes_av"]["kode"] == "rve"
    assert mottak["vurderes_av"]["enhet"] == {"id": enhet.pk, "navn": enhet.navn}
    assert [m["navn"] for m in mottak["meldinger"]] == ["Henvisning 2.0", "Dialogmelding 1.1"]
    assert mottak["meldinger"][0]["navnerom"] == "http://ehelse.no/xmlstds/henvisning/2017-11-30"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endring", "felt"),
    [
        ({"her_id": -1}, "her_id"),
        ({"her_id": 10**10}, "her_id"),
        ({"meldinger": ["henvisning-9.9"]}, "meldinger"),
        ({"meldinger": ["henvisning-2.0", "henvisning-2.0"]}, "meldinger"),
        ({"vurderes_av": "tilbyder", "vurderingsenhet": None}, "vurderingsenhet"),
    ],
)
def test_bad_block_in_the_api_is_a_400_with_the_field(bodo, koordinator_hn, endring, felt) -> None:
    c = api(koordinator_hn)
    etag = c.get(URL.format(bodo.pk))["ETag"]
    svar = c.patch(URL.format(bodo.pk), endring, format="json", HTTP_IF_MATCH=etag)
    assert svar.status_code == 400
    assert felt in svar.json(), svar.json()
    assert Tilbud.objects.get(pk=bodo.pk).versjon == bodo.versjon


@pytest.mark.django_db
def test_an_editors_block_is_a_proposal_the_coordinator_approves(bodo, koordinator_hn) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    c = api(redaktor)
    etag = c.get(URL.format(bodo.pk))["ETag"]
    svar = c.patch(
        URL.format(bodo.pk),
        {"her_id": 5555555, "vurderes_av": "tilbyder", "vurderingsenhet": bodo.organisasjon_id},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert svar.status_code == 202, svar.json()
    assert Tilbud.objects.get(pk=bodo.pk).her_id is None  # not before the coordinator says so
    forslag_godkjenn(bruker=koordinator_hn, forslag_id=svar.json()["forslag"], versjon=bodo.versjon)
    naa = Tilbud.objects.get(pk=bodo.pk)
    assert (naa.her_id, naa.vurderes_av, naa.vurderingsenhet_id) == (
        5555555,
        "tilbyder",
        bodo.organisasjon_id,
    )
