"""The AR job in a real `celery worker` against the fake AR: AR down at first, the worker tries
again with its backoff, and the first sync lands once AR answers.

Skipped on the SQLite run (needs PostgreSQL and Redis). The worker uses this run's test
database (committed rows: a transactional test) and a queue of its own; it is stopped in
teardown and every wait is bounded."""

import uuid
from collections.abc import Iterator
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from tests import celery_arbeider
from tests.drift.tjenester import Prosess, vent
from tests.falsk_ar import KLIENT_ID, FalskAr, KjorendeFalskAr, syntetisk_part
from tilbud.models import ArMarkor, ArTjeneste
from tilbud.tasks import synk_adresseregister

pytestmark = [
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
    """Transactional tests empty every table afterwards: put the catalogue back."""
    yield
    with django_db_blocker.unblock():
        call_command("importer_katalog", stdout=StringIO())


@pytest.fixture
def ar() -> Iterator[KjorendeFalskAr]:
    falsk = FalskAr()
    for nummer in (1, 2, 3):
        falsk.legg_til(syntetisk_part(nummer))
    kjorende = KjorendeFalskAr(falsk)
    yield kjorende
    kjorende.stopp()


@pytest.fixture
def arbeider(transactional_db, ar, tmp_path) -> Iterator[tuple[Prosess, str]]:
    ko = f"ar-test-{uuid.uuid4().hex[:8]}"
    miljo = celery_arbeider.miljo(
        AR_BASE_URL=ar.base_url,
        AR_AUTENTISERING="helseid",
        AR_HELSEID_TOKEN_URL=ar.token_url,
        AR_HELSEID_KLIENT_ID=KLIENT_ID,
        AR_HELSEID_PRIVAT_NOKKEL=ar.ar.privat_jwk(),
        AR_FORSOK_PAUSE_SEKUNDER="1",
    )
    prosess = celery_arbeider.start(miljo, tmp_path / "arbeider.log", navn=f"a-{ko}", ko=ko)
    try:
        yield prosess, ko
    finally:
        prosess.stopp()
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(ko)
        celery_arbeider.vent_til_arbeidernes_okter_er_borte()


def test_the_worker_retries_while_ar_is_down_and_then_syncs(ar, arbeider) -> None:
    prosess, ko = arbeider
    ar.ar.nede = True

    synk_adresseregister.apply_async(queue=ko)

    # At least two tries (the first and a retry after its pause), none of them kept anything.
    vent(lambda: len(ar.ar.kall) >= 2, 60, "arbeideren prøver igjen")
    assert not ArTjeneste.objects.exists()
    assert ar.ar.avvist == []  # the worker's token and DPoP proofs were accepted

    ar.ar.nede = False
    vent(lambda: ArTjeneste.objects.count() == 3, 60, "synken lander når AR svarer")
    assert ArMarkor.objects.get(navn="ar").siste_hendelse_id == ar.ar.siste_hendelse()
    assert "Retry in" in prosess.tekst()
