"""AR synchronisation end to end against the local fake AR (tests/falsk_ar.py): HelseID client
credentials + DPoP, the full export, events from the cursor, deletions, an expired cursor, AR
away (retries, nothing half-done kept), the command and the beat job."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from helsearbeid.adresseregister import (
    ArKlient,
    ArUtilgjengelig,
    HelseIdDpop,
    IngenAutentisering,
    ar_klient,
)
from tests.falsk_ar import FORSTE_HER_ID, KLIENT_ID, FalskAr, KjorendeFalskAr, syntetisk_part
from tilbud.models import ArMarkor, ArTjeneste
from tilbud.services.adresseregister import synk_adresseregister, synk_med_forsok

pytestmark = pytest.mark.django_db


@pytest.fixture
def ar() -> Iterator[KjorendeFalskAr]:
    falsk = FalskAr()
    for nummer in (1, 2, 3):
        falsk.legg_til(syntetisk_part(nummer))
    kjorende = KjorendeFalskAr(falsk)
    yield kjorende
    kjorende.stopp()


@pytest.fixture
def ar_innstillinger(ar: KjorendeFalskAr, settings) -> KjorendeFalskAr:
    settings.AR_BASE_URL = ar.base_url
    settings.AR_AUTENTISERING = "helseid"
    settings.AR_HELSEID_TOKEN_URL = ar.token_url
    settings.AR_HELSEID_KLIENT_ID = KLIENT_ID
    settings.AR_HELSEID_PRIVAT_NOKKEL = ar.ar.privat_jwk()
    settings.AR_TIDSAVBRUDD_SEKUNDER = 5
    return ar


@pytest.fixture
def klient(ar_innstillinger: KjorendeFalskAr) -> ArKlient:
    return ar_klient()


def kopien() -> dict[int, tuple[str, bool, bool, list[str]]]:
    return {t.her_id: (t.navn, t.aktiv, t.slettet, t.meldinger) for t in ArTjeneste.objects.all()}


def markor() -> str:
    return ArMarkor.objects.get(navn="ar").siste_hendelse_id


def test_first_sync_copies_the_export_and_stores_its_cursor(
    klient: ArKlient, ar: KjorendeFalskAr
) -> None:
    melding: list[str] = []
    resultat = synk_adresseregister(klient=klient, melding=melding.append)

    assert resultat.full_eksport and resultat.parter == 3
    assert kopien() == {
        FORSTE_HER_ID + n: (
            f"Syntetisk tjeneste {n}",
            True,
            False,
            ["dialogmelding-1.1", "henvisning-2.0"],
        )
        for n in (1, 2, 3)
    }
    tjeneste = ArTjeneste.objects.get(her_id=FORSTE_HER_ID + 1)
    assert (tjeneste.organisasjonsnummer, tjeneste.tjenestekode) == ("990100001", "14")
    assert tjeneste.overordnet_her_id == FORSTE_HER_ID + 5001
    assert markor() == ar.ar.siste_hendelse()
    assert any("3 kommunikasjonsparter" in m for m in melding)
    # Every API call was authorised: the token and DPoP checks passed, nothing was refused.
    assert ar.ar.avvist == []
    assert ar.ar.kall == ["/CommunicationPartyExport"]


def test_a_second_run_reads_events_from_the_cursor_and_changes_nothing(
    klient: ArKlient, ar: KjorendeFalskAr
) -> None:
    synk_adresseregister(klient=klient)
    for_ = kopien()

    resultat = synk_adresseregister(klient=klient)

    assert not resultat.full_eksport and resultat.hendelser == 0
    assert kopien() == for_
    assert ar.ar.kall[-1].startswith("/CommunicationPartyEvents?eventId=syntetisk-000003")


def test_an_event_that_changes_a_service_updates_the_copy_across_pages(
    klient: ArKlient, ar: KjorendeFalskAr
) -> None:
    synk_adresseregister(klient=klient)
    ar.ar.endre(FORSTE_HER_ID + 1, Name="Syntetisk tjeneste 1 (nytt navn)")
    ar.ar.endre(FORSTE_HER_ID + 2, Active=False)
    ar.ar.endre(FORSTE_HER_ID + 3, Messages=["henvisning-1.1"])
    ar.ar.legg_til(syntetisk_part(4))  # four events: two pages of two

    resultat = synk_adresseregister(klient=klient)

    assert not resultat.full_eksport and resultat.hendelser == 4
    etter = kopien()
    assert etter[FORSTE_HER_ID + 1][0] == "Syntetisk tjeneste 1 (nytt navn)"
    assert etter[FORSTE_HER_ID + 2][1] is False
    assert etter[FORSTE_HER_ID + 3][3] == ["henvisning-1.1"]
    assert FORSTE_HER_ID + 4 in etter
    assert markor() == ar.ar.siste_hendelse()


def test_a_deleted_service_is_marked_gone_not_forgotten(
    klient: ArKlient, ar: KjorendeFalskAr
) -> None:
    synk_adresseregister(klient=klient)
    ar.ar.slett(FORSTE_HER_ID + 2)

    synk_adresseregister(klient=klient)

    assert kopien()[FORSTE_HER_ID + 2][2] is True
    assert kopien()[FORSTE_HER_ID + 1][2] is False


def test_an_expired_cursor_starts_again_from_a_full_export(
    klient: ArKlient, ar: KjorendeFalskAr
) -> None:
    synk_adresseregister(klient=klient)
    ar.ar.slett(FORSTE_HER_ID + 3)
    ar.ar.endre(FORSTE_HER_ID + 1, Name="Syntetisk omdøpt")
    ar.ar.glem_hendelser()
    melding: list[str] = []

    resultat = synk_adresseregister(klient=klient, melding=melding.append)

    assert resultat.full_eksport and resultat.slettet == 1
    assert any("full eksport" in m for m in melding)
    assert kopien()[FORSTE_HER_ID + 3][2] is True
    assert kopien()[FORSTE_HER_ID + 1][0] == "Syntetisk omdøpt"
    assert markor() == ar.ar.siste_hendelse()
    # And from the new cursor on, events again.
    ar.ar.endre(FORSTE_HER_ID + 2, Name="Syntetisk etterpå")
    assert not synk_adresseregister(klient=klient).full_eksport
    assert kopien()[FORSTE_HER_ID + 2][0] == "Syntetisk etterpå"


def test_ar_down_retries_with_backoff_and_keeps_nothing_half_done(
    klient: ArKlient, ar: KjorendeFalskAr
) -> None:
    ar.ar.nede = True
    pauser: list[float] = []

    with pytest.raises(ArUtilgjengelig):
        synk_med_forsok(klient=klient, forsok=3, forste_pause=5, vent=pauser.append)

    assert pauser == [5, 10]
    assert not ArTjeneste.objects.exists()
    assert not ArMarkor.objects.exclude(siste_hendelse_id="").exists()

    # Back up: the next run does the first sync completely.
    ar.ar.nede = False
    synk_med_forsok(klient=klient, vent=pauser.append)
    assert len(kopien()) == 3


def test_ar_failing_mid_run_keeps_the_applied_pages_and_resumes_from_them(
    klient: ArKlient, ar: KjorendeFalskAr
) -> None:
    synk_adresseregister(klient=klient)
    for nummer in (4, 5, 6, 7):
        ar.ar.legg_til(syntetisk_part(nummer))
    ar.ar.feil_etter = 2  # the first page comes, the second fails
    pauser: list[float] = []

    resultat = synk_med_forsok(klient=klient, forsok=2, forste_pause=1, vent=pauser.append)

    assert pauser == [1]
    assert resultat.hendelser == 2  # the retry read only the page it had not got
    assert set(kopien()) == {FORSTE_HER_ID + n for n in range(1, 8)}
    assert markor() == ar.ar.siste_hendelse()


def test_a_failed_page_is_not_half_applied(klient: ArKlient, ar: KjorendeFalskAr) -> None:
    synk_adresseregister(klient=klient)
    for_markor = markor()
    ar.ar.endre(FORSTE_HER_ID + 1, Name="Syntetisk A")
    ar.ar.endre(FORSTE_HER_ID + 2, Name="Syntetisk B")
    ar.ar.nede = True

    with pytest.raises(ArUtilgjengelig):
        synk_adresseregister(klient=klient)

    assert markor() == for_markor
    assert kopien()[FORSTE_HER_ID + 1][0] == "Syntetisk tjeneste 1"


def test_a_client_with_the_wrong_key_gets_no_token_and_no_data(
    ar: KjorendeFalskAr,
) -> None:
    annen = FalskAr()  # another key pair
    klient = ArKlient(
        ar.base_url,
        HelseIdDpop(token_url=ar.token_url, klient_id=KLIENT_ID, privat_nokkel=annen.privat_jwk()),
    )
    with pytest.raises(ArUtilgjengelig, match="HelseID"):
        klient.eksport()
    assert ar.ar.kall == []


def test_the_api_refuses_a_request_without_dpop(ar: KjorendeFalskAr) -> None:
    klient = ArKlient(ar.base_url, IngenAutentisering())
    with pytest.raises(ArUtilgjengelig, match="401"):
        klient.eksport()
    assert ar.ar.avvist and "mangler DPoP-token" in ar.ar.avvist[0]


def test_one_party_by_her_id(klient: ArKlient) -> None:
    assert klient.kommunikasjonspart(FORSTE_HER_ID + 2)["Name"] == "Syntetisk tjeneste 2"


def test_the_command_prints_progress_and_is_safe_to_rerun(ar_innstillinger) -> None:
    ut = StringIO()
    call_command("synk_adresseregister", stdout=ut)
    assert "Full eksport: 3 kommunikasjonsparter" in ut.getvalue()
    ut = StringIO()
    call_command("synk_adresseregister", stdout=ut)
    assert "0 hendelser" in ut.getvalue()
    assert len(kopien()) == 3


def test_the_command_fails_with_a_message_when_ar_is_down(ar_innstillinger) -> None:
    ar_innstillinger.ar.nede = True
    with pytest.raises(CommandError, match="svarte ikke etter 2 forsøk"):
        call_command("synk_adresseregister", "--forsok", "2", "--pause", "0", stdout=StringIO())
    assert not ArTjeneste.objects.exists()


def test_the_command_says_what_is_missing_without_settings(settings) -> None:
    settings.AR_BASE_URL = ""
    settings.AR_AUTENTISERING = "ingen"
    with pytest.raises(CommandError, match="AR_BASE_URL"):
        call_command("synk_adresseregister", stdout=StringIO())
    settings.AR_BASE_URL = "file:///etc/passwd"
    with pytest.raises(CommandError, match="http"):
        call_command("synk_adresseregister", stdout=StringIO())


def test_the_beat_schedule_runs_the_ar_job_hourly() -> None:
    jobb = django_settings.CELERY_BEAT_SCHEDULE["synk-adresseregister"]
    assert jobb["task"] == "tilbud.tasks.synk_adresseregister"
    assert jobb["schedule"] == 3600


def test_the_task_syncs_when_configured_and_idles_otherwise(ar_innstillinger, settings) -> None:
    from tilbud.tasks import synk_adresseregister as oppgave

    assert "Full eksport: 3" in oppgave.apply().get()
    settings.AR_BASE_URL = ""
    assert oppgave.apply().get() == "AR_BASE_URL er ikke satt"
