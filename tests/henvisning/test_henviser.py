"""Who referred: the henviser role carries HPR-nummer, practice and phone (validated, only on
henviser roles), and the receiving unit sees them on the inbox, the referral and in the API;
nobody else does. The status history is written in words."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from henvisning.livssyklus import Handling, Part, Utfall
from henvisning.services import Vurdering, henvisning_opprett, henvisning_overgang
from tests.factories import bruker_med_rolle
from tests.henvisning.conftest import komplett
from tilbud.models import Organisasjon, Rolle
from tilbud.models.tilgang import validate_hpr_nummer, validate_telefon

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("hpr", ["9123456", "12345678", "123456789", "09123456", "00123456789"])
def test_gyldige_hpr_nummer(hpr) -> None:
    validate_hpr_nummer(hpr)


@pytest.mark.parametrize(
    "hpr", ["123456", "1234567890", "12a4567", "1234-567", "0000000", "+1234567"]
)
def test_ugyldige_hpr_nummer(hpr) -> None:
    with pytest.raises(ValidationError, match="ikke et gyldig HPR-nummer"):
        validate_hpr_nummer(hpr)


@pytest.mark.parametrize("nr", ["71234567", "+47 712 34 567", "712-34-567"])
def test_gyldige_telefonnummer(nr) -> None:
    validate_telefon(nr)


@pytest.mark.parametrize("nr", ["1234", "ring meg", "712345678901234567"])
def test_ugyldige_telefonnummer(nr) -> None:
    with pytest.raises(ValidationError, match="ikke et telefonnummer"):
        validate_telefon(nr)


def _henviserrolle(**felt) -> Rolle:
    bruker = bruker_med_rolle("analytiker")
    return Rolle(bruker=bruker, type="henviser", henvisertype="fastlege", **felt)


def test_rollen_krever_hpr_for_helsepersonell_men_ikke_for_nav() -> None:
    with pytest.raises(ValidationError) as feil:
        _henviserrolle().full_clean()
    assert "hpr_nummer" in feil.value.message_dict
    with pytest.raises(ValidationError) as feil:
        _henviserrolle(hpr_nummer="12x").full_clean()
    assert "ikke et gyldig HPR-nummer" in str(feil.value)
    rolle = _henviserrolle(
        hpr_nummer="0912 3456", praksis="Ålesund legesenter", telefon="70 12 34 56"
    )
    rolle.full_clean()
    assert rolle.hpr_nummer == "9123456"
    nav = _henviserrolle()
    nav.henvisertype = "nav"
    nav.full_clean()


def test_bare_henviserroller_har_hpr_praksis_og_telefon(koordinator) -> None:
    rolle = koordinator.roller.get()
    rolle.hpr_nummer, rolle.telefon = "9123456", "71234567"
    with pytest.raises(ValidationError) as feil:
        rolle.full_clean()
    assert {"hpr_nummer", "telefon"} <= set(feil.value.message_dict)
    # And the table refuses it when the form is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        Rolle.objects.filter(pk=rolle.pk).update(praksis="Legekontoret")


def test_admin_redigerer_hpr_og_avviser_feil(admin_client, sender) -> None:
    rolle = sender.roller.get()
    url = f"/admin/tilbud/rolle/{rolle.pk}/change/"
    data = {
        "bruker": sender.pk,
        "type": "henviser",
        "henvisertype": "fastlege",
        "hpr_nummer": "12345",
        "praksis": "Bodø legesenter",
        "telefon": "75 12 34 56",
    }
    svar = admin_client.post(url, data)
    assert svar.status_code == 200 and "ikke et gyldig HPR-nummer" in svar.content.decode()
    svar = admin_client.post(url, {**data, "hpr_nummer": "9123456"})
    assert svar.status_code == 302
    rolle.refresh_from_db()
    assert (rolle.hpr_nummer, rolle.praksis, rolle.telefon) == (
        "9123456",
        "Bodø legesenter",
        "75 12 34 56",
    )


# --------------------------------------------------------------------------- the receiver sees


@pytest.fixture
def lege(sender):
    sender.first_name, sender.last_name = "Kari", "Lege"
    sender.save()
    sender.roller.update(hpr_nummer="9123456", praksis="Bodø legesenter", telefon="75 12 34 56")
    return sender


@pytest.fixture
def sendt(lege, tilbud):
    h = henvisning_opprett(sender=lege, tilbud=tilbud, data=komplett())
    return henvisning_overgang(henvisning=h, bruker=lege, part=Part.SENDER, handling=Handling.SEND)


def test_mottakeren_ser_hvem_som_henviste(client, mottaker, sendt) -> None:
    client.force_login(mottaker)
    innboks = client.get("/henvisninger/innboks/").content.decode()
    assert "Kari Lege" in innboks and "HPR 9123456" in innboks
    side = client.get(f"/henvisninger/{sendt.pk}/").content.decode()
    assert "Kari Lege, HPR-nummer 9123456" in side
    assert "Bodø legesenter" in side and 'href="tel:75123456"' in side
    api = client.get(f"/api/v1/henvisninger/{sendt.pk}/").json()
    assert api["henviser"] == {
        "navn": "Kari Lege",
        "hpr_nummer": "9123456",
        "praksis": "Bodø legesenter",
        "telefon": "75 12 34 56",
        "henvisertype": "fastlege",
    }
    liste = client.get("/api/v1/henvisninger/?rolle=innboks").json()["results"]
    assert liste[0]["henviser"]["hpr_nummer"] == "9123456"


def test_ingen_andre_ser_henviseren(client, annen_lege, koordinator, analytiker, sendt) -> None:
    annen_mottaker = bruker_med_rolle(
        "mottaker", organisasjon=Organisasjon.objects.get(kode="HN").navn
    )
    for bruker in (annen_lege, annen_mottaker, koordinator, analytiker):
        client.force_login(bruker)
        assert client.get(f"/henvisninger/{sendt.pk}/").status_code == 404
        assert client.get(f"/api/v1/henvisninger/{sendt.pk}/").status_code in {403, 404}
        assert "9123456" not in client.get("/henvisninger/innboks/").content.decode()
        assert "9123456" not in client.get("/api/v1/henvisninger/").content.decode()
    client.logout()
    assert "9123456" not in client.get(f"/henvisninger/{sendt.pk}/").content.decode()


def test_innboksen_med_henvisere_har_faste_sporringer(
    client, mottaker, lege, tilbud, django_assert_max_num_queries
) -> None:
    def send(sender):
        h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
        henvisning_overgang(henvisning=h, bruker=sender, part=Part.SENDER, handling=Handling.SEND)

    send(lege)
    client.force_login(mottaker)
    client.get("/henvisninger/innboks/")
    with CaptureQueriesContext(connection) as en:
        client.get("/henvisninger/innboks/")
    for _ in range(4):
        annen = bruker_med_rolle("henviser", henvisertype="fastlege")
        Rolle.objects.filter(bruker=annen).update(hpr_nummer="1234567")
        send(annen)
    with django_assert_max_num_queries(len(en.captured_queries)):
        side = client.get("/henvisninger/innboks/").content.decode()
    assert side.count("HPR 1234567") == 4


# --------------------------------------------------------------------------- history in words


def test_historikken_med_ord(client, lege, mottaker, sendt) -> None:
    henvisning_overgang(
        henvisning=sendt, bruker=mottaker, part=Part.MOTTAKER, handling=Handling.MOTTA
    )
    mottaker.first_name, mottaker.last_name = "Per", "Inntak"
    mottaker.save()
    frist = timezone.localdate() + timedelta(days=30)
    henvisning_overgang(
        henvisning=sendt,
        bruker=mottaker,
        part=Part.MOTTAKER,
        handling=Handling.VURDER,
        vurdering=Vurdering(utfall=Utfall.RETT, frist=frist),
    )
    dato = timezone.localdate().strftime("%d.%m.%Y")
    client.force_login(lege)
    side = client.get(f"/henvisninger/{sendt.pk}/").content.decode()
    for linje in (
        f"Utkast laget {dato} av Kari Lege",
        f"Sendt {dato} av Kari Lege",
        f"Mottatt {dato} av Per Inntak",
        f"Vurdert: rett til helsehjelp {dato} av Per Inntak",
    ):
        assert linje in side
    assert "→" not in side.split('id="logg"')[1]
    logg = client.get(f"/api/v1/henvisninger/{sendt.pk}/").json()["statuslogg"]
    assert logg[1]["tekst"] == f"Sendt {dato} av Kari Lege" and logg[1]["til"] == "sendt"


def test_utskrift_bare_av_sendte_henvisninger(client, lege, tilbud, sendt) -> None:
    utkast = henvisning_opprett(sender=lege, tilbud=tilbud, data={"navn": "Kari Utkast"})
    client.force_login(lege)
    svar = client.get(f"/henvisninger/{utkast.pk}/utskrift/")
    assert svar.status_code == 302 and svar["Location"] == f"/henvisninger/{utkast.pk}/"
    side = client.get(f"/henvisninger/{sendt.pk}/utskrift/").content.decode()
    assert "Ola Testpasient" in side and "Kari Lege, HPR-nummer 9123456" in side
    detalj = client.get(f"/henvisninger/{sendt.pk}/").content.decode()
    assert f'href="/henvisninger/{sendt.pk}/utskrift/"' in detalj
