"""The parts that make a failure degrade instead of break, tested in-process (both runs, SQLite
too): the outbox for Celery messages, the Redis cache that treats a dead Redis as a miss, and the
503 page for a database that is down. The same behaviour with real servers that are stopped and
started: test_feil_redis.py and test_feil_postgres.py."""

from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerFeil

from helsearbeid.cache import RobustRedisCache
from helsearbeid.celery import app
from helsearbeid.drift.models import Utboks
from helsearbeid.drift.tasks import send_utboks
from helsearbeid.drift.utboks import send_utboks as send_utboks_na
from henvisning.tasks import varsle_mottaker
from rapporter.tasks import bygg_sammendrag_for_region

from .tjenester import stengt_port

MEGLER_NEDE = BrokerFeil("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def ikke_eager():
    """Publish for real (the make-run default is eager, which never talks to a broker)."""
    for_ = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = for_


# --------------------------------------------------------------------------- the outbox


@pytest.mark.django_db
def test_en_melding_megleren_ikke_tar_venter_i_utboksen(ikke_eager) -> None:
    with mock.patch("celery.app.task.Task.apply_async", side_effect=MEGLER_NEDE):
        resultat = varsle_mottaker.apply_async((42,), queue="varsler")
        senere = bygg_sammendrag_for_region.apply_async(("HN",), countdown=60)
    forste, andre = Utboks.objects.order_by("id")
    assert (forste.oppgave, forste.args, forste.kwargs) == (
        "henvisning.tasks.varsle_mottaker",
        [42],
        {},
    )
    assert forste.oppgave_id == resultat.id and forste.valg == {"queue": "varsler"}
    assert forste.eta is None and "Connection refused" in forste.siste_feil
    # A countdown becomes an absolute time: sent late, the task still waits no longer than asked.
    assert andre.oppgave_id == senere.id and andre.args == ["HN"]
    assert abs(andre.eta - (timezone.now() + timedelta(seconds=60))) < timedelta(seconds=5)


@pytest.mark.django_db
def test_utboksen_sendes_i_rekkefolge_og_toemmes(ikke_eager) -> None:
    with mock.patch("celery.app.task.Task.apply_async", side_effect=MEGLER_NEDE):
        ider = [varsle_mottaker.delay(n).id for n in (1, 2, 3)]
    with mock.patch.object(app, "send_task") as send:
        assert send_utboks_na() == 3
    assert [c.kwargs["task_id"] for c in send.call_args_list] == ider
    assert [c.kwargs["args"] for c in send.call_args_list] == [[1], [2], [3]]
    assert not Utboks.objects.exists()


@pytest.mark.django_db
def test_megler_fortsatt_nede_stopper_sendingen_og_beholder_resten(ikke_eager) -> None:
    with mock.patch("celery.app.task.Task.apply_async", side_effect=MEGLER_NEDE):
        for n in (1, 2, 3):
            varsle_mottaker.delay(n)
    with mock.patch.object(app, "send_task", side_effect=[None, MEGLER_NEDE]):
        assert send_utboks_na() == 1
    igjen = list(Utboks.objects.order_by("id").values_list("args", "forsok"))
    assert igjen == [([2], 2), ([3], 1)]


@pytest.mark.django_db
def test_ombudet_selv_havner_ikke_i_utboksen(ikke_eager) -> None:
    with (
        mock.patch("celery.app.task.Task.apply_async", side_effect=MEGLER_NEDE),
        pytest.raises(BrokerFeil),
    ):
        send_utboks.delay()
    assert not Utboks.objects.exists()


def test_hver_oppgave_i_prosjektet_bruker_utboksen() -> None:
    app.loader.import_default_modules()
    egne = [t for navn, t in app.tasks.items() if not navn.startswith("celery.")]
    assert egne and all(getattr(t, "utboks", None) is not None for t in egne)
    assert "helsearbeid.drift.tasks.send_utboks" in {
        oppforing["task"] for oppforing in app.conf.beat_schedule.values()
    }


# --------------------------------------------------------------------------- the cache


@pytest.fixture
def dod_redis() -> RobustRedisCache:
    RobustRedisCache._nede_til = 0.0
    with stengt_port() as port:
        yield RobustRedisCache(
            f"redis://127.0.0.1:{port}/0",
            {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
        )
    RobustRedisCache._nede_til = 0.0


def test_en_redis_som_er_nede_er_en_tom_cache(dod_redis: RobustRedisCache) -> None:
    assert dod_redis.get("x", "standard") == "standard"
    assert dod_redis.get_many(["x", "y"]) == {}
    dod_redis.set("x", 1)
    dod_redis.delete("x")
    # add says "go ahead": a debounce lets the work through rather than dropping it.
    assert dod_redis.add("x", 1) is True
    assert dod_redis.get_or_set("x", 7) == 7
    with pytest.raises(ValueError):
        dod_redis.incr("x")


def test_etter_en_feil_proves_ikke_redis_pa_en_stund(dod_redis: RobustRedisCache) -> None:
    assert dod_redis.get("x") is None
    with mock.patch("django.core.cache.backends.redis.RedisCache.get") as get:
        assert dod_redis.get("x", "s") == "s"
    get.assert_not_called()


@pytest.mark.django_db
def test_api_med_struping_svarer_nar_cachen_er_nede(settings, api) -> None:
    """Throttling counts in the cache: with Redis down it lets requests through (logged)."""
    RobustRedisCache._nede_til = 0.0
    with stengt_port() as port:
        settings.CACHES = {
            "default": {
                "BACKEND": "helsearbeid.cache.RobustRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
        try:
            svar = api.get("/api/v1/tilbud/", {"kommune": "Bodø", "diagnose": "L86"})
            assert svar.status_code == 200
            assert api.get("/api/v1/synk/tilbud/").status_code == 200
        finally:
            RobustRedisCache._nede_til = 0.0
            cache.close()


# --------------------------------------------------------------------------- the 503 page

DB_NEDE = OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
def test_database_nede_gir_en_vennlig_side_ikke_en_traceback() -> None:
    klient = Client(raise_request_exception=False)
    with mock.patch("tilbud.views.sok_svar", side_effect=DB_NEDE):
        svar = klient.get("/", {"kommune": "Bodø", "diagnose": "L86"})
    assert svar.status_code == 503
    assert svar["Retry-After"] == "30" and svar["Content-Type"].startswith("text/html")
    tekst = svar.content.decode()
    assert "Midlertidig utilgjengelig" in tekst and "Prøv igjen om litt" in tekst
    assert "Traceback" not in tekst and "OperationalError" not in tekst


@pytest.mark.django_db
def test_database_nede_i_api_et_gir_503_som_json() -> None:
    klient = Client(raise_request_exception=False)
    with mock.patch("tilbud.api.views.sok_svar", side_effect=DB_NEDE):
        svar = klient.get("/api/v1/tilbud/", {"kommune": "Bodø"})
    assert svar.status_code == 503 and svar["Retry-After"] == "30"
    assert "midlertidig utilgjengelig" in svar.json()["detail"]


@pytest.mark.django_db
def test_andre_feil_er_fortsatt_500() -> None:
    klient = Client(raise_request_exception=False)
    with mock.patch("tilbud.views.sok_svar", side_effect=ValueError("en feil i koden")):
        svar = klient.get("/", {"kommune": "Bodø"})
    assert svar.status_code == 500 and "Retry-After" not in svar


# --------------------------------------------------------------------------- tasks and the database


@pytest.mark.django_db
def test_epostvarsel_prover_igjen_nar_databasen_er_nede() -> None:
    """A notice whose worker meets a database that is restarting is tried again (a new message
    with a countdown), not dropped: acks_late acknowledges a task that fails."""
    with (
        mock.patch("henvisning.services.varsel_send_mottaker", side_effect=DB_NEDE),
        pytest.raises(Retry),
    ):
        varsle_mottaker.apply((42,))
    # A bug is not retried five times.
    with (
        mock.patch("henvisning.services.varsel_send_mottaker", side_effect=ValueError("feil")),
        pytest.raises(ValueError),
    ):
        varsle_mottaker.apply((42,))
