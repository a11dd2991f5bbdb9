"""Nothing is stored until the referral validates or the GP presses «Lagre utkast», and an empty
draft («Pasient ()») cannot exist: in the form, the API, the service, the table and the data
migration that removed the old ones. Also: the form opens with the search's diagnosis."""

import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from henvisning.livssyklus import Part
from henvisning.models import Henvisning, Statusendring, Tilgangslogg
from henvisning.services import TOMT_UTKAST, henvisning_oppdater, henvisning_opprett
from tests.henvisning.conftest import komplett
from tilbud.models import Organisasjon

pytestmark = pytest.mark.django_db


def skjema(**endre) -> dict:
    data = {**komplett(), "diagnosekoder": "L86", "sykmeldt": "ja", "samtykke": "on"}
    data.update(endre)
    return {k: v for k, v in data.items() if v is not None}


# --------------------------------------------------------------------------- the form


def test_send_uten_noe_utfylt_lagrer_ingenting(client, sender, tilbud) -> None:
    client.force_login(sender)
    svar = client.post(f"/henvisninger/ny/{tilbud.pk}/", {"send": "1"})
    tekst = svar.content.decode()
    assert svar.status_code == 400
    assert "Fødselsnummer eller D-nummer må fylles ut" in tekst
    assert "Oppgi minst én diagnosekode" in tekst
    assert "ingenting er lagret" in tekst
    assert not Henvisning.objects.exists() and not Statusendring.objects.exists()
    assert "Pasient ()" not in client.get("/henvisninger/").content.decode()


def test_send_med_mangler_lagrer_ingenting_men_sier_alt_som_mangler(client, sender, tilbud) -> None:
    client.force_login(sender)
    svar = client.post(
        f"/henvisninger/ny/{tilbud.pk}/",
        {"navn": "Kari Halvferdig", "fodselsnummer": "12345678901", "send": "1"},
    )
    tekst = svar.content.decode()
    assert svar.status_code == 400
    # A field in a bad shape says so; the missing ones are listed at the same time.
    assert "Ugyldig fødselsnummer" in tekst and "Skriv spørsmålet til spesialisten" in tekst
    assert "må ha samtykket" in tekst
    assert not Henvisning.objects.exists()
    # What the GP typed is still in the form.
    assert 'value="Kari Halvferdig"' in tekst


def test_lagre_utkast_lagrer_det_som_er_skrevet(client, sender, tilbud) -> None:
    client.force_login(sender)
    svar = client.post(
        f"/henvisninger/ny/{tilbud.pk}/", {"sporsmal": "Hva mener dere?", "lagre": "1"}
    )
    h = Henvisning.objects.get()
    assert svar.status_code == 302 and h.status == "utkast" and h.sporsmal == "Hva mener dere?"


def test_lagre_tomt_utkast_nektes(client, sender, tilbud) -> None:
    client.force_login(sender)
    # Consent and a sick-leave answer alone are no draft worth keeping.
    svar = client.post(
        f"/henvisninger/ny/{tilbud.pk}/", {"samtykke": "on", "sykmeldt": "nei", "lagre": "1"}
    )
    assert svar.status_code == 400 and TOMT_UTKAST in svar.content.decode()
    assert not Henvisning.objects.exists()


def test_send_fra_utkast_med_mangler_lagrer_ikke_endringene(client, sender, tilbud) -> None:
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data={"navn": "Kari Først"})
    client.force_login(sender)
    svar = client.post(f"/henvisninger/{h.pk}/endre/", {"navn": "Kari Endret", "send": "1"})
    assert svar.status_code == 400 and "ingenting er lagret" in svar.content.decode()
    h.refresh_from_db()
    assert h.navn == "Kari Først" and h.status == "utkast"
    svar = client.post(f"/henvisninger/{h.pk}/endre/", skjema(send="1"))
    assert svar.status_code == 302
    h.refresh_from_db()
    assert h.status == "sendt" and h.navn == "Ola Testpasient"


def test_send_komplett_fra_skjemaet_lagrer_og_sender(client, sender, tilbud) -> None:
    client.force_login(sender)
    svar = client.post(f"/henvisninger/ny/{tilbud.pk}/", skjema(send="1"))
    h = Henvisning.objects.get()
    assert svar.status_code == 302 and svar["Location"] == f"/henvisninger/{h.pk}/"
    assert h.status == "sendt"
    assert list(h.statusendringer.values_list("til_status", flat=True)) == ["utkast", "sendt"]


# --------------------------------------------------------------------------- service, API, table


@pytest.mark.parametrize(
    "data",
    [{}, {"samtykke": True, "sykmeldt": True, "sykmelding_prosent": 50}, {"navn": "   "}],
    ids=["ingenting", "bare-klikk", "bare-mellomrom"],
)
def test_tjenesten_nekter_tomt_utkast(sender, tilbud, data) -> None:
    with pytest.raises(ValidationError) as feil:
        henvisning_opprett(sender=sender, tilbud=tilbud, data=data)
    assert feil.value.messages == [TOMT_UTKAST]
    assert not Henvisning.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"fodselsnummer": "15108695088"},
        {"navn": "Kari"},
        {"diagnosekoder": ["L86"]},
        {"sporsmal": "?"},
        {"arbeidssituasjon": "Snekker"},
        {"arbeidsgiverkontakt": "Ja"},
        {"nav_kontakt": "Nei"},
    ],
    ids=lambda d: next(iter(d)),
)
def test_ett_felt_med_innhold_er_nok(sender, tilbud, data) -> None:
    assert henvisning_opprett(sender=sender, tilbud=tilbud, data=data).status == "utkast"


def test_et_utkast_kan_ikke_tommes(sender, tilbud) -> None:
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data={"navn": "Kari"})
    with pytest.raises(ValidationError, match="Et utkast må ha"):
        henvisning_oppdater(henvisning=h, bruker=sender, part=Part.SENDER, data={"navn": ""})
    h.refresh_from_db()
    assert h.navn == "Kari"


def test_api_nekter_tomt_utkast(client, sender, tilbud) -> None:
    client.force_login(sender)
    svar = client.post(
        "/api/v1/henvisninger/", {"tilbud": tilbud.pk}, content_type="application/json"
    )
    assert svar.status_code == 400 and TOMT_UTKAST in str(svar.json())
    assert not Henvisning.objects.exists()
    svar = client.post(
        "/api/v1/henvisninger/",
        {"tilbud": tilbud.pk, "navn": "Kari"},
        content_type="application/json",
    )
    assert svar.status_code == 201
    svar = client.patch(
        f"/api/v1/henvisninger/{svar.json()['id']}/", {"navn": ""}, content_type="application/json"
    )
    assert svar.status_code == 400 and TOMT_UTKAST in str(svar.json())


def _tom_rad(tilbud, sender, **endre) -> Henvisning:
    felt = {
        "tilbud": tilbud,
        "sender": sender,
        "henvisertype": "fastlege",
        "mottaker": tilbud.organisasjon,
        "rhf": tilbud.rhf,
        **endre,
    }
    with transaction.atomic():
        return Henvisning.objects.create(**felt)


def test_tabellen_nekter_tomt_utkast(sender, tilbud) -> None:
    with pytest.raises(IntegrityError):
        _tom_rad(tilbud, sender)
    # The deletion job's emptied drafts and a sent referral are not drafts with nothing in them.
    _tom_rad(tilbud, sender, personopplysninger_slettet=timezone.now())
    _tom_rad(tilbud, sender, status="sendt", samtykke=True)
    _tom_rad(tilbud, sender, navn_kryptert="x")
    assert Henvisning.objects.count() == 3


# --------------------------------------------------------------------------- the data migration


@pytest.fixture
def katalog_etter_flush(transactional_db) -> None:
    # Transactional tests run last and each ends with a flush: the one before may have left an
    # empty database behind.
    if not Organisasjon.objects.filter(kode="HN").exists():
        call_command("importer_katalog", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_migreringen_fjerner_tomme_utkast_og_bare_dem(katalog_etter_flush, sender, tilbud) -> None:
    from django.db.migrations.executor import MigrationExecutor

    beholdt = henvisning_opprett(sender=sender, tilbud=tilbud, data={"navn": "Kari Utkast"})
    executor = MigrationExecutor(connection)
    siste = executor.loader.graph.leaf_nodes("henvisning")
    executor.migrate([("henvisning", "0005_nokkelsjekk_hmac")])
    gamle = executor.loader.project_state([("henvisning", "0005_nokkelsjekk_hmac")]).apps
    GammelHenvisning = gamle.get_model("henvisning", "Henvisning")
    felles = {
        "tilbud_id": tilbud.pk,
        "sender_id": sender.pk,
        "henvisertype": "fastlege",
        "mottaker_id": tilbud.organisasjon_id,
        "rhf_id": tilbud.rhf_id,
    }
    # The old form's «Pasient ()»: consent ticked, nothing else; opened once (access log).
    tom = GammelHenvisning.objects.create(**felles, samtykke=True, sykmeldt=False)
    gamle.get_model("henvisning", "Statusendring").objects.create(
        henvisning=tom, til_status="utkast", utfort_av_id=sender.pk
    )
    gamle.get_model("henvisning", "Tilgangslogg").objects.create(
        henvisning=tom, bruker_id=sender.pk, rolle="sender", handling="endre"
    )
    slettet = GammelHenvisning.objects.create(**felles, personopplysninger_slettet=timezone.now())
    sendt = GammelHenvisning.objects.create(**felles, status="sendt", samtykke=True)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(siste)
    igjen = set(Henvisning.objects.values_list("pk", flat=True))
    assert igjen == {beholdt.pk, slettet.pk, sendt.pk}
    assert not Statusendring.objects.filter(henvisning_id=tom.pk).exists()
    assert not Tilgangslogg.objects.filter(henvisning_id=tom.pk).exists()
    # The catalogue is gone with the flush of this transactional test; put it back for others.
    call_command("importer_katalog", stdout=StringIO())


# --------------------------------------------------------------------------- prefill from search


def test_skjemaet_apnes_med_diagnosen_fra_soket(client, sender, tilbud) -> None:
    client.force_login(sender)
    side = client.get(f"/tilbud/{tilbud.pk}/?diagnose=Z73.0").content.decode()
    assert f'href="/henvisninger/ny/{tilbud.pk}/?diagnose=Z73.0"' in side
    svar = client.get(f"/henvisninger/ny/{tilbud.pk}/?diagnose=Z73.0")
    assert svar.status_code == 200
    assert 'value="Z73.0"' in svar.content.decode()
    assert not Henvisning.objects.exists()  # opening the form stores nothing


def test_ukjent_diagnose_fra_soket_ignoreres_med_melding(client, sender, tilbud) -> None:
    client.force_login(sender)
    svar = client.get(
        f"/henvisninger/ny/{tilbud.pk}/?diagnose=L86,W9Z&diagnose=utbrent&diagnose=%3Cb%3E"
    )
    tekst = svar.content.decode()
    assert svar.status_code == 200
    assert 'value="L86"' in tekst
    assert "ikke fylt inn (ukjent diagnosekode): W9Z, utbrent, &lt;b&gt;" in tekst
    assert not Henvisning.objects.exists()


def test_resultatkortet_tar_med_diagnosen_til_tilbudssiden(client) -> None:
    side = client.get("/?diagnose=L86").content.decode()
    # The diagnosis for the referral form, and the search for «Til søket».
    assert re.search(r'<a href="/tilbud/\d+/\?diagnose=L86&amp;sok=diagnose%3DL86">', side)
    assert not re.search(r'<a href="/tilbud/\d+/">', client.get("/?diagnose=L86").content.decode())
