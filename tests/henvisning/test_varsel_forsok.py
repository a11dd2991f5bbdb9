"""README «Drift»: an e-mail notice that meets a mail server that is down is tried again with
the wait doubled each time (from HENVISNING_VARSEL_VENT_SEKUNDER = 60 s, at most an hour), five
times; then the task gives up and fails with the mail server's error. The referral itself is
never touched by the retries. Celery runs the retries eagerly here; each retry's countdown is what
a worker would wait (Retry.when), read from the task_retry signal."""

import smtplib
from collections.abc import Iterator, Sequence

import pytest
from celery import states
from celery.signals import task_retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as MinneEpost
from django.utils import timezone

from henvisning.models import Henvisning
from henvisning.tasks import varsle_mottaker
from tests.rapporter.sammendrag_hjelp import lag_henvisning

pytestmark = pytest.mark.django_db


class NedeEpost(BaseEmailBackend):
    """A mail server that hangs up the first `feil` times, then delivers (to django.core.mail's
    outbox). `forsok` counts the attempts."""

    feil = 0
    forsok = 0

    def send_messages(self, email_messages: Sequence) -> int:
        NedeEpost.forsok += 1
        if NedeEpost.forsok <= NedeEpost.feil:
            raise smtplib.SMTPServerDisconnected("testfeil: e-posttjeneren la på")
        return MinneEpost().send_messages(email_messages)


@pytest.fixture
def ventetider(settings, monkeypatch) -> Iterator[list[float]]:
    """The countdown of every retry the task asks for, in order."""
    settings.EMAIL_BACKEND = f"{__name__}.NedeEpost"
    # Eager retries run as nested apply() calls that would raise the Retry instead of going on;
    # off, each retry runs as a worker would run it and the last one's failure is the result.
    monkeypatch.setitem(varsle_mottaker.app.conf, "task_eager_propagates", False)
    NedeEpost.forsok = 0
    sett: list[float] = []

    def registrer(sender, reason, **_kwargs) -> None:
        sett.append(reason.when)

    task_retry.connect(registrer, weak=False)
    yield sett
    task_retry.disconnect(registrer)


@pytest.fixture
def henvisning(tilbud, mottaker) -> Henvisning:
    return lag_henvisning(tilbud, status="sendt", sendt=timezone.now())


def test_a_server_down_for_good_is_tried_five_more_times_with_doubling_waits_then_given_up(
    ventetider: list[float], henvisning: Henvisning
) -> None:
    NedeEpost.feil = 1000
    for_ = Henvisning.objects.filter(pk=henvisning.pk).values().get()
    resultat = varsle_mottaker.apply(args=[henvisning.pk], throw=False)
    assert ventetider == [60, 120, 240, 480, 960]
    assert NedeEpost.forsok == 6  # the first try and five retries, then no more
    # Given up: the task fails with the mail server's own error, nothing is sent, and the
    # referral is exactly as before (the notice is lost, the referral is not).
    assert resultat.state == states.FAILURE
    assert isinstance(resultat.result, smtplib.SMTPServerDisconnected)
    assert mail.outbox == []
    assert Henvisning.objects.filter(pk=henvisning.pk).values().get() == for_


def test_a_server_back_after_three_failures_gets_the_notice_once(
    ventetider: list[float], henvisning: Henvisning
) -> None:
    NedeEpost.feil = 3
    resultat = varsle_mottaker.apply(args=[henvisning.pk], throw=False)
    assert ventetider == [60, 120, 240]
    assert resultat.state == states.SUCCESS
    assert [m.to for m in mail.outbox] == [["inntak@example.no"]]


def test_the_wait_starts_at_the_setting_and_never_exceeds_an_hour(
    ventetider: list[float], henvisning: Henvisning, settings
) -> None:
    settings.HENVISNING_VARSEL_VENT_SEKUNDER = 1000
    NedeEpost.feil = 1000
    varsle_mottaker.apply(args=[henvisning.pk], throw=False)
    assert ventetider == [1000, 2000, 3600, 3600, 3600]
