"""The referral API end to end: drafts, sending, assessment, forespørsel, field errors, 409s,
the access log and the FHIR export (validated with fhir.resources' R4B models)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from henvisning import tasks
from henvisning.models import Henvisning, Tilgangslogg
from tests.factories import TilbudFactory
from tests.henvisning.conftest import DNR, FNR, SJEKKLISTE, komplett
from tilbud.models import Organisasjon

URL = "/api/v1/henvisninger/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def synkrone_varsler(monkeypatch) -> None:
    # Run the e-mail tasks in-process whatever the broker (eager or Redis).
    for task in (tasks.varsle_mottaker, tasks.varsle_sender):
        monkeypatch.setattr(task, "apply_async", lambda args, t=task, **_: t(*args))


def lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks, **endre) -> int:
    api.force_authenticate(sender)
    svar = api.post(URL, {"tilbud": tilbud.pk, **komplett(**endre)}, format="json")
    assert svar.status_code == 201, svar.json()
    pk = svar.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        svar = api.post(f"{URL}{pk}/send/")
    assert svar.status_code == 200, svar.json()
    return pk


def test_henvisningens_gang_fra_fastlege_til_vurdering(
    api, sender, mottaker, tilbud, django_capture_on_commit_callbacks
) -> None:
    pk = lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks)
    h = Henvisning.objects.get(pk=pk)
    assert h.mottaker == tilbud.organisasjon and h.status == "sendt"
    # The receiver is told by e-mail, with a link and nothing about the patient.
    assert [m.to for m in mail.outbox] == [["inntak@example.no"]]
    assert FNR not in mail.outbox[0].body and "Ola" not in mail.outbox[0].body
    assert "https://portal.test/henvisninger/innboks/" in mail.outbox[0].body

    api.force_authenticate(mottaker)
    innboks = api.get(URL, {"rolle": "innboks"}).json()
    assert [r["id"] for r in innboks["results"]] == [pk]
    assert "fodselsnummer" not in innboks["results"][0]
    assert api.post(f"{URL}{pk}/motta/").status_code == 200
    frist = timezone.localdate() + timedelta(days=60)
    with django_capture_on_commit_callbacks(execute=True):
        svar = api.post(
            f"{URL}{pk}/vurder/", {"utfall": "rett", "frist": frist.isoformat()}, format="json"
        )
    assert svar.status_code == 200, svar.json()
    assert svar.json()["status"] == "vurdert" and svar.json()["frist"] == frist.isoformat()
    assert mail.outbox[-1].to == ["fastlege@example.no"]
    assert f"https://portal.test/henvisninger/{pk}/" in mail.outbox[-1].body

    api.force_authenticate(sender)
    detalj = api.get(f"{URL}{pk}/").json()
    assert detalj["status"] == "vurdert" and detalj["utfall"] == "rett"
    assert detalj["fodselsnummer"] == FNR and detalj["din_rolle"] == "sender"
    assert [(s["fra"], s["til"]) for s in detalj["statuslogg"]] == [
        ("", "utkast"),
        ("utkast", "sendt"),
        ("sendt", "mottatt"),
        ("mottatt", "vurdert"),
    ]
    assert detalj["handlinger"] == ["trekk"]


def test_feltfeil_ved_ugyldig_inndata(api, sender, tilbud) -> None:
    api.force_authenticate(sender)
    svar = api.post(
        URL,
        {
            "tilbud": tilbud.pk,
            "fodselsnummer": "15108695077",
            "diagnosekoder": ["L86", "W9Z", "xyz"],
            "sykmeldt": True,
            "sykmeldt_fra": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert svar.status_code == 400
    feil = svar.json()
    assert set(feil) == {"fodselsnummer", "diagnosekoder", "sykmeldt_fra"}
    assert "W9Z" in feil["diagnosekoder"][0] and "xyz" in feil["diagnosekoder"][0]
    assert "15108695077" not in str(feil)
    assert api.post(URL, {"tilbud": tilbud.pk, "sykmelding_prosent": 120}).status_code == 400


def test_utkast_kan_lagres_ufullstendig_men_ikke_sendes_uten_samtykke(api, sender, tilbud) -> None:
    api.force_authenticate(sender)
    pk = api.post(URL, {"tilbud": tilbud.pk, "navn": "Kari"}, format="json").json()["id"]
    svar = api.patch(f"{URL}{pk}/", komplett(samtykke=False), format="json")
    assert svar.status_code == 200
    svar = api.post(f"{URL}{pk}/send/")
    assert svar.status_code == 400 and set(svar.json()) == {"samtykke"}
    assert api.patch(f"{URL}{pk}/", {"samtykke": True}, format="json").status_code == 200
    assert api.post(f"{URL}{pk}/send/").status_code == 200
    # A sent referral is no longer a draft.
    assert api.patch(f"{URL}{pk}/", {"navn": "X"}, format="json").status_code == 409


def test_d_nummer_godtas_og_krypteres(api, sender, tilbud) -> None:
    api.force_authenticate(sender)
    pk = api.post(URL, {"tilbud": tilbud.pk, **komplett(fodselsnummer=DNR)}, format="json").json()[
        "id"
    ]
    h = Henvisning.objects.get(pk=pk)
    assert DNR not in h.fodselsnummer_kryptert and h.fodselsnummer == DNR
    assert "Ola" not in h.navn_kryptert


def test_umulige_overganger_gir_409(
    api, sender, mottaker, tilbud, django_capture_on_commit_callbacks
) -> None:
    pk = lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks)
    assert api.post(f"{URL}{pk}/send/").status_code == 409
    assert api.post(f"{URL}{pk}/motta/").status_code == 409  # the sender cannot receive
    api.force_authenticate(mottaker)
    svar = api.post(f"{URL}{pk}/start/")
    assert svar.status_code == 409 and "ikke mulig" in svar.json()["detail"]
    assert api.post(f"{URL}{pk}/trekk/", {"begrunnelse": "x"}).status_code == 409


def test_vurdering_uten_frist_og_ikke_rett_uten_begrunnelse_gir_400(
    api, sender, mottaker, tilbud, django_capture_on_commit_callbacks
) -> None:
    pk = lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks)
    api.force_authenticate(mottaker)
    api.post(f"{URL}{pk}/motta/")
    svar = api.post(f"{URL}{pk}/vurder/", {"utfall": "rett"}, format="json")
    assert svar.status_code == 400 and "frist" in svar.json()
    svar = api.post(f"{URL}{pk}/vurder/", {"utfall": "ikke_rett"}, format="json")
    assert svar.status_code == 400 and "begrunnelse" in svar.json()
    svar = api.post(
        f"{URL}{pk}/vurder/", {"utfall": "ikke_rett", "begrunnelse": "Ikke i målgruppen."}
    )
    assert svar.status_code == 200 and svar.json()["handlinger"] == []


def test_avvisning_for_manglende_opplysninger_krever_foresporsel_som_fastlegen_svarer_pa(
    api, sender, mottaker, tilbud, django_capture_on_commit_callbacks
) -> None:
    pk = lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks)
    api.force_authenticate(mottaker)
    avvis = {"avvisningsgrunn": "mangler_opplysninger", "begrunnelse": "Mangler epikrise."}
    svar = api.post(f"{URL}{pk}/avvis/", avvis)
    assert svar.status_code == 400 and "avvisningsgrunn" in svar.json()
    with django_capture_on_commit_callbacks(execute=True):
        svar = api.post(f"{URL}{pk}/foresporsler/", {"sporsmal": "Send epikrisen."})
    assert svar.status_code == 201
    fid = svar.json()["id"]
    assert mail.outbox[-1].to == ["fastlege@example.no"]
    # Only the sender answers.
    assert api.post(f"{URL}{pk}/foresporsler/{fid}/svar/", {"svar": "x"}).status_code == 409
    api.force_authenticate(sender)
    svar = api.post(f"{URL}{pk}/foresporsler/{fid}/svar/", {"svar": "Epikrise ettersendt."})
    assert svar.status_code == 200
    api.force_authenticate(mottaker)
    assert api.post(f"{URL}{pk}/avvis/", avvis).json()["status"] == "avvist"


def test_videresending_lager_ny_henvisning_til_det_andre_tilbudet(
    api, sender, mottaker, tilbud, django_capture_on_commit_callbacks
) -> None:
    from tilbud.models import Tilbud

    annet = Tilbud.objects.filter(henvisning_til="regional").first()
    pk = lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks)
    api.force_authenticate(mottaker)
    api.post(f"{URL}{pk}/motta/")
    svar = api.post(f"{URL}{pk}/vurder/", {"utfall": "videresendt", "videresendt_til": annet.pk})
    assert svar.status_code == 200
    ny = Henvisning.objects.get(videresendt_fra_id=pk)
    assert ny.tilbud == annet and ny.mottaker == annet.rhf and ny.status == "sendt"
    assert ny.sender == sender and ny.fodselsnummer == FNR


def test_tilgangslogg_skrives_ved_hver_lesing(api, sender, mottaker, tilbud) -> None:
    api.force_authenticate(sender)
    pk = api.post(URL, {"tilbud": tilbud.pk, **komplett()}, format="json").json()["id"]
    api.post(f"{URL}{pk}/send/")
    for _ in range(3):
        api.get(f"{URL}{pk}/")
    api.get(f"{URL}{pk}/fhir/")
    api.force_authenticate(mottaker)
    api.get(f"{URL}{pk}/")
    logg = list(
        Tilgangslogg.objects.filter(henvisning_id=pk)
        .order_by("id")
        .values_list("bruker_id", "rolle", "handling")
    )
    assert logg == [
        (sender.pk, "sender", "api-send"),
        (sender.pk, "sender", "api"),
        (sender.pk, "sender", "api"),
        (sender.pk, "sender", "api"),
        (sender.pk, "sender", "fhir"),
        (mottaker.pk, "mottaker", "api"),
    ]


def test_forfalte_arbeidsliste_og_antall_per_enhet(
    api, sender, mottaker, koordinator, analytiker, tilbud, django_capture_on_commit_callbacks
) -> None:
    pk = lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks)
    Henvisning.objects.filter(pk=pk).update(vurderingsfrist=date(2020, 1, 2))
    api.force_authenticate(mottaker)
    assert [r["id"] for r in api.get(f"{URL}forfalte/").json()["results"]] == [pk]
    api.force_authenticate(koordinator)
    assert api.get(f"{URL}forfalte/").json()["results"] == []
    rader = api.get(f"{URL}forfalte-per-enhet/").json()["resultater"]
    assert rader == [
        {
            "mottaker_id": tilbud.organisasjon_id,
            "mottaker": "Testklinikken AS",
            "rhf": "HN",
            "antall": 1,
            "antall_tekst": "1",
        }
    ]
    api.force_authenticate(analytiker)
    assert api.get(f"{URL}forfalte-per-enhet/").json()["resultater"][0]["antall"] is None
    api.force_authenticate(sender)
    assert api.get(f"{URL}forfalte-per-enhet/").status_code == 403


def test_fhir_eksport_er_gyldig_r4(
    api, sender, mottaker, tilbud, django_capture_on_commit_callbacks
) -> None:
    pk = lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks)
    api.force_authenticate(mottaker)
    api.post(f"{URL}{pk}/motta/")
    api.post(
        f"{URL}{pk}/vurder/",
        {"utfall": "rett", "frist": (timezone.localdate() + timedelta(days=30)).isoformat()},
    )
    svar = api.get(f"{URL}{pk}/fhir/")
    assert svar.status_code == 200
    bundle = Bundle.model_validate(svar.json())
    sr, task = (e.resource for e in bundle.entry)
    sr = ServiceRequest.model_validate(sr.model_dump() if hasattr(sr, "model_dump") else sr)
    task = Task.model_validate(task.model_dump() if hasattr(task, "model_dump") else task)
    assert sr.status == "active" and sr.intent == "order"
    assert sr.subject.identifier.value == FNR
    assert sr.reasonCode[0].coding[0].code == "L86"
    assert task.status == "accepted"
    # The national code first (HIS 1206), then our own state.
    assert [c.code for c in task.businessStatus.coding] == ["vurdert-behov", "vurdert"]


def test_videresending_bare_til_aktive_tilbud_som_tar_imot(
    api, sender, mottaker, tilbud, django_capture_on_commit_callbacks
) -> None:
    from tests.factories import TilbudFactory
    from tilbud.models import Tilbud

    pk = lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks)
    stengt = TilbudFactory(navn="Stengt tilbud", tar_imot_henvisninger=False)
    avsluttet = TilbudFactory(
        navn="Nedlagt tilbud", status="avsluttet", avsluttet_dato=date(2025, 1, 1)
    )
    bare_nav = TilbudFactory(navn="Bare for NAV", henvisere=["NAV"])  # a fastlege is a doctor
    uaktuelle = {tilbud.pk, stengt.pk, avsluttet.pk}

    # The choice offered: every active tilbud that takes referrals, the referral's region first.
    assert api.get(f"{URL}{pk}/videresending/").status_code == 403  # the sender
    api.force_authenticate(mottaker)
    valg = api.get(f"{URL}{pk}/videresending/").json()["resultater"]
    ider = [t["id"] for t in valg]
    assert bare_nav.pk in ider and not uaktuelle & set(ider)
    assert set(ider) <= set(Tilbud.objects.aktive().values_list("id", flat=True))
    regioner = [t["rhf"]["kode"] for t in valg]
    assert regioner[0] == "HN" and regioner == sorted(regioner, key=lambda k: k != "HN")

    # Checked on the server whatever is posted.
    api.post(f"{URL}{pk}/motta/")
    for galt in (*uaktuelle, 999999, None):
        svar = api.post(
            f"{URL}{pk}/vurder/", {"utfall": "videresendt", "videresendt_til": galt}, format="json"
        )
        assert svar.status_code == 400 and set(svar.json()) == {"videresendt_til"}, galt
    assert Henvisning.objects.get(pk=pk).status == "mottatt"
    svar = api.post(f"{URL}{pk}/vurder/", {"utfall": "videresendt", "videresendt_til": ider[0]})
    assert svar.status_code == 200 and svar.json()["videresendt_til"] == ider[0]
    ny = Henvisning.objects.get(videresendt_fra_id=pk)
    api.force_authenticate(sender)
    assert api.get(f"{URL}{ny.pk}/").json()["videresendt_fra"] == pk


def test_sjekklisten_i_api_et(
    api, sender, koordinator, tilbud, django_capture_on_commit_callbacks
) -> None:
    url = f"{URL}sjekklister/{tilbud.pk}/"
    api.force_authenticate(sender)
    assert api.get(url).json() == {"tilbud": tilbud.pk, "punkter": SJEKKLISTE}
    assert api.put(url, {"punkter": ["X"]}, format="json").status_code == 403
    # A point that is not on the list is a field error; the ticked ones are kept with the rest.
    svar = api.post(URL, {"tilbud": tilbud.pk, "sjekkliste": ["Ukjent punkt"]}, format="json")
    assert svar.status_code == 400 and set(svar.json()) == {"sjekkliste"}
    pk = lag_og_send(
        api, sender, tilbud, django_capture_on_commit_callbacks, sjekkliste=[SJEKKLISTE[1]]
    )
    assert api.get(f"{URL}{pk}/").json()["sjekkliste"] == [
        {"punkt": SJEKKLISTE[0], "avkrysset": False},
        {"punkt": SJEKKLISTE[1], "avkrysset": True},
    ]
    # Sent without touching the checklist: the receiver still sees every point, unticked.
    pk = lag_og_send(api, sender, tilbud, django_capture_on_commit_callbacks)
    assert [p["avkrysset"] for p in api.get(f"{URL}{pk}/").json()["sjekkliste"]] == [False, False]

    api.force_authenticate(koordinator)
    svar = api.put(url, {"punkter": ["Ny", "Ny", " ", "x" * 201]}, format="json")
    assert svar.status_code == 400 and "punkter" in svar.json()
    svar = api.put(url, {"punkter": ["Ny", " Ny ", "", "Annen"]}, format="json")
    assert svar.status_code == 200 and svar.json()["punkter"] == ["Ny", "Annen"]
    annen_region = TilbudFactory(rhf=Organisasjon.objects.get(kode="HV"))
    assert api.get(f"{URL}sjekklister/{annen_region.pk}/").status_code == 404


def test_megler_nede_holder_ikke_igjen_henvisningen(
    api, sender, tilbud, monkeypatch, caplog, django_capture_on_commit_callbacks
) -> None:
    """The e-mail is queued after commit; a broker that is down is logged, the referral stands."""
    from kombu.exceptions import OperationalError

    def nede(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.varsle_mottaker, "apply_async", nede)
    api.force_authenticate(sender)
    pk = api.post(URL, {"tilbud": tilbud.pk, **komplett()}, format="json").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        svar = api.post(f"{URL}{pk}/send/")
    assert svar.status_code == 200 and Henvisning.objects.get(pk=pk).status == "sendt"
    assert "Connection refused" in caplog.text and FNR not in caplog.text
    assert mail.outbox == []
