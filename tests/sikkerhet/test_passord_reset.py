"""Password reset (security review, issue 15, finding 9): 20 mails for one account in a row
was possible. Now a quota per typed address and per client address (429 and the reason on the
form), and no reset at all while login goes through OpenID Connect (README «Sikkerhet»)."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import BrukerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kvoter(settings):
    settings.PASSORD_STRUPING_KONTO = "2/hour"
    settings.PASSORD_STRUPING_ADRESSE = "4/hour"
    cache.clear()
    yield
    cache.clear()


def _be_om(klient: Client, epost: str, adresse: str = "192.0.2.1"):
    return klient.post(reverse("password_reset"), {"email": epost}, REMOTE_ADDR=adresse)


def test_reset_mails_for_one_account_stop_at_the_quota(client: Client) -> None:
    bruker = BrukerFactory(email="lege@example.no")
    bruker.set_password("Et-langt-passord-1")
    bruker.save()
    for i in range(2):
        assert _be_om(client, "lege@example.no", adresse=f"192.0.2.{i}").status_code == 302
    svar = _be_om(client, "LEGE@example.no", adresse="192.0.2.9")
    assert svar.status_code == 429 and int(svar["Retry-After"]) > 0
    assert "mange ganger på kort tid" in svar.content.decode()
    assert len(mail.outbox) == 2


def test_reset_requests_from_one_client_stop_at_the_quota(client: Client) -> None:
    for i in range(4):
        assert _be_om(client, f"ukjent{i}@example.no").status_code == 302
    svar = _be_om(client, "enda-en@example.no")
    assert svar.status_code == 429
    # The same answer whether or not the address has an account.
    assert "mange ganger på kort tid" in svar.content.decode()


@pytest.mark.parametrize(
    ("navn", "kwargs"),
    [
        ("password_reset", None),
        ("password_reset_done", None),
        ("password_reset_confirm", {"uidb64": "MQ", "token": "x-y"}),
        ("password_reset_complete", None),
    ],
)
def test_no_password_reset_when_oidc_is_on(client: Client, settings, navn, kwargs) -> None:
    settings.OIDC_AKTIV = True
    BrukerFactory(email="lege@example.no")
    assert client.get(reverse(navn, kwargs=kwargs)).status_code == 404
    if navn == "password_reset":
        assert _be_om(client, "lege@example.no").status_code == 404
        assert not mail.outbox
