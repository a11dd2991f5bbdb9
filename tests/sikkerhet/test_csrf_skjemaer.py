"""CSRF on every form: every <form method="post"> the app's pages render carries Django's token,
and a POST without it is refused (403). The pages are found by following the links from the
start pages as each kind of user (anonymous, GP, referral recipient, coordinator, editor,
analyst, administrator), so a new page with a form is covered without being listed here; the
templates are also checked directly. ASVS v5.0.0-3.5.1."""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from henvisning.livssyklus import Handling, Part
from henvisning.services import foresporsel_opprett, henvisning_opprett, henvisning_overgang
from tests.factories import bruker_med_rolle
from tests.henvisning.conftest import (  # noqa: F401 - fixtures
    henvisning_nokler,
    komplett,
    leverandor,
    mottaker,
    sender,
    tilbud,
)
from tests.koordinator.conftest import BODO, lag_bruker
from tilbud.models import Endringsforslag, Feilmelding, Tilbud

ROT = Path(__file__).resolve().parents[2]
IKKE_FOLG = ("/api/", "/admin/", "/static/", "/i18n/", "/konto/logout/", "/healthz", "/readyz")
HOYST_SIDER_PER_BRUKER = 120
HOYST_PER_MONSTER = 2

pytestmark = pytest.mark.django_db


class Skjemaer(HTMLParser):
    """The POST forms on a page (action, whether they hold csrfmiddlewaretoken) and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.skjemaer: list[dict] = []
        self.lenker: list[str] = []
        self._apne: list[dict | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.lenker.append(a["href"])
        elif tag == "form":
            if (a.get("method") or "get").lower() == "post":
                skjema = {"action": a.get("action") or "", "token": False}
                self.skjemaer.append(skjema)
                self._apne.append(skjema)
            else:
                self._apne.append(None)
        elif (
            tag == "input"
            and a.get("name") == "csrfmiddlewaretoken"
            and a.get("value")
            and self._apne
            and self._apne[-1] is not None
        ):
            self._apne[-1]["token"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._apne:
            self._apne.pop()


def _monster(sti: str) -> str:
    return re.sub(r"\d+", "N", sti)


def _gjennomga(klient: Client, start: list[str]) -> dict[str, list[dict]]:
    """Every same-site page reachable from `start` (bounded): {page: its POST forms}."""
    sett: set[str] = set()
    per_monster: dict[str, int] = {}
    ko = deque(start)
    funnet: dict[str, list[dict]] = {}
    while ko and len(sett) < HOYST_SIDER_PER_BRUKER:
        sti = ko.popleft()
        if sti in sett:
            continue
        sett.add(sti)
        svar = klient.get(sti)
        if svar.status_code != 200 or not svar["Content-Type"].startswith("text/html"):
            continue
        side = Skjemaer()
        side.feed(svar.content.decode())
        funnet[sti] = [{**s, "action": urljoin(sti, s["action"] or sti)} for s in side.skjemaer]
        for href in side.lenker:
            url = urlsplit(urljoin(sti, href))
            if url.netloc not in ("", "testserver") or url.query:
                continue
            neste = url.path
            if neste in sett or neste.startswith(IKKE_FOLG):
                continue
            monster = _monster(neste)
            if per_monster.get(monster, 0) >= HOYST_PER_MONSTER:
                continue
            per_monster[monster] = per_monster.get(monster, 0) + 1
            ko.append(neste)
    return funnet


@pytest.fixture
def data(sender, mottaker, tilbud) -> dict:  # noqa: F811
    """A referral waiting for the recipient with an open question, an editor's proposal and an
    error report, so that their pages (and forms) exist."""
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    h = henvisning_overgang(henvisning=h, bruker=sender, part=Part.SENDER, handling=Handling.SEND)
    foresporsel_opprett(
        henvisning=h, bruker=mottaker, part=Part.MOTTAKER, sporsmal="Hvor lenge sykmeldt?"
    )
    bodo = Tilbud.objects.get(kilde_id=BODO)
    redaktor = bruker_med_rolle("tilbudsredaktor", organisasjon="Nordlandssykehuset")
    Endringsforslag.objects.create(
        tilbud=bodo,
        endringer={"ventetid_tekst": "To uker"},
        grunnversjon=bodo.versjon,
        foreslatt_av=redaktor,
    )
    Feilmelding.objects.create(tilbud=bodo, felt="ventetid", beskrivelse="Feil ventetid")
    return {"henvisning": h, "bodo": bodo, "redaktor": redaktor}


def test_hvert_post_skjema_har_csrf_token(data, sender, mottaker, tilbud) -> None:  # noqa: F811
    bodo = data["bodo"]
    h = data["henvisning"]
    administrator = lag_bruker("administrator")
    brukere = {
        "anonym": None,
        "fastlege": sender,
        "mottaker": mottaker,
        "koordinator": bruker_med_rolle("koordinator", rhf="HN"),
        "redaktor": data["redaktor"],
        "analytiker": bruker_med_rolle("analytiker"),
        "administrator": administrator,
    }
    start = [
        "/",
        f"/tilbud/{bodo.pk}/",
        f"/tilbud/{tilbud.pk}/",
        "/konto/login/",
        "/koordinator/",
        f"/koordinator/tilbud/{bodo.pk}/",
        "/henvisninger/",
        "/henvisninger/innboks/",
        f"/henvisninger/{h.pk}/",
        f"/henvisninger/ny/{tilbud.pk}/",
        "/rapporter/",
    ]
    alle: dict[str, list[dict]] = {}
    for navn, bruker in brukere.items():
        klient = Client()
        if bruker is not None:
            klient.force_login(bruker)
        for sti, skjemaer in _gjennomga(klient, start).items():
            alle[f"{navn} {sti}"] = skjemaer
            uten = [s["action"] for s in skjemaer if not s["token"]]
            assert uten == [], f"{navn} {sti}: skjema uten csrfmiddlewaretoken: {uten}"

    handlinger = {_monster(s["action"]) for skjemaer in alle.values() for s in skjemaer}
    # The forms the issue names must have been reached: login, «Meld feil», the referral form
    # and its recipient's actions, the coordinator's edit form, proposals and error reports.
    for forventet in (
        "/konto/login/",
        "/tilbud/N/meld-feil/",
        "/henvisninger/ny/N/",
        "/henvisninger/N/foresporsel/N/svar/",
        "/koordinator/tilbud/N/",
        "/koordinator/tilbud/N/avslutt/",
        "/koordinator/forslag/N/godkjenn/",
        "/koordinator/feilmeldinger/N/",
        "/koordinator/organisasjon/N/",
    ):
        assert forventet in handlinger, f"fant ikke skjemaet {forventet}: {sorted(handlinger)}"
    assert sum(len(s) for s in alle.values()) >= 30


def test_post_uten_token_avvises(data, sender, mottaker, tilbud) -> None:  # noqa: F811
    """CsrfViewMiddleware refuses a POST without the token before the view runs (also for a
    logged-in user), and the login page too."""
    bodo = data["bodo"]
    koordinator = bruker_med_rolle("koordinator", rhf="HN")
    for bruker, sti in (
        (None, "/konto/login/"),
        (None, f"/tilbud/{bodo.pk}/meld-feil/"),
        (sender, f"/henvisninger/ny/{tilbud.pk}/"),
        (mottaker, f"/henvisninger/{data['henvisning'].pk}/foresporsel/"),
        (koordinator, f"/koordinator/tilbud/{bodo.pk}/"),
    ):
        klient = Client(enforce_csrf_checks=True)
        if bruker is not None:
            klient.force_login(bruker)
        svar = klient.post(sti, {"username": "x", "password": "y", "beskrivelse": "z"})
        assert svar.status_code == 403, sti
    assert Feilmelding.objects.filter(beskrivelse="z").count() == 0


def test_malene_har_token_i_hvert_post_skjema() -> None:
    maler = [
        fil
        for mappe in (ROT.glob("templates"), ROT.glob("*/templates"))
        for m in mappe
        for fil in m.rglob("*.html")
    ]
    antall = 0
    for fil in maler:
        tekst = fil.read_text(encoding="utf-8")
        for skjema in re.findall(r"<form\b[^>]*>.*?</form>", tekst, flags=re.S | re.I):
            start = re.match(r"<form\b[^>]*>", skjema, flags=re.I).group(0)
            if re.search(r"method\s*=\s*[\"']?post", start, flags=re.I):
                antall += 1
                assert "{% csrf_token %}" in skjema, f"{fil.relative_to(ROT)}: {start}"
    assert antall >= 15
