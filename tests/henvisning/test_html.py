"""The HTML pages: «Henvis pasienten» on the tilbud page, who may refer, drafts, the inbox with
the overdue worklist and the assessment form."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from henvisning.models import Henvisning
from henvisning.rules import henvisertype_godtas
from tests.factories import TilbudFactory, bruker_med_rolle
from tests.henvisning.conftest import komplett

pytestmark = pytest.mark.django_db


def skjema(**endre) -> dict:
    data = {**komplett(), "diagnosekoder": "L86, F41.1", "sykmeldt": "ja", "send": "1"}
    data.update(endre)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("henvisertype", "henvisere", "godtas"),
    [
        ("fastlege", ["fastlege (rettighetsvurdert av RKE)"], True),
        ("sykehuslege", ["fastlege"], True),  # doctors: always
        ("nav", ["NAV"], True),
        ("nav", ["fastlege", "spesialister i sykehus (ikke navngitt)"], False),
        ("nav", [], True),  # unknown: lenient
        ("bedriftslege", ["fastlege", "bedriftshelsetjeneste"], True),
        ("kiropraktor", ["fastlege", "psykolog", "manuellterapeut"], True),
        ("kiropraktor", ["fastlege"], False),
    ],
)
def test_hvem_kan_henvise(henvisertype: str, henvisere: list[str], godtas: bool) -> None:
    assert henvisertype_godtas(henvisertype, henvisere) is godtas


def test_henvis_pasienten_vises_for_henvisere_som_tilbudet_godtar(client, tilbud, sender) -> None:
    url = f"/tilbud/{tilbud.pk}/"
    assert "Henvis pasienten" not in client.get(url).content.decode()
    client.force_login(sender)
    side = client.get(url).content.decode()
    assert f'href="/henvisninger/ny/{tilbud.pk}/"' in side
    nav = bruker_med_rolle("henviser", henvisertype="nav")
    bare_leger = TilbudFactory(henvisere=["fastlege"])
    client.force_login(nav)
    assert "Henvis pasienten" not in client.get(f"/tilbud/{bare_leger.pk}/").content.decode()
    assert client.get(f"/henvisninger/ny/{bare_leger.pk}/").status_code == 404


def test_utkast_lagres_og_sendes_senere(client, sender, tilbud) -> None:
    client.force_login(sender)
    side = client.get(f"/henvisninger/ny/{tilbud.pk}/").content.decode()
    assert "Henvisningen sendes til Testklinikken AS" in side
    assert 'type="checkbox" name="sjekkliste" value="Funksjonsnivå i arbeid"' in side
    assert "vurderes av et tverrfaglig team" in side  # the catalogue's text about referrals
    svar = client.post(f"/henvisninger/ny/{tilbud.pk}/", {"navn": "Kari Utkast", "lagre": "1"})
    h = Henvisning.objects.get()
    assert svar.status_code == 302 and svar["Location"] == f"/henvisninger/{h.pk}/endre/"
    assert h.status == "utkast" and h.navn == "Kari Utkast"
    svar = client.post(f"/henvisninger/{h.pk}/endre/", skjema(samtykke=None))
    assert svar.status_code == 400 and "må ha samtykket" in svar.content.decode()
    svar = client.post(
        f"/henvisninger/{h.pk}/endre/", skjema(sjekkliste="Punkt som ikke finnes", samtykke="on")
    )
    assert svar.status_code == 400 and "gyldig valg" in svar.content.decode()
    svar = client.post(
        f"/henvisninger/{h.pk}/endre/", skjema(sjekkliste="Funksjonsnivå i arbeid", samtykke="on")
    )
    assert svar.status_code == 302
    h.refresh_from_db()
    assert h.status == "sendt" and h.sjekkliste == [
        {"punkt": "Funksjonsnivå i arbeid", "avkrysset": True},
        {"punkt": "Tidligere behandling", "avkrysset": False},
    ]
    assert [k["kode"] for k in h.diagnosekoder] == ["L86", "F411"]
    assert "Sendt" in client.get("/henvisninger/").content.decode()


def test_feltfeil_i_skjemaet(client, sender, tilbud) -> None:
    client.force_login(sender)
    morgen = (timezone.localdate() + timedelta(days=1)).isoformat()
    svar = client.post(
        f"/henvisninger/ny/{tilbud.pk}/",
        skjema(fodselsnummer="12345678901", diagnosekoder="W9Z", sykmeldt_fra=morgen),
    )
    tekst = svar.content.decode()
    assert svar.status_code == 400
    assert "Ugyldig fødselsnummer" in tekst and "Ukjent diagnosekode: W9Z" in tekst
    assert "fremtiden" in tekst and not Henvisning.objects.exists()


def test_mottaker_vurderer_fra_innboksen(client, sender, mottaker, tilbud) -> None:
    client.force_login(sender)
    client.post(f"/henvisninger/ny/{tilbud.pk}/", skjema(samtykke="on"))
    h = Henvisning.objects.get()
    Henvisning.objects.filter(pk=h.pk).update(vurderingsfrist=date(2020, 1, 2))
    client.force_login(mottaker)
    innboks = client.get("/henvisninger/innboks/").content.decode()
    assert innboks.count(f'href="/henvisninger/{h.pk}/"') == 2  # overdue list and all
    assert client.post(f"/henvisninger/{h.pk}/motta/").status_code == 302
    side = client.get(f"/henvisninger/{h.pk}/").content.decode()
    assert "Rettighetsvurdering" in side and "Ola Testpasient" in side
    frist = timezone.localdate() + timedelta(days=40)
    svar = client.post(f"/henvisninger/{h.pk}/vurder/", {"utfall": "rett", "frist": frist})
    assert svar.status_code == 302
    client.force_login(sender)
    side = client.get(f"/henvisninger/{h.pk}/").content.decode()
    assert "Rett til helsehjelp" in side and frist.strftime("%d.%m.%Y") in side
    assert client.post(f"/henvisninger/{h.pk}/ukjent-handling/").status_code == 404


def test_mottaker_velger_tilbud_a_videresende_til(client, sender, mottaker, tilbud) -> None:
    client.force_login(sender)
    client.post(f"/henvisninger/ny/{tilbud.pk}/", skjema(samtykke="on"))
    h = Henvisning.objects.get()
    stengt = TilbudFactory(navn="Stengt tilbud", tar_imot_henvisninger=False)
    client.force_login(mottaker)
    client.post(f"/henvisninger/{h.pk}/motta/")
    side = client.get(f"/henvisninger/{h.pk}/").content.decode()
    # A <select> grouped by region, the referral's own region (Helse Nord) first.
    assert '<select name="videresendt_til"' in side
    assert side.index('<optgroup label="Helse Nord') < side.index(
        "<optgroup label=", side.index('<optgroup label="Helse Nord') + 1
    )
    assert f'value="{tilbud.pk}"' not in side and f'value="{stengt.pk}"' not in side
    # Posting a tilbud that is not offered is refused with a field error, and nothing changes.
    for galt in (tilbud.pk, stengt.pk):
        svar = client.post(
            f"/henvisninger/{h.pk}/vurder/", {"utfall": "videresendt", "videresendt_til": galt}
        )
        assert svar.status_code == 400 and "gyldig valg" in svar.content.decode()
    annet = TilbudFactory(navn="Mottakende tilbud")
    svar = client.post(
        f"/henvisninger/{h.pk}/vurder/", {"utfall": "videresendt", "videresendt_til": annet.pk}
    )
    assert svar.status_code == 302
    h.refresh_from_db()
    assert h.utfall == "videresendt" and h.videresendt_til == annet
    assert "Videresendt til" in client.get(f"/henvisninger/{h.pk}/").content.decode()


def test_koordinatoren_redigerer_sjekklisten_fastlegen_krysser_av(
    client, koordinator, sender, mottaker, tilbud
) -> None:
    url = f"/henvisninger/sjekkliste/{tilbud.pk}/"
    client.force_login(koordinator)
    assert f'href="{url}"' in client.get(f"/tilbud/{tilbud.pk}/").content.decode()
    side = client.get(url).content.decode()
    assert "Funksjonsnivå i arbeid\nTidligere behandling" in side
    for_mange = "\n".join(f"Punkt {i}" for i in range(21))
    svar = client.post(url, {"punkter": for_mange})
    assert svar.status_code == 400 and "Høyst 20 punkter" in svar.content.decode()
    svar = client.post(
        url, {"punkter": " Sykmeldingsgrad  og varighet \n\nArbeidsgiver kontaktet\n"}
    )
    assert svar.status_code == 302 and svar["Location"] == f"/tilbud/{tilbud.pk}/"
    tilbud.henvisning_sjekkliste.refresh_from_db()
    assert tilbud.henvisning_sjekkliste.punkter == [
        "Sykmeldingsgrad og varighet",
        "Arbeidsgiver kontaktet",
    ]
    assert tilbud.henvisning_sjekkliste.endret_av == koordinator
    # The GP sees the new points as checkboxes; an unticked point is shown to the receiver.
    client.force_login(sender)
    assert client.get(url).status_code == 403
    assert (
        'value="Arbeidsgiver kontaktet"'
        in client.get(f"/henvisninger/ny/{tilbud.pk}/").content.decode()
    )
    client.post(
        f"/henvisninger/ny/{tilbud.pk}/", skjema(samtykke="on", sjekkliste="Arbeidsgiver kontaktet")
    )
    h = Henvisning.objects.get()
    client.force_login(mottaker)
    side = client.get(f"/henvisninger/{h.pk}/").content.decode()
    assert "Arbeidsgiver kontaktet: krysset av" in side
    assert "Sykmeldingsgrad og varighet: <strong>ikke krysset av</strong>" in side
