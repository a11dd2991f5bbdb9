"""No personal data in the logs while a referral is written, sent, searched for and opened, in
the API and in the HTML pages: every line production would write (JSON, from DEBUG up) is read
and neither the fødselsnummer, the D-nummer nor the patient's name is in any of them, while each
line carries its request's id. ASVS v5.0.0-16.2.5; Normen (personopplysninger i logger)."""

import pytest

from henvisning import tasks
from henvisning.models import Henvisning
from tests.henvisning.conftest import DNR, FNR, komplett
from tests.logg_hjelp import json_logg  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
NAVN = "Ola Testpasient"
URL = "/api/v1/henvisninger/"


@pytest.fixture(autouse=True)
def synkrone_varsler(monkeypatch) -> None:
    # The e-mail tasks run in-process (their log lines are read too).
    for task in (tasks.varsle_mottaker, tasks.varsle_sender):
        monkeypatch.setattr(task, "apply_async", lambda args, t=task, **_: t(*args))


def _ingen_personopplysninger(json_logg) -> None:  # noqa: F811
    poster = json_logg.json()  # every line is one JSON object
    assert poster, "ingen logglinjer: testen ville ikke vise noe"
    tekst = json_logg.tekst()
    for verdi in (FNR, DNR, NAVN, "Testpasient"):
        assert verdi not in tekst, f"{verdi!r} står i loggen"
    assert all(p["request_id"] for p in poster)


def test_api_referral_written_sent_searched_and_opened(
    api,
    sender,
    mottaker,
    tilbud,
    django_capture_on_commit_callbacks,
    json_logg,  # noqa: F811
) -> None:
    api.force_authenticate(sender)
    svar = api.post(URL, {"tilbud": tilbud.pk, **komplett(navn=NAVN)}, format="json")
    assert svar.status_code == 201, svar.json()
    pk = svar.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{URL}{pk}/send/").status_code == 200
    # A bad number is answered with a field error; the number is not echoed into a log.
    assert api.post(f"{URL}sok/", {"fodselsnummer": "15108695089"}, format="json").status_code
    assert api.post(f"{URL}sok/", {"fodselsnummer": FNR}, format="json").status_code == 200
    api.force_authenticate(mottaker)
    assert api.get(f"{URL}{pk}/").json()["fodselsnummer"] == FNR
    assert api.get(f"{URL}{pk}/fhir/").status_code == 200
    assert api.post(f"{URL}{pk}/motta/").status_code == 200
    # Someone without access: 404, logged as such, with nothing about the patient.
    api.force_authenticate(None)
    assert api.get(f"{URL}{pk}/").status_code in (401, 403)
    _ingen_personopplysninger(json_logg)


def test_html_referral_written_sent_and_opened(
    client,
    sender,
    mottaker,
    tilbud,
    django_capture_on_commit_callbacks,
    json_logg,  # noqa: F811
) -> None:
    client.force_login(sender)
    skjema = {
        **komplett(navn=NAVN, fodselsnummer=DNR),
        "diagnosekoder": "L86",
        "sykmeldt": "ja",
        "samtykke": "on",
        "send": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        svar = client.post(f"/henvisninger/ny/{tilbud.pk}/", skjema)
    assert svar.status_code == 302
    h = Henvisning.objects.get()
    # A form with an error is shown again (the number and name are in the page, not the log).
    feil = client.post(f"/henvisninger/ny/{tilbud.pk}/", {**skjema, "fodselsnummer": "1"})
    assert feil.status_code == 400
    client.force_login(mottaker)
    side = client.get(f"/henvisninger/{h.pk}/")
    assert NAVN in side.content.decode()
    assert client.post(f"/henvisninger/{h.pk}/motta/").status_code == 302
    assert client.post("/henvisninger/sok/", {"fodselsnummer": DNR}).status_code == 200
    _ingen_personopplysninger(json_logg)
