"""«Mine tilbud» (filters, constant queries), the proposals and error-report queues, the
thank-you e-mail and the weekly digest."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import TilbudFactory
from tilbud.models import Endringsforslag, Feilmelding, Organisasjon, Tilbud
from tilbud.tasks import send_ukentlige_sammendrag

from .conftest import klient, lag_bruker

MINE = "/koordinator/"


def titler(svar) -> list[str]:
    return [r["tilbud"].navn for r in svar.context["rader"]]


@pytest.mark.django_db
def test_mine_tilbud_lists_the_region_with_badges_and_filters(bodo, forde, koordinator_hn) -> None:
    c = klient(koordinator_hn)
    alle = c.get(MINE)
    assert bodo.navn in titler(alle) and forde.navn not in titler(alle)
    assert "Ikke bekreftet på over" in alle.content.decode()
    Tilbud.objects.filter(pk=bodo.pk).update(sist_bekreftet=timezone.localdate())
    assert bodo.navn not in titler(c.get(MINE, {"ikke_bekreftet": "1"}))
    assert bodo.navn in titler(c.get(MINE, {"ventetid": "1"}))
    assert titler(c.get(MINE, {"feilmeldinger": "1"})) == []
    Feilmelding.objects.create(tilbud=bodo, felt="ventetid", beskrivelse="Feil")
    assert titler(c.get(MINE, {"feilmeldinger": "1"})) == [bodo.navn]
    Endringsforslag.objects.create(
        tilbud=bodo,
        endringer={"navn": "x"},
        grunnversjon=1,
        foreslatt_av=lag_bruker("redaktor_nordland"),
    )
    svar = c.get(MINE, {"forslag": "1", "feilmeldinger": "1"})
    assert titler(svar) == [bodo.navn]
    rad = svar.context["rader"][0]["tilbud"]
    assert rad.antall_feilmeldinger == 1 and rad.antall_forslag == 1


@pytest.mark.django_db
def test_mine_tilbud_editor_sees_own_organisation_only() -> None:
    svar = klient(lag_bruker("redaktor_nordland")).get(MINE)
    assert {r["tilbud"].organisasjon.navn for r in svar.context["rader"]} == {"Nordlandssykehuset"}


@pytest.mark.django_db
def test_mine_tilbud_queries_are_constant(koordinator_hn, django_assert_num_queries) -> None:
    c = klient(koordinator_hn)
    c.get(MINE)  # session and first-request work out of the way

    def tell() -> int:
        with django_assert_num_queries(4):  # session, user, roles, the list
            svar = c.get(MINE, {"feilmeldinger": "", "ventetid": "1"})
        assert svar.status_code == 200
        return len(svar.context["rader"])

    for_ = tell()
    nord = Organisasjon.objects.get(navn="Nordlandssykehuset")
    for t in TilbudFactory.create_batch(15, organisasjon=nord, sist_bekreftet=date(2019, 1, 1)):
        Feilmelding.objects.create(tilbud=t, felt="annet", beskrivelse="Feil")
    assert tell() == for_ + 15


@pytest.mark.django_db
def test_proposal_is_shown_as_a_diff_and_approved_or_rejected(bodo, koordinator_hn) -> None:
    redaktor = lag_bruker("redaktor_nordland")
    a = Endringsforslag.objects.create(
        tilbud=bodo, endringer={"ventetid_tekst": "To uker"}, grunnversjon=1, foreslatt_av=redaktor
    )
    b = Endringsforslag.objects.create(
        tilbud=bodo, endringer={"kontakt": "Ring oss"}, grunnversjon=1, foreslatt_av=redaktor
    )
    c = klient(koordinator_hn)
    liste = c.get(reverse("koordinator:forslag")).content.decode()
    assert "Ventetid" in liste and bodo.navn in liste
    side = c.get(reverse("koordinator:forslag-detalj", kwargs={"pk": a.pk})).content.decode()
    assert "tomt" in side and "To uker" in side
    godkjenn = reverse("koordinator:forslag-godkjenn", kwargs={"pk": a.pk})
    assert c.post(godkjenn, {"versjon": 1}).status_code == 302
    bodo.refresh_from_db()
    assert bodo.ventetid_tekst == "To uker"
    avvis = reverse("koordinator:forslag-avvis", kwargs={"pk": b.pk})
    svar = c.post(avvis, {"kommentar": "  "})
    assert svar.status_code == 400 and 'id="feil_kommentar"' in svar.content.decode()
    assert c.post(avvis, {"kommentar": "Nummeret finnes ikke"}).status_code == 302
    b.refresh_from_db()
    assert b.status == Endringsforslag.Status.AVVIST and b.kommentar == "Nummeret finnes ikke"
    # Already decided: refused with a message, not a 500.
    assert c.post(godkjenn, {"versjon": 2}).status_code == 400


@pytest.mark.django_db
def test_resolving_an_error_report_thanks_the_reporter_after_commit(
    bodo, koordinator_hn, django_capture_on_commit_callbacks
) -> None:
    melding = Feilmelding.objects.create(
        tilbud=bodo,
        felt="ventetid",
        beskrivelse="Pasienten min med diagnose X ventet i 12 uker",
        epost="lege@example.no",
        epost_bekreftet=timezone.now(),  # the reporter followed the confirmation link
    )
    c = klient(koordinator_hn)
    url = reverse("koordinator:feilmelding", kwargs={"pk": melding.pk})
    assert "Pasienten min" in c.get(url).content.decode()
    assert c.post(url, {"notat": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        svar = c.post(url, {"notat": "Rettet ventetiden etter telefon"})
    assert svar.status_code == 302 and len(callbacks) == 1
    melding.refresh_from_db()
    assert melding.status == Feilmelding.Status.LOST and melding.lost_av == koordinator_hn
    assert melding.lost_tidspunkt is not None and melding.lost_notat.startswith("Rettet")
    assert len(mail.outbox) == 1
    takk = mail.outbox[0]
    assert takk.to == ["lege@example.no"]
    assert f"/tilbud/{bodo.pk}/" in takk.body
    assert "Pasienten" not in takk.body and "diagnose" not in takk.body
    assert melding.pk not in [
        f.pk for f in c.get(reverse("koordinator:feilmeldinger")).context["feilmeldinger"]
    ]


@pytest.mark.django_db
def test_no_thank_you_without_an_email(bodo, koordinator_hn, django_capture_on_commit_callbacks):
    melding = Feilmelding.objects.create(tilbud=bodo, felt="annet", beskrivelse="Feil")
    url = reverse("koordinator:feilmelding", kwargs={"pk": melding.pk})
    with django_capture_on_commit_callbacks(execute=True):
        klient(koordinator_hn).post(url, {"notat": "Ok"})
    assert mail.outbox == []


@pytest.mark.django_db
def test_weekly_digest_one_email_per_coordinator_with_something_to_report(bodo) -> None:
    hn = lag_bruker("koordinator_hn")
    hn2 = lag_bruker("koordinator_hn")
    hmn = lag_bruker("koordinator_hv")
    uten_epost = lag_bruker("koordinator_hn")
    for i, bruker in enumerate([hn, hn2, hmn]):
        bruker.email = f"koordinator{i}@example.no"
        bruker.save()
    uten_epost.email = ""
    uten_epost.save()
    # Helse Vest has nothing to report: everything verified today, no open reports.
    Tilbud.objects.filter(rhf__kode="HV").update(sist_bekreftet=timezone.localdate())
    Feilmelding.objects.create(tilbud=bodo, felt="ventetid", beskrivelse="Feil")

    send_ukentlige_sammendrag.delay()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "koordinator0@example.no",
        "koordinator1@example.no",
    ]
    tekst = mail.outbox[0].body
    antall_gamle = (
        Tilbud.objects.filter(rhf__kode="HN", sist_bekreftet__lt=date(2025, 1, 1))
        .exclude(status="avsluttet")
        .count()
    )
    assert tekst.count("/koordinator/tilbud/") == antall_gamle
    assert f"/koordinator/feilmeldinger/{Feilmelding.objects.get().pk}/" in tekst
    assert "1 åpen feilmelding" in tekst and "Helse Nord" in mail.outbox[0].subject
