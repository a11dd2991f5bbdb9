"""Redis stopped, with the real parts: gunicorn, a Celery worker and beat, on a private Redis
and a private PostgreSQL (tests/drift/tjenester.py; the shared servers are not touched).

While Redis is down the search page, tilbud pages, the search API and the throttled analyst API
answer as usual (the cache is a miss: helsearbeid.cache), /readyz says 503 and names Redis, and a
referral is sent and committed at once; its e-mail notice, which Redis would not take, waits in
the outbox (helsearbeid.drift.utboks). When Redis is back, beat's relay sends it and the worker
e-mails the receiving unit: nothing was lost.
"""

import email
import json
import time
import uuid
from urllib.parse import urlencode

import pytest

from bench.last import django_kall, henvisningsdata
from tests import celery_arbeider

from .conftest import MAL
from .tjenester import (
    Gunicorn,
    PrivatRedis,
    app_miljo,
    celery_beat,
    hent,
    ledig_port,
    manage,
    vent,
)

# Servers and workers of its own (the cluster's set-up counts): a hang fails within ten minutes.
pytestmark = pytest.mark.timeout(600)

SOK = urlencode({"kommune": "Bodø", "diagnose": "L86"})
FORSINKET = (
    "from helsearbeid.drift.tasks import send_utboks; "
    "send_utboks.apply_async(countdown=600, task_id='venter-til-senere')"
)


@pytest.fixture
def redis_privat():
    redis = PrivatRedis().start()
    yield redis
    redis.fjern()


def eposter(mappe) -> list[email.message.Message]:
    deler = [
        del_
        for fil in sorted(mappe.glob("*.log"))
        for del_ in fil.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
    ]
    return [email.message_from_bytes(d) for d in deler if d.strip()]


def test_redis_nede_sider_svarer_og_oppgaver_sendes_nar_redis_er_tilbake(
    privat_pg, redis_privat, tmp_path
) -> None:
    db = f"redis_{uuid.uuid4().hex[:8]}"
    epost = tmp_path / "epost"
    epost.mkdir()
    miljo = app_miljo(
        privat_pg.lag_database(db, MAL),
        redis_privat.url,
        TEST_EPOST_MAPPE=str(epost),
        UTBOKS_INTERVALL_SEKUNDER="1",
    )
    data = json.loads(django_kall(miljo, "oppsett"))
    fastlege = {"Authorization": f"Token {data['henviser']}"}
    prosesser = []
    try:
        web = Gunicorn(miljo, tmp_path / "gunicorn.log")
        prosesser.append(web)
        arbeider = celery_arbeider.start(
            miljo, tmp_path / "worker.log", navn=f"drift-{ledig_port()}"
        )
        prosesser.append(arbeider)
        beat = celery_beat(miljo, tmp_path / "beat.log", tmp_path)
        prosesser.append(beat)
        assert hent(web.base + "/readyz")[0] == 200
        # The worker holds a delayed task when Redis goes away (kombu 5.7 crashed the worker in
        # that case: drift/megler.py); it must stay up and reconnect.
        manage(miljo, "shell", "-c", FORSINKET)
        vent(
            lambda: "venter-til-senere" in arbeider.tekst(),
            20,
            "arbeideren har en forsinket oppgave",
        )

        redis_privat.stopp()
        sider = [
            "/?" + SOK,
            f"/tilbud/{data['tilbud'][0]}/",
            "/api/v1/tilbud/?" + SOK,
            "/api/v1/diagnosekoder/?q=rygg",
        ]
        for sti in sider:
            start = time.monotonic()
            status, _h, tekst = hent(web.base + sti)
            assert status == 200, (sti, status, tekst[:500])
            assert time.monotonic() - start < 5, sti
        # The analyst API counts requests per key in the cache: a miss lets them through.
        status, _h, tekst = hent(
            web.base + "/api/v1/synk/tilbud/",
            headers={"Authorization": f"Api-Key {data['api_nokkel']}"},
        )
        assert status == 200, tekst[:500]

        status, _h, tekst = hent(web.base + "/readyz")
        svar = json.loads(tekst)
        assert status == 503 and svar["sjekker"]["redis"].startswith("feil")
        assert svar["sjekker"]["database"] == "ok"

        # A referral is sent while Redis is down: committed and answered at once.
        status, _h, tekst = hent(
            web.base + "/api/v1/henvisninger/",
            metode="POST",
            data={"tilbud": data["henvisningstilbud"], **henvisningsdata()},
            headers=fastlege,
        )
        assert status == 201, tekst[:500]
        pk = json.loads(tekst)["id"]
        start = time.monotonic()
        status, _h, tekst = hent(
            web.base + f"/api/v1/henvisninger/{pk}/send/", metode="POST", headers=fastlege
        )
        assert status == 200 and json.loads(tekst)["status"] == "sendt", tekst[:500]
        assert time.monotonic() - start < 5
        venter = [r[0] for r in privat_pg.sql(db, "SELECT oppgave FROM drift_utboks")]
        assert "henvisning.tasks.varsle_mottaker" in venter, venter
        assert json.loads(hent(web.base + "/readyz")[2])["utboks"] == len(venter)
        assert eposter(epost) == []

        # Redis is back: beat's relay sends the outbox, the worker e-mails the receiving unit.
        redis_privat.start()
        til_mottak = vent(
            lambda: [m for m in eposter(epost) if m["To"] == "last-mottak@example.no"],
            45,
            "varselet som ventet i utboksen går ut når Redis er tilbake",
            0.3,
        )
        assert "/henvisninger/innboks/" in til_mottak[0].get_payload(decode=True).decode()
        vent(
            lambda: privat_pg.sql(db, "SELECT count(*) FROM drift_utboks")[0][0] == 0,
            30,
            "utboksen er tom",
            0.3,
        )
        assert vent(lambda: hent(web.base + "/readyz")[0] == 200, 10, "/readyz er klar igjen")
        # The same worker process did it: it survived the outage.
        assert arbeider.lever() and "Unrecoverable error" not in arbeider.tekst()
    finally:
        for p in reversed(prosesser):
            p.stopp()
