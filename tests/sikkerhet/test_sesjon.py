"""README «Sikkerhet»: a login lasts at most SESJON_TIMER (8) hours, however busy the user is, and
ends when the browser closes. The clock is moved, not the session: the server's own expiry check
decides."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import bruker_med_rolle

pytestmark = pytest.mark.django_db

PASSORD = "hemmelig-passord-123"  # BrukerFactory's


def _logg_inn(klient: Client) -> None:
    bruker = bruker_med_rolle("henviser", henvisertype="fastlege")
    svar = klient.post(
        reverse(settings.LOGIN_URL), {"username": bruker.username, "password": PASSORD}
    )
    assert svar.status_code == 302, svar.content


def _innlogget(klient: Client) -> bool:
    svar = klient.get(reverse("henvisning:mine"))
    if svar.status_code == 200:
        return True
    assert svar.status_code == 302 and svar["Location"].startswith(reverse(settings.LOGIN_URL))
    return False


def test_a_login_ends_after_sesjon_timer_even_with_activity(monkeypatch) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 3600  # SESJON_TIMER's default, as README says
    innlogget = timezone.now()
    klient = Client()
    _logg_inn(klient)
    # A session cookie: the browser drops it when it closes.
    informasjonskapsel = klient.cookies[settings.SESSION_COOKIE_NAME]
    assert informasjonskapsel["max-age"] == "" and informasjonskapsel["expires"] == ""

    # Busy all day: a request every hour does not stretch the login.
    for timer in range(1, 8):
        monkeypatch.setattr(timezone, "now", lambda t=timer: innlogget + timedelta(hours=t))
        assert _innlogget(klient), f"logged out after {timer} h"
    monkeypatch.setattr(timezone, "now", lambda: innlogget + timedelta(hours=8, minutes=-1))
    assert _innlogget(klient)

    monkeypatch.setattr(timezone, "now", lambda: innlogget + timedelta(hours=8, minutes=1))
    assert not _innlogget(klient)
    # Logged out for good: going back in time does not bring the session back.
    monkeypatch.undo()
    assert not _innlogget(klient)


def test_sesjon_timer_sets_the_session_length() -> None:
    """The environment variable reaches the setting the session check above uses."""
    kode = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SESSION_COOKIE_AGE)"
    )
    miljo = {
        **os.environ,
        "SESJON_TIMER": "2",
        "DJANGO_SETTINGS_MODULE": "helsearbeid.settings.test",
    }
    svar = subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [sys.executable, "-c", kode], env=miljo, capture_output=True, text=True, check=True
    )
    assert svar.stdout.strip() == str(2 * 3600)
