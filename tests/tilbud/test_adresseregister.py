"""AR synchronisation end to end against the local fake AR (tests/falsk_ar.py): HelseID client
credentials + DPoP, the full export, events from the cursor, deletions, an expired cursor, AR
away (retries, nothing half-done kept), the command and the beat job."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helsearbeid.adresseregister import (
    ArKlient,
    ArUtilgjengelig,
    HelseIdDpop,
    IngenAutentisering,
    ar_klient,
)
from tests.factories import OrganisasjonFactory, TilbudFactory, bruker_med_rolle
from tests.falsk_ar import FORSTE_HER_ID, KLIENT_ID, FalskAr, KjorendeFalskAr, syntetisk_part
from tilbud.models import ArFlagg, ArMarkor, ArTjeneste, Endringsforslag, Organisasjon, Tilbud
from tilbud.services.adresseregister import synk_adresseregister, synk_med_forsok
from tilbud.services.redigering import forslag_avvis, forslag_godkjenn
from tilbud.services.ukentlig_sammendrag import send_ukentlige_sammendrag

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


# --- What the sync means for the catalogue: proposals and flags for the coordinators ----------


@pytest.fixture
def leverandor() -> Organisasjon:
    """Our organisation for synthetic parties 1 and 2 (their organisasjonsnummer)."""
    return OrganisasjonFactory(navn="Syntetisk leverandør", organisasjonsnummer="990100001")


def test_a_matching_service_becomes_a_proposal_never_a_silent_write(
    klient: ArKlient, ar: KjorendeFalskAr, leverandor: Organisasjon
) -> None:
    treff = TilbudFactory(organisasjon=leverandor, navn="Syntetisk tjeneste 1")
    annet_navn = TilbudFactory(organisasjon=leverandor, navn="Et helt annet tilbud")
    # Same name, but AR's party is an organisation, not a service (no service code).
    ar.ar.legg_til(syntetisk_part(8, OrganizationNumber="990100001", ServiceCode=""))
    TilbudFactory(organisasjon=leverandor, navn="Syntetisk tjeneste 8")

    resultat = synk_adresseregister(klient=klient)

    assert resultat.forslag == 1
    forslag = Endringsforslag.objects.get()
    assert (forslag.tilbud, forslag.status) == (treff, "venter")
    assert forslag.endringer["her_id"] == FORSTE_HER_ID + 1
    assert forslag.endringer["meldinger"] == ["dialogmelding-1.1", "henvisning-2.0"]
    assert "990100001" in forslag.begrunnelse and "tjenestekode 14" in forslag.begrunnelse
    treff.refresh_from_db()
    annet_navn.refresh_from_db()
    assert treff.her_id is None and annet_navn.her_id is None  # nothing written yet

    # Again: the pending proposal is not repeated.
    assert synk_adresseregister(klient=klient).forslag == 0
    assert Endringsforslag.objects.count() == 1


def test_the_coordinator_sees_the_proposal_and_accepting_writes_through_tilbud_endre(
    klient: ArKlient, leverandor: Organisasjon
) -> None:
    tilbud = TilbudFactory(organisasjon=leverandor, navn="Syntetisk tjeneste 1")
    synk_adresseregister(klient=klient)
    koordinator = bruker_med_rolle("koordinator", rhf="HN")
    nettleser = Client()
    nettleser.force_login(koordinator)

    side = nettleser.get(reverse("koordinator:forslag"))
    assert side.status_code == 200
    assert "Syntetisk tjeneste 1" in side.content.decode()
    forslag = Endringsforslag.objects.get()

    forslag_godkjenn(bruker=koordinator, forslag_id=forslag.pk, versjon=tilbud.versjon)

    tilbud.refresh_from_db()
    assert tilbud.her_id == FORSTE_HER_ID + 1
    assert tilbud.her_navn == "Syntetisk tjeneste 1"
    assert tilbud.overordnet_her_id == FORSTE_HER_ID + 5001
    assert tilbud.ar_kontrollert is not None
    assert tilbud.versjon == forslag.grunnversjon + 1


def test_a_rejected_proposal_is_not_made_again(klient: ArKlient, leverandor: Organisasjon) -> None:
    TilbudFactory(organisasjon=leverandor, navn="Syntetisk tjeneste 1")
    synk_adresseregister(klient=klient)
    koordinator = bruker_med_rolle("koordinator", rhf="HN")
    forslag_avvis(
        bruker=koordinator, forslag_id=Endringsforslag.objects.get().pk, kommentar="Feil tjeneste"
    )

    assert synk_adresseregister(klient=klient).forslag == 0


def apne_flagg() -> dict[int, str]:
    return dict(ArFlagg.objects.filter(lukket__isnull=True).values_list("tilbud_id", "grunn"))


def test_flags_follow_ar_inactive_messages_and_deleted_and_close_again(
    klient: ArKlient, ar: KjorendeFalskAr, leverandor: Organisasjon
) -> None:
    tilbud = TilbudFactory(
        organisasjon=leverandor,
        navn="Et registrert tilbud",
        her_id=FORSTE_HER_ID + 3,
        meldinger=["henvisning-2.0"],
    )
    synk_adresseregister(klient=klient)
    assert apne_flagg() == {}

    ar.ar.endre(FORSTE_HER_ID + 3, Active=False)
    assert synk_adresseregister(klient=klient).flagg_nye == 1
    assert apne_flagg() == {tilbud.pk: "inaktiv"}
    assert synk_adresseregister(klient=klient).flagg_nye == 0  # not repeated

    ar.ar.endre(FORSTE_HER_ID + 3, Active=True, Messages=["dialogmelding-1.1"])
    synk_adresseregister(klient=klient)
    assert apne_flagg() == {tilbud.pk: "meldinger"}
    assert "henvisning-2.0" in ArFlagg.objects.get(lukket__isnull=True).detalj

    ar.ar.slett(FORSTE_HER_ID + 3)
    synk_adresseregister(klient=klient)
    assert apne_flagg() == {tilbud.pk: "forsvunnet"}

    # The coordinator corrects the HER-id: the flag closes on the next run.
    Tilbud.objects.filter(pk=tilbud.pk).update(her_id=FORSTE_HER_ID + 1)
    synk_adresseregister(klient=klient)
    assert apne_flagg() == {}
    assert ArFlagg.objects.filter(tilbud=tilbud, lukket__isnull=False).count() == 3


def test_flags_reach_the_coordinators_queue_and_weekly_digest(
    klient: ArKlient, ar: KjorendeFalskAr, leverandor: Organisasjon
) -> None:
    tilbud = TilbudFactory(
        organisasjon=leverandor, navn="Et flagget tilbud", her_id=FORSTE_HER_ID + 2
    )
    ar.ar.endre(FORSTE_HER_ID + 2, Active=False)
    synk_adresseregister(klient=klient)
    hn = bruker_med_rolle("koordinator", rhf="HN")
    hn.email = "koordinator-hn@example.no"
    hn.save()
    hv = bruker_med_rolle("koordinator", rhf="HV")
    nettleser = Client()
    nettleser.force_login(hn)

    side = nettleser.get(reverse("koordinator:forslag")).content.decode()
    assert "Et flagget tilbud" in side and "ikke lenger aktiv" in side
    nettleser.force_login(hv)
    assert "Et flagget tilbud" not in nettleser.get(reverse("koordinator:forslag")).content.decode()

    Tilbud.objects.exclude(pk=tilbud.pk).update(sist_bekreftet=timezone.localdate())
    send_ukentlige_sammendrag()

    assert [m.to for m in mail.outbox] == [["koordinator-hn@example.no"]]
    tekst = mail.outbox[0].body
    assert "1 HER-id må sjekkes mot Adresseregisteret" in tekst
    assert f"/koordinator/tilbud/{tilbud.pk}/" in tekst


def test_the_queue_page_reads_flags_in_constant_queries(
    klient: ArKlient, ar: KjorendeFalskAr, leverandor: Organisasjon, django_assert_max_num_queries
) -> None:
    for nummer in (1, 2, 3):
        TilbudFactory(organisasjon=leverandor, navn=f"Flagget {nummer}", her_id=FORSTE_HER_ID + 9)
    synk_adresseregister(klient=klient)
    assert len(apne_flagg()) == 3
    nettleser = Client()
    nettleser.force_login(bruker_med_rolle("koordinator", rhf="HN"))
    with django_assert_max_num_queries(15) as sporringer:
        nettleser.get(reverse("koordinator:forslag"))
    for nummer in (4, 5, 6, 7, 8, 9):
        TilbudFactory(organisasjon=leverandor, navn=f"Flagget {nummer}", her_id=FORSTE_HER_ID + 9)
    synk_adresseregister(klient=klient)
    with django_assert_max_num_queries(len(sporringer.captured_queries)):
        nettleser.get(reverse("koordinator:forslag"))
