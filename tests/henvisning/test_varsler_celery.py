"""E-mail notices with the real parts: Redis as broker and a real `celery worker` process.

A GP sends a referral through the API; the worker e-mails the receiving unit a link and nothing
else. The e-mail server fails twice first: the referral is committed and answered at once, and the
worker tries again until the e-mail goes out. Then the receiver assesses it and the GP is told.

Skipped without REDIS_URL, and on SQLite (the worker cannot reach pytest's in-memory database).
The worker uses the test database (committed data: these tests run outside pytest-django's
rolled-back transaction), a queue of its own, and is killed in teardown; every wait is bounded.
"""

import email
import signal
import uuid
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from henvisning.models import Henvisning, Sjekkliste
from tests import celery_arbeider
from tests.drift.tjenester import Prosess, vent
from tests.factories import TilbudFactory, bruker_med_rolle
from tests.henvisning.conftest import FNR, komplett
from tilbud.models import Organisasjon, Tilbud

NOKKEL = Fernet.generate_key().decode()

pytestmark = [
    # Real worker processes: a worker that never answers fails the test, not the run.
    pytest.mark.timeout(240),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        not settings.REDIS_URL
        or settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="needs a real Redis (REDIS_URL) and PostgreSQL (DATABASE_URL) for the worker",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def katalog_tilbake_etterpa(django_db_blocker) -> Iterator[None]:
    """Transactional tests empty every table afterwards: put the catalogue back for the tests
    that run after these."""
    yield
    with django_db_blocker.unblock():
        call_command("importer_katalog", stdout=StringIO())


class Arbeider:
    """One `celery worker` on a queue of its own, e-mailing to files in `mappe`."""

    def __init__(self, tmp: Path) -> None:
        self.ko = f"henvisning-test-{uuid.uuid4().hex[:8]}"
        self.mappe = tmp / "epost"
        self.mappe.mkdir()
        self.feil = tmp / "feil"  # how many sends fail before one goes through
        self.logg = tmp / "arbeider.log"
        self.prosess: Prosess | None = None
        self.env = celery_arbeider.miljo(
            HENVISNING_NOKKEL=NOKKEL,
            HENVISNING_HMAC_NOKKEL="test-hmac-nokkel-ikke-for-produksjon",
            TEST_EPOST_MAPPE=str(self.mappe),
            TEST_EPOST_FEIL_FIL=str(self.feil),
        )

    def start(self) -> None:
        self.prosess = celery_arbeider.start(self.env, self.logg, navn=self.ko, ko=self.ko)

    def stopp(self) -> None:
        if self.prosess is not None:
            self.prosess.stopp(signal.SIGKILL)

    def eposter(self) -> list[email.message.Message]:
        # The file backend writes each message followed by a line of dashes.
        deler = [
            del_
            for fil in sorted(self.mappe.glob("*.log"))
            for del_ in fil.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
        ]
        return [email.message_from_bytes(d) for d in deler if d.strip()]


@pytest.fixture
def arbeider(transactional_db, tmp_path, settings) -> Iterator[Arbeider]:
    call_command("importer_katalog", stdout=StringIO())  # a flushed database has no regions
    settings.HENVISNING_NOKKEL = NOKKEL
    settings.HENVISNING_HMAC_NOKKEL = "test-hmac-nokkel-ikke-for-produksjon"
    settings.PORTAL_URL = "https://portal.test"
    a = Arbeider(tmp_path)
    settings.HENVISNING_KO = a.ko
    try:
        a.start()
        yield a
    finally:
        a.stopp()
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(a.ko)
        celery_arbeider.vent_til_arbeidernes_okter_er_borte()


def tekst(melding: email.message.Message) -> str:
    return melding["Subject"] + "\n" + melding.get_payload(decode=True).decode()


def test_epost_med_bare_lenke_sendes_pa_nytt_uten_a_holde_igjen_henvisningen(
    arbeider: Arbeider, client
) -> None:
    klinikk = Organisasjon.objects.create(navn="Arbeiderklinikken AS", type="privat")
    tilbud = TilbudFactory(organisasjon=klinikk, henvisning_til=Tilbud.HenvisningTil.LEVERANDOR)
    Sjekkliste.objects.create(tilbud=tilbud, punkter=["Funksjonsnivå i arbeid"])
    fastlege = bruker_med_rolle("henviser", henvisertype="fastlege")
    fastlege.email = "fastlege@example.no"
    fastlege.save()
    inntak = bruker_med_rolle("mottaker", organisasjon=klinikk.navn)
    inntak.email = "inntak@example.no"
    inntak.save()

    # The e-mail server hangs up twice, then works.
    arbeider.feil.write_text("2")
    client.force_login(fastlege)
    data = komplett(sykmeldt_fra=timezone.localdate() - timedelta(days=30))
    svar = client.post(
        "/api/v1/henvisninger/", {"tilbud": tilbud.pk, **data}, content_type="application/json"
    )
    assert svar.status_code == 201
    pk = svar.json()["id"]
    svar = client.post(f"/api/v1/henvisninger/{pk}/send/")
    # Answered and committed at once: nothing has been e-mailed yet (the first try fails).
    assert svar.status_code == 200 and svar.json()["status"] == "sendt"
    assert Henvisning.objects.get(pk=pk).status == "sendt"
    assert arbeider.eposter() == []

    forste = vent(arbeider.eposter, 60, "e-posten til mottakeren går ut etter to nye forsøk")[0]
    assert arbeider.feil.read_text() == "0"
    assert arbeider.logg.read_text().count("Retry in") == 2
    assert forste["To"] == "inntak@example.no"
    innhold = tekst(forste)
    assert "https://portal.test/henvisninger/innboks/" in innhold
    # A link only: nothing about the patient or their health.
    for hemmelig in (FNR, "151086", "Ola", "Testpasient", "L86", "Lagerarbeider", "NAV-veileder",
                     "Vurdering av arbeidsrettet", "Funksjonsnivå", str(pk)):  # fmt: skip
        assert hemmelig not in innhold, hemmelig
    h = Henvisning.objects.get(pk=pk)
    assert h.status == "sendt" and list(h.statusendringer.values_list("til_status", flat=True)) == [
        "utkast",
        "sendt",
    ]

    # The receiver assesses; the GP is told, again with a link only.
    client.force_login(inntak)
    assert client.post(f"/api/v1/henvisninger/{pk}/motta/").status_code == 200
    frist = (timezone.localdate() + timedelta(days=40)).isoformat()
    svar = client.post(
        f"/api/v1/henvisninger/{pk}/vurder/",
        {"utfall": "rett", "frist": frist},
        content_type="application/json",
    )
    assert svar.status_code == 200
    til_fastlegen = vent(
        lambda: [m for m in arbeider.eposter() if m["To"] == "fastlege@example.no"],
        60,
        "e-posten til fastlegen går ut",
    )
    innhold = tekst(til_fastlegen[-1])
    assert f"https://portal.test/henvisninger/{pk}/" in innhold
    assert FNR not in innhold and "Ola" not in innhold and "Rett til helsehjelp" not in innhold
    # The worker's log names ids only.
    assert FNR not in arbeider.logg.read_text() and "Ola" not in arbeider.logg.read_text()
