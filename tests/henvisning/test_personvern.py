"""Personal data: encrypted at rest, found by keyed hash, never in URLs, logs, e-mails or error
pages, and removed automatically after the referral has ended."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from henvisning import tasks
from henvisning.krypto import fodselsnummer_hash
from henvisning.livssyklus import Handling, Part
from henvisning.models import Henvisning
from henvisning.services import henvisning_opprett, henvisning_overgang
from tests.henvisning.conftest import FNR, komplett

pytestmark = pytest.mark.django_db


@pytest.fixture
def sendt(sender, mottaker, tilbud) -> Henvisning:
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    return henvisning_overgang(
        henvisning=h, bruker=sender, part=Part.SENDER, handling=Handling.SEND
    )


def test_kryptert_i_databasen_og_funnet_med_nokkelhash(sendt) -> None:
    with connection.cursor() as c:
        c.execute("SELECT * FROM henvisning_henvisning WHERE id = %s", [sendt.pk])
        rad = " ".join(str(v) for v in c.fetchone())
    assert FNR not in rad and "Ola Testpasient" not in rad
    assert Henvisning.objects.get(fodselsnummer_hash=fodselsnummer_hash("151086 95088")) == sendt
    assert "Ola" not in str(sendt) and FNR not in repr(sendt)


def test_fodselsnummer_aldri_i_logger_feilsider_eller_epost(
    client, sender, mottaker, tilbud, caplog, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    for task in (tasks.varsle_mottaker, tasks.varsle_sender):
        monkeypatch.setattr(task, "apply_async", lambda args, t=task, **_: t(*args))
    caplog.set_level(logging.DEBUG)
    client.force_login(sender)
    # A bad number, a good number with a field error, and a full send: all through the HTML form.
    svar = client.post(f"/henvisninger/ny/{tilbud.pk}/", {"fodselsnummer": "15108695077"})
    assert svar.status_code == 400 and b"15108695077" in svar.content  # echoed in the form only
    with django_capture_on_commit_callbacks(execute=True):
        svar = client.post(
            f"/henvisninger/ny/{tilbud.pk}/",
            {
                **{k: v for k, v in komplett().items() if k != "diagnosekoder"},
                "diagnosekoder": "L86",
                "sykmeldt": "ja",
                "send": "1",
            },
        )
    assert svar.status_code == 302 and FNR not in svar["Location"]
    pk = Henvisning.objects.get().pk
    client.force_login(mottaker)
    assert client.post(f"/henvisninger/{pk}/start/").status_code == 409
    assert client.post(f"/henvisninger/{pk}/motta/").status_code == 302
    assert client.post(f"/henvisninger/{pk}/vurder/", {"utfall": "rett"}).status_code == 400
    with override_settings(DEBUG=False):
        assert client.get("/henvisninger/999999/").status_code == 404
    tekster = [r.getMessage() for r in caplog.records] + [m.body + m.subject for m in mail.outbox]
    assert mail.outbox
    assert not [t for t in tekster if FNR in t or "15108695077" in t]


def test_feilside_viser_ikke_fodselsnummer(client, sender, tilbud, monkeypatch) -> None:
    """An unexpected error while a referral is handled: the 500 page holds no personal data."""
    client.raise_request_exception = False
    client.force_login(sender)

    def feiler(*args, **kwargs):
        raise RuntimeError("uventet")

    monkeypatch.setattr("henvisning.services.henvisning_opprett", feiler)
    svar = client.post(f"/henvisninger/ny/{tilbud.pk}/", {"fodselsnummer": FNR, "navn": "Ola"})
    assert svar.status_code == 500 and FNR.encode() not in svar.content


def test_personopplysninger_slettes_etter_avslutning_men_statistikken_blir(
    sendt, sender, settings
) -> None:
    henvisning_overgang(
        henvisning=sendt,
        bruker=sender,
        part=Part.SENDER,
        handling=Handling.TREKK,
        vurdering=__import__("henvisning.services", fromlist=["Vurdering"]).Vurdering(
            begrunnelse="Pasienten ønsket det ikke."
        ),
    )
    assert tasks.slett_utlopte_personopplysninger() == 0  # not yet: 30 days in the test settings
    Henvisning.objects.filter(pk=sendt.pk).update(lukket=timezone.now() - timedelta(days=31))
    assert tasks.slett_utlopte_personopplysninger.apply().get() == 1
    h = Henvisning.objects.get(pk=sendt.pk)
    assert h.fodselsnummer_kryptert == h.navn_kryptert == h.fodselsnummer_hash == ""
    assert h.diagnosekoder == [] and h.sporsmal == "" and h.sykmelding_prosent is None
    assert not h.statusendringer.exclude(begrunnelse="").exists()
    # The anonymous statistical record.
    assert h.status == "trukket" and h.sendt and h.tilbud_id and h.rhf_id
    assert h.diagnosegrupper == sendt.diagnosegrupper
    assert tasks.slett_utlopte_personopplysninger() == 0  # idempotent


@pytest.mark.parametrize("vei", ["html", "api"])
def test_feilrapporten_viser_ikke_fodselsnummer_heller_ikke_med_debug(
    client, sender, tilbud, monkeypatch, settings, vei
) -> None:
    """Django's error report (the DEBUG page; the same report goes to ADMINS by e-mail) shows
    the POST body and every frame's local variables. Not for referral requests."""
    settings.DEBUG = True
    client.raise_request_exception = False
    client.force_login(sender)

    def feiler(*args, **kwargs):
        raise RuntimeError("uventet feil midt i valideringen")

    # Fails deep in the service, when the fødselsnummer is in the frames' local variables.
    monkeypatch.setattr("henvisning.services.diagnose_slaa_opp", feiler)
    if vei == "html":
        data = {**komplett(), "diagnosekoder": "L86", "sykmeldt": "ja", "send": "1"}
        svar = client.post(f"/henvisninger/ny/{tilbud.pk}/", data)
    else:
        svar = client.post(
            "/api/v1/henvisninger/",
            {"tilbud": tilbud.pk, **komplett()},
            content_type="application/json",
        )
    tekst = svar.content.decode()
    if vei == "api":
        # Under /api/ the answer is JSON also with DEBUG on (helsearbeid.feil.ApiJsonMiddleware):
        # no report at all in the answer; the HTML case shows the report's own filtering.
        assert svar.status_code == 500 and svar["Content-Type"] == "application/json"
        assert "uventet feil" not in tekst and "Traceback" not in tekst
    else:
        assert svar.status_code == 500 and "uventet feil midt i valideringen" in tekst
        assert "_bruk_data" in tekst  # the report does show where it failed
    for hemmelig in (FNR, "Ola Testpasient", "Lagerarbeider"):
        assert hemmelig not in tekst, hemmelig


def test_feilrapporten_er_uendret_utenfor_henvisningene(client, settings) -> None:
    from django.views.debug import get_default_exception_reporter_filter

    from henvisning.feilrapport import PersonvernFilter, gjelder_henvisning

    assert isinstance(get_default_exception_reporter_filter(), PersonvernFilter)
    assert not gjelder_henvisning(client.get("/").wsgi_request)
    assert gjelder_henvisning(client.get("/api/v1/henvisninger/").wsgi_request)


def test_sok_pa_fodselsnummer_med_nokkelhash_bare_egne_og_logget(
    client, api, sendt, sender, mottaker, annen_lege, caplog
) -> None:
    from henvisning.models import Tilgangslogg
    from tests.henvisning.conftest import FNR2

    annen = henvisning_opprett(sender=annen_lege, tilbud=sendt.tilbud, data=komplett())
    caplog.set_level(logging.DEBUG)
    # The receiving unit finds the sent referral (spaces and all), not the other GP's draft.
    client.force_login(mottaker)
    svar = client.post("/henvisninger/sok/", {"fodselsnummer": "151086 95088"})
    tekst = svar.content.decode()
    assert svar.status_code == 200 and "1 henvisning" in tekst
    assert f'href="/henvisninger/{sendt.pk}/"' in tekst
    assert f'href="/henvisninger/{annen.pk}/"' not in tekst
    assert list(Tilgangslogg.objects.values_list("henvisning_id", "rolle", "handling")) == [
        (sendt.pk, "mottaker", "sok")
    ]
    # The other GP finds only their own; someone with no referrals for the person finds nothing.
    api.force_authenticate(annen_lege)
    svar = api.post("/api/v1/henvisninger/sok/", {"fodselsnummer": FNR}, format="json")
    assert [r["id"] for r in svar.json()["results"]] == [annen.pk]
    svar = api.post("/api/v1/henvisninger/sok/", {"fodselsnummer": FNR2}, format="json")
    assert svar.json()["results"] == []
    svar = api.post("/api/v1/henvisninger/sok/", {"fodselsnummer": "15108695077"}, format="json")
    assert svar.status_code == 400 and "fodselsnummer" in svar.json()
    assert "15108695077" not in svar.content.decode()
    # Sent by POST and answered on the page: the number is in no URL and no log line.
    assert not [r for r in caplog.records if FNR in r.getMessage()]
