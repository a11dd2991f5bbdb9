"""Issue 17: our referral states in the national vocabulary (HIS 1206) with its five dates, in
the API (with the mapping in the OpenAPI schema), in words for GP and receiver, and in the
FHIR Task export; videresending keeps the ansiennitetsdato."""

from datetime import date, timedelta
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.task import Task

from henvisning import his1206, tasks
from henvisning.his1206 import His1206
from henvisning.livssyklus import Avvisningsgrunn, Status, Utfall
from henvisning.models import Henvisning
from tests.henvisning.conftest import komplett
from tilbud.models import Tilbud

URL = "/api/v1/henvisninger/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def synkrone_varsler(monkeypatch) -> None:
    for task in (tasks.varsle_mottaker, tasks.varsle_sender):
        monkeypatch.setattr(task, "apply_async", lambda args, t=task, **_: t(*args))


def d(dag: date) -> str:
    return dag.strftime("%d.%m.%Y")


def sendt(api, sender, tilbud) -> int:
    api.force_authenticate(sender)
    pk = api.post(URL, {"tilbud": tilbud.pk, **komplett()}, format="json").json()["id"]
    assert api.post(f"{URL}{pk}/send/").status_code == 200
    return pk


def test_every_state_has_one_row_and_every_code_is_used() -> None:
    for status in Status:
        utfall = list(Utfall) if status == Status.VURDERT else [None]
        grunner = list(Avvisningsgrunn) if status == Status.AVVIST else [None]
        for u in utfall:
            for g in grunner:
                his1206.rad_for(status.value, u or "", g or "")  # no KeyError
    assert his1206.kode_for("utkast") is None
    assert his1206.kode_for("sendt") == His1206.MOTTATT
    assert his1206.kode_for("vurdert", "rett") == His1206.VURDERT_BEHOV
    assert his1206.kode_for("vurdert", "ikke_rett") == His1206.VURDERT_IKKE_BEHOV
    assert his1206.kode_for("avvist", "", "mangler_opplysninger") == His1206.AVVIST_MANGELFULL
    assert his1206.kode_for("venter") == His1206.PLANLAGT
    assert his1206.kode_for("trukket") == His1206.AVSLUTTET
    assert {r.kode for r in his1206.TABELL} - {None} == set(His1206)
    assert all(r.hvorfor for r in his1206.TABELL)


def test_the_schema_shows_the_codes_and_the_mapping() -> None:
    ut = StringIO()
    call_command("spectacular", "--validate", stdout=ut)
    skjema = yaml.safe_load(ut.getvalue())
    kode = skjema["components"]["schemas"]["His1206"]["properties"]["kode"]
    koder = skjema["components"]["schemas"]["His1206KodeEnum"]["enum"]
    assert set(koder) == {k.value for k in His1206}
    assert "| `avvist/mangler_opplysninger` | `avvist-mangelfull` |" in kode["description"]
    assert "| `utkast` | – |" in kode["description"]
    svar = skjema["paths"]["/api/v1/henvisninger/{id}/"]["get"]["responses"]["200"]
    assert svar["content"]["application/json"]["schema"]["$ref"].endswith("/HenvisningSvar")


def test_the_status_and_dates_through_the_lifecycle(api, sender, mottaker, tilbud) -> None:
    idag = timezone.localdate()
    pk = sendt(api, sender, tilbud)
    h = Henvisning.objects.get(pk=pk)
    data = api.get(f"{URL}{pk}/").json()
    assert data["his1206"] == {
        "kode": "mottatt",
        "navn": "Mottatt",
        "ansiennitetsdato": idag.isoformat(),
        "mottatt_dato": idag.isoformat(),
        "frist_vurdering": h.vurderingsfrist.isoformat(),
        "frist_helsehjelp": None,
        "vurdert_dato": None,
    }
    # The GP reads by when the receiver must assess; the receiver, what to do by when.
    assert data["status_i_ord"] == f"Mottatt {d(idag)}. Skal vurderes innen {d(h.vurderingsfrist)}."
    api.force_authenticate(mottaker)
    innboks = api.get(URL, {"rolle": "innboks"}).json()["results"][0]
    assert innboks["status_i_ord"].endswith(f"Vurder henvisningen innen {d(h.vurderingsfrist)}.")
    assert innboks["his1206"]["kode"] == "mottatt"
    frist = idag + timedelta(days=60)
    api.post(f"{URL}{pk}/motta/")
    api.post(f"{URL}{pk}/vurder/", {"utfall": "rett", "frist": frist.isoformat()}, format="json")
    api.force_authenticate(sender)
    data = api.get(f"{URL}{pk}/").json()
    assert data["his1206"]["kode"] == "vurdert-behov"
    assert data["his1206"]["frist_helsehjelp"] == frist.isoformat()
    assert data["his1206"]["vurdert_dato"] == idag.isoformat()
    assert data["status_i_ord"] == (
        f"Vurdert {d(idag)}: rett til helsehjelp. Helsehjelpen skal starte senest {d(frist)}."
    )
    api.force_authenticate(mottaker)
    api.post(f"{URL}{pk}/venter/")
    api.force_authenticate(sender)
    assert api.get(f"{URL}{pk}/").json()["his1206"]["kode"] == "planlagt"


def test_an_overdue_assessment_says_so(api, sender, tilbud) -> None:
    pk = sendt(api, sender, tilbud)
    Henvisning.objects.filter(pk=pk).update(vurderingsfrist=date(2020, 1, 2))
    assert (
        api.get(f"{URL}{pk}/")
        .json()["status_i_ord"]
        .endswith("Fristen for vurdering, 02.01.2020, er passert.")
    )


def test_videresending_keeps_the_ansiennitetsdato(api, sender, mottaker, tilbud) -> None:
    annet = Tilbud.objects.filter(henvisning_til="regional").first()
    pk = sendt(api, sender, tilbud)
    # Sent three weeks ago to the first receiver.
    forste = timezone.localdate() - timedelta(days=21)
    Henvisning.objects.filter(pk=pk).update(ansiennitetsdato=forste, mottatt_dato=forste)
    api.force_authenticate(mottaker)
    api.post(f"{URL}{pk}/motta/")
    svar = api.post(f"{URL}{pk}/vurder/", {"utfall": "videresendt", "videresendt_til": annet.pk})
    assert svar.status_code == 200, svar.json()
    assert svar.json()["his1206"]["kode"] == "avsluttet"
    ny = Henvisning.objects.get(videresendt_fra_id=pk)
    assert ny.ansiennitetsdato == forste
    assert ny.mottatt_dato == timezone.localdate()
    api.force_authenticate(sender)
    data = api.get(f"{URL}{ny.pk}/").json()["his1206"]
    assert data["ansiennitetsdato"] == forste.isoformat()
    assert data["kode"] == "mottatt"


def test_rejected_for_missing_information_is_avvist_mangelfull(
    api, sender, mottaker, tilbud
) -> None:
    pk = sendt(api, sender, tilbud)
    api.force_authenticate(mottaker)
    api.post(f"{URL}{pk}/foresporsler/", {"sporsmal": "Hvor lenge sykmeldt?"})
    svar = api.post(
        f"{URL}{pk}/avvis/",
        {"avvisningsgrunn": "mangler_opplysninger", "begrunnelse": "Ikke svart på tre uker."},
    )
    assert svar.status_code == 200, svar.json()
    assert svar.json()["his1206"]["kode"] == "avvist-mangelfull"
    assert svar.json()["status_i_ord"].startswith("Avvist ")


def test_fhir_task_has_the_national_status_and_dates(api, sender, mottaker, tilbud) -> None:
    pk = sendt(api, sender, tilbud)
    api.force_authenticate(mottaker)
    api.post(f"{URL}{pk}/motta/")
    frist = timezone.localdate() + timedelta(days=30)
    api.post(f"{URL}{pk}/vurder/", {"utfall": "rett", "frist": frist.isoformat()})
    bundle = Bundle.model_validate(api.get(f"{URL}{pk}/fhir/").json())
    sr, task = (e.resource for e in bundle.entry)
    task = Task.model_validate(task.model_dump())
    assert task.businessStatus.coding[0].system == his1206.KODESYSTEM
    assert task.businessStatus.coding[0].code == "vurdert-behov"
    datoer = {e.url.rsplit("/", 1)[1]: str(e.valueDateTime) for e in task.extension}
    assert datoer["no-frist-for-helsehjelp"] == frist.isoformat()
    assert datoer["no-ansiennitets-dato"] == timezone.localdate().isoformat()
    assert set(datoer) == {
        "no-ansiennitets-dato",
        "no-mottatt-dato",
        "no-frist-for-vurdering",
        "no-frist-for-helsehjelp",
        "no-vurdert-dato",
    }
    assert sr.extension[0].url == "http://helsenorge.no/fhir/StructureDefinition/businessstatus"
