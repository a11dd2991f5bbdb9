"""The rebuild with the real parts: PostgreSQL, Redis and real `celery worker` processes.

Skipped on the SQLite run (no REDIS_URL / not PostgreSQL). The workers use the test database
(committed data: these tests run in autocommit, outside pytest-django's rolled-back
transaction), Redis from REDIS_URL, and a queue of their own; every worker is killed in
teardown and every wait is bounded.
"""

import signal
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from henvisning.livssyklus import Avvisningsgrunn, Handling, Part
from henvisning.services import Vurdering, henvisning_overgang
from rapporter.models import Sammendragsgenerasjon, Sammendragsrad
from rapporter.services.sammendrag import ombyggingsnokkel, rhf_koder
from rapporter.tasks import bygg_sammendrag_for_region
from tests import celery_arbeider
from tests.drift.tjenester import Prosess, vent
from tilbud.models import Malgruppe, Tilbud

from .sammendrag_hjelp import fra_scratch, henviser, lag_henvisning, lagret

pytestmark = [
    # Real worker processes: a worker that never answers fails the test, not the run.
    pytest.mark.timeout(240),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        not settings.REDIS_URL
        or settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="needs PostgreSQL and a real Redis (DATABASE_URL and REDIS_URL)",
    ),
]


class Arbeidere:
    def __init__(self, ko: str, tmp: Path) -> None:
        self.ko = ko
        self.tmp = tmp
        self.prosesser: list[Prosess] = []
        self.pausefil = tmp / "pause"
        # A short visibility timeout: a killed worker's task is redelivered within seconds.
        self.env = celery_arbeider.miljo(
            TEST_SYNLIGHET_SEKUNDER="5", RAPPORTER_TEST_PAUSE_FIL=str(self.pausefil)
        )

    def start(self) -> Prosess:
        nr = len(self.prosesser) + 1
        prosess = celery_arbeider.start(
            self.env, self.tmp / f"arbeider{nr}.log", navn=f"a{nr}-{self.ko}", ko=self.ko
        )
        self.prosesser.append(prosess)
        return prosess

    def drep(self, prosess: Prosess) -> None:
        prosess.stopp(signal.SIGKILL)  # the whole worker: main process and pool child

    def fullforte(self) -> int:
        return sum(prosess.tekst().count("succeeded in") for prosess in self.prosesser)

    def stopp_alle(self) -> None:
        for prosess in self.prosesser:
            self.drep(prosess)


@pytest.fixture
def ekte_db(django_db_setup, django_db_blocker, settings) -> Iterator[None]:
    """Committed data the workers can see: the real catalogue (imported again, idempotently:
    transactional tests elsewhere in the session may have flushed it); generations cleaned away
    before and after."""
    with django_db_blocker.unblock():
        settings.RAPPORTER_OMBYGG_VED_ENDRING = False
        call_command("importer_katalog", stdout=StringIO())
        settings.RAPPORTER_OMBYGG_VED_ENDRING = True
        Sammendragsgenerasjon.objects.all().delete()
        for kode in rhf_koder():
            cache.delete(ombyggingsnokkel(kode))
        yield
        Sammendragsgenerasjon.objects.all().delete()
        for kode in rhf_koder():
            cache.delete(ombyggingsnokkel(kode))
        celery_arbeider.vent_til_arbeidernes_okter_er_borte()
        connection.close()


@pytest.fixture
def arbeidere(ekte_db, tmp_path, settings) -> Iterator[Arbeidere]:
    ko = f"rapport-test-{uuid.uuid4().hex[:8]}"
    settings.RAPPORTER_KO = ko
    a = Arbeidere(ko, tmp_path)
    try:
        yield a
    finally:
        a.stopp_alle()
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(ko)


def ferdige(kode: str) -> list[Sammendragsgenerasjon]:
    return list(
        Sammendragsgenerasjon.objects.filter(rhf__kode=kode, status="ferdig").order_by("nummer")
    )


@pytest.mark.django_db(transaction=True)
def test_a_catalogue_change_triggers_one_debounced_rebuild_that_lands(arbeidere, settings):
    arbeidere.start()
    settings.RAPPORTER_OMBYGGING_FORSINKELSE = 2
    tilbud = Tilbud.objects.filter(rhf__kode="HN", status="aktiv").first()
    ny_mg = Malgruppe.objects.exclude(tilbud=tilbud).order_by("id").first()
    try:
        # Five committed edits in a row (autocommit: each its own transaction).
        tilbud.malgrupper.add(ny_mg)
        for _ in range(4):
            tilbud.save()
        gen = vent(lambda: ferdige("HN"), 60, "ombyggingen av HN lander")[0]
        rad = Sammendragsrad.objects.get(
            generasjon=gen, niva="rhf", malgruppe=ny_mg, fagomrade="", periodetype="ar"
        )
        assert rad.aktive_tilbud >= 1
        assert lagret(gen) == fra_scratch("HN", gen.dato)
        time.sleep(3)  # nothing else may follow: five edits gave one rebuild
        assert arbeidere.fullforte() == 1
        assert [g.nummer for g in ferdige("HN")] == [gen.nummer]
    finally:
        settings.RAPPORTER_OMBYGG_VED_ENDRING = False
        tilbud.malgrupper.remove(ny_mg)


@pytest.mark.django_db(transaction=True)
def test_a_referral_transition_triggers_a_rebuild_that_counts_it(arbeidere, settings):
    arbeidere.start()
    settings.RAPPORTER_OMBYGGING_FORSINKELSE = 2
    tilbud = Tilbud.objects.filter(rhf__kode="HN", status="aktiv").order_by("id").first()
    naa = timezone.now()
    henvisninger = [
        lag_henvisning(
            tilbud,
            status="mottatt",
            sendt=naa - timedelta(minutes=5),
            vurderingsfrist=timezone.localdate(naa) + timedelta(days=14),
        )
        for _ in range(5)
    ]
    assert ferdige("HN") == []  # rows written directly schedule nothing
    with mock.patch("henvisning.tasks.varsle_sender.delay"):
        henvisning_overgang(
            henvisning=henvisninger[0],
            bruker=henviser(),
            part=Part.MOTTAKER,
            handling=Handling.AVVIS,
            vurdering=Vurdering(
                avvisningsgrunn=Avvisningsgrunn.FEIL_MOTTAKER, begrunnelse="Feil mottaker."
            ),
        )
    gen = vent(lambda: ferdige("HN"), 60, "ombyggingen etter henvisningen lander")[0]
    rad = Sammendragsrad.objects.get(
        generasjon=gen, niva="rhf", malgruppe=None, fagomrade="", periodetype="ar"
    )
    # Five referrals are shown; the one rejected and the four received are under five persons.
    assert (rad.henvisninger_totalt, rad.status_avvist, rad.status_mottatt) == (5, None, None)
    assert rad.undertrykt
    assert lagret(gen) == fra_scratch("HN", gen.dato)


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_rebuild_the_redelivered_task_gives_the_exact_aggregate(arbeidere):
    forste = arbeidere.start()
    arbeidere.pausefil.write_text("pause")
    bygg_sammendrag_for_region.apply_async(("HSO",), queue=arbeidere.ko)
    pauset = arbeidere.pausefil.with_suffix(".pauset")
    vent(pauset.exists, 60, "arbeider 1 pauser midt i ombyggingen")
    # Rows are written but not committed: readers see nothing yet.
    assert ferdige("HSO") == []
    arbeidere.drep(forste)  # SIGKILL to the whole worker: main process and pool child
    # Redis gives an unacknowledged message back once it is older than the visibility timeout
    # (5 s in the workers' settings), checked when a worker starts consuming: start the second
    # worker after that, so the redelivery does not depend on timing.
    time.sleep(6)
    arbeidere.start()
    gen = vent(lambda: ferdige("HSO"), 90, "den omleverte oppgaven lander")[0]
    assert lagret(gen) == fra_scratch("HSO", gen.dato)
    assert not Sammendragsgenerasjon.objects.filter(status="bygger").exists()
    assert len(ferdige("HSO")) == 1


@pytest.mark.django_db(transaction=True)
def test_five_duplicate_requests_with_two_workers_give_one_generation(arbeidere):
    arbeidere.start()
    arbeidere.start()
    for _ in range(5):
        bygg_sammendrag_for_region.apply_async(("HN",), queue=arbeidere.ko)
    vent(lambda: arbeidere.fullforte() >= 5, 90, "alle fem oppgavene er kjørt")
    generasjoner = ferdige("HN")
    assert len(generasjoner) == 1
    assert lagret(generasjoner[0]) == fra_scratch("HN", generasjoner[0].dato)
    assert not Sammendragsgenerasjon.objects.filter(status="bygger").exists()
