"""Automated use of «Meld feil» (security review, issue 15, finding 9; ASVS 11.1.4): the
anonymous form accepted 60 reports in 0.8 s, each able to mail any address. Now: a quota per
client address and per tilbud, answered with 429 and the reason on the form; one confirmation
mail per address, and nothing else until its owner follows the signed link."""

import re

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tilbud.models import Feilmelding, Tilbud
from tilbud.services.feilmelding import BEKREFTELSE_SALT, feilmelding_los

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kvoter(settings):
    settings.FEILMELDING_STRUPING_ADRESSE = "3/hour"
    settings.FEILMELDING_STRUPING_TILBUD = "5/hour"
    settings.FEILMELDING_EPOST_STRUPING = "1/day"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_i_testen():
    """The mails are sent by Celery tasks: run them here also when REDIS_URL names a broker."""
    from helsearbeid.celery import app

    for_ = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = for_


@pytest.fixture
def tilbud() -> Tilbud:
    return Tilbud.objects.get(kilde_id="s4_6_9_3")


def _meld(klient: Client, tilbud: Tilbud, epost: str = "", adresse: str = "192.0.2.1"):
    return klient.post(
        reverse("tilbud-meld-feil", kwargs={"pk": tilbud.pk}),
        {"felt": "ventetid", "beskrivelse": "Ventetiden er 6 uker.", "epost": epost},
        REMOTE_ADDR=adresse,
    )


def test_reports_from_one_address_stop_at_the_quota_with_a_429_and_a_message(
    client: Client, tilbud: Tilbud
) -> None:
    for _ in range(3):
        assert _meld(client, tilbud).status_code == 302
    svar = _meld(client, tilbud)
    assert svar.status_code == 429
    assert int(svar["Retry-After"]) > 0
    assert "mange feilmeldinger på kort tid" in svar.content.decode()
    assert tilbud.feilmeldinger.count() == 3  # the fourth is not stored
    # Another address is not affected.
    assert _meld(client, tilbud, adresse="192.0.2.2").status_code == 302


def test_reports_on_one_tilbud_stop_at_its_quota_whatever_the_address(
    client: Client, tilbud: Tilbud
) -> None:
    for i in range(5):
        assert _meld(client, tilbud, adresse=f"198.51.100.{i}").status_code == 302
    svar = _meld(client, tilbud, adresse="198.51.100.99")
    assert svar.status_code == 429
    assert "mange feilmeldinger" in svar.content.decode()
    assert tilbud.feilmeldinger.count() == 5
    annet = Tilbud.objects.exclude(pk=tilbud.pk).exclude(status="avsluttet").first()
    assert _meld(client, annet, adresse="198.51.100.99").status_code == 302


def _lenke(melding) -> str:
    return re.search(r"https?://\S+", melding.body).group().replace("http://testserver", "")


def test_an_email_address_gets_one_confirmation_and_nothing_else_until_confirmed(
    client: Client, tilbud: Tilbud, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _meld(client, tilbud, epost="Offer@example.no", adresse="192.0.2.1")
        _meld(client, tilbud, epost="offer@example.no", adresse="192.0.2.2")
    assert len(mail.outbox) == 1  # one confirmation per address, not one per report
    bekreftelse = mail.outbox[0]
    assert bekreftelse.to == ["Offer@example.no"]
    assert "Bekreft" in bekreftelse.subject and "Ventetiden" not in bekreftelse.body

    # Resolved before the address is confirmed: no thank-you.
    koordinator = _koordinator()
    forste, andre = Feilmelding.objects.filter(tilbud=tilbud).order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        feilmelding_los(bruker=koordinator, feilmelding_id=forste.pk, notat="Rettet")
    assert len(mail.outbox) == 1

    # The link shows a button (a mail scanner's GET confirms nothing); its POST confirms the
    # address for every report from it.
    lenke = _lenke(bekreftelse)
    assert client.get(lenke).status_code == 200
    assert not Feilmelding.objects.filter(epost_bekreftet__isnull=False).exists()
    svar = client.post(lenke)
    assert svar.status_code == 200 and "bekreftet" in svar.content.decode()
    assert Feilmelding.objects.filter(epost_bekreftet__isnull=False).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        feilmelding_los(bruker=koordinator, feilmelding_id=andre.pk, notat="Rettet")
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["offer@example.no"]


def test_a_tampered_or_foreign_confirmation_link_confirms_nothing(
    client: Client, tilbud: Tilbud
) -> None:
    melding = Feilmelding.objects.create(
        tilbud=tilbud, felt="annet", beskrivelse="x", epost="a@example.no"
    )
    falsk = signing.dumps({"f": melding.pk, "e": "a@example.no"}, salt="annet-salt")
    feil_adresse = signing.dumps({"f": melding.pk, "e": "b@example.no"}, salt=BEKREFTELSE_SALT)
    for token in (falsk, feil_adresse, "tull"):
        svar = client.post(reverse("tilbud-bekreft-epost", kwargs={"token": token}))
        assert svar.status_code == 400 and "ugyldig" in svar.content.decode()
    melding.refresh_from_db()
    assert melding.epost_bekreftet is None


def _koordinator():
    from tests.factories import bruker_med_rolle

    return bruker_med_rolle("koordinator", rhf="HN")


def test_answers_that_carry_the_reporters_address_are_not_stored(
    client: Client, tilbud: Tilbud
) -> None:
    # A form sent back with an error shows the address it was given …
    svar = client.post(
        reverse("tilbud-meld-feil", kwargs={"pk": tilbud.pk}),
        {"felt": "ventetid", "beskrivelse": "", "epost": "lege@example.no"},
    )
    assert svar.status_code == 400 and "lege@example.no" in svar.content.decode()
    assert "no-store" in svar["Cache-Control"]
    # … and so does the confirmation link, whose signed token carries it.
    token = signing.dumps({"f": 1, "e": "lege@example.no"}, salt=BEKREFTELSE_SALT)
    for metode in (client.get, client.post):
        svar = metode(reverse("tilbud-bekreft-epost", kwargs={"token": token}))
        assert "no-store" in svar["Cache-Control"], metode
    # The public tilbud page itself may still be cached.
    assert "no-store" not in client.get(f"/tilbud/{tilbud.pk}/").get("Cache-Control", "")


def test_a_confirmation_the_mail_server_refused_is_sent_on_the_retry(
    tilbud: Tilbud, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tilbud.services import feilmelding as tjeneste

    melding = Feilmelding.objects.create(
        tilbud=tilbud, felt="annet", beskrivelse="x", epost="lege@example.no"
    )
    ekte_send = tjeneste.send_mail

    def nede(**_kwargs) -> None:
        raise OSError("SMTP-tjeneren svarer ikke")

    monkeypatch.setattr(tjeneste, "send_mail", nede)
    with pytest.raises(OSError):
        tjeneste.feilmelding_send_epostbekreftelse(feilmelding_id=melding.pk)
    assert mail.outbox == []
    # The task's retry: the address's one mail a day is still there to send.
    monkeypatch.setattr(tjeneste, "send_mail", ekte_send)
    assert tjeneste.feilmelding_send_epostbekreftelse(feilmelding_id=melding.pk) is True
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lege@example.no"]
    # … and only that one.
    assert tjeneste.feilmelding_send_epostbekreftelse(feilmelding_id=melding.pk) is False
