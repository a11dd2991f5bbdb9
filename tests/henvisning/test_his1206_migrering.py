"""Migration 0007 gives referrals sent before it their HIS 1206 dates: received the day they
were sent, and a forwarded copy the seniority of the referral it came from."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from henvisning.models import Henvisning
from tilbud.models import Organisasjon


@pytest.fixture
def katalog_etter_flush(transactional_db) -> None:
    if not Organisasjon.objects.filter(kode="HN").exists():
        call_command("importer_katalog", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_dates_and_keeps_seniority(
    katalog_etter_flush, sender, tilbud
) -> None:
    executor = MigrationExecutor(connection)
    siste = executor.loader.graph.leaf_nodes("henvisning")
    for_ = [("henvisning", "0006_fjern_tomme_utkast")]
    executor.migrate(for_)
    Gammel = executor.loader.project_state(for_).apps.get_model("henvisning", "Henvisning")
    felles = {
        "tilbud_id": tilbud.pk,
        "sender_id": sender.pk,
        "henvisertype": "fastlege",
        "mottaker_id": tilbud.organisasjon_id,
        "rhf_id": tilbud.rhf_id,
        "samtykke": True,
        "navn_kryptert": "x",
    }
    naa = timezone.now()
    forste = Gammel.objects.create(**felles, status="vurdert", sendt=naa - timedelta(days=20))
    kopi = Gammel.objects.create(**felles, status="sendt", sendt=naa, videresendt_fra=forste)
    utkast = Gammel.objects.create(**felles)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(siste)
    dag = timezone.localdate(naa)
    assert Henvisning.objects.get(pk=forste.pk).mottatt_dato == dag - timedelta(days=20)
    ny = Henvisning.objects.get(pk=kopi.pk)
    assert (ny.mottatt_dato, ny.ansiennitetsdato) == (dag, dag - timedelta(days=20))
    u = Henvisning.objects.get(pk=utkast.pk)
    assert (u.mottatt_dato, u.ansiennitetsdato) == (None, None)
    call_command("importer_katalog", stdout=StringIO())
