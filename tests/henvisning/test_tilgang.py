"""Who sees what: a permission matrix of role × every referral URL (HTML and API), and a test
that fails when a referral URL is missing from the table. Out of scope answers 404."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from henvisning.livssyklus import Handling, Part
from henvisning.models import Henvisning, Tilgangslogg
from henvisning.services import henvisning_opprett, henvisning_overgang
from tests.henvisning.conftest import FNR, komplett

pytestmark = pytest.mark.django_db
ROLLER = ["sender", "mottaker", "annen_lege", "koordinator", "analytiker", "anonym"]

# (url name, method, {role: expected status}); ALLE = the same for every signed-in role.
# A referral is sent (status «sendt») with one open forespørsel.
SKJUL = {"annen_lege": 404, "koordinator": 404, "analytiker": 404}
TABELL: list[tuple[str, str, dict[str, int]]] = [
    # HTML
    ("henvisning:mine", "get", {"sender": 200, "mottaker": 200, "annen_lege": 200,
                                "koordinator": 200, "analytiker": 200}),
    ("henvisning:innboks", "get", {"sender": 200, "mottaker": 200, "annen_lege": 200,
                                   "koordinator": 200, "analytiker": 200}),
    ("henvisning:sok", "get", {"sender": 200, "mottaker": 200, "annen_lege": 200,
                               "koordinator": 200, "analytiker": 200}),
    ("henvisning:forfalte-per-enhet", "get", {"sender": 403, "mottaker": 403, "annen_lege": 403,
                                              "koordinator": 200, "analytiker": 200}),
    ("henvisning:ny", "get", {"sender": 200, "mottaker": 404, "annen_lege": 200,
                              "koordinator": 404, "analytiker": 404}),
    ("henvisning:sjekkliste", "get", {"sender": 403, "mottaker": 404, "annen_lege": 403,
                                      "koordinator": 200, "analytiker": 404}),
    ("henvisning:detalj", "get", {"sender": 200, "mottaker": 200, **SKJUL}),
    ("henvisning:endre", "get", {"sender": 302, "mottaker": 302, **SKJUL}),
    ("henvisning:utskrift", "get", {"sender": 200, "mottaker": 200, **SKJUL}),
    ("henvisning:foresporsel", "post", {"sender": 400, "mottaker": 400, **SKJUL}),
    ("henvisning:svar", "post", {"sender": 400, "mottaker": 400, **SKJUL}),
    ("henvisning:handling", "post", {"sender": 409, "mottaker": 302, **SKJUL}),
    # API
    ("henvisning-api:liste", "get", {"sender": 200, "mottaker": 200, "annen_lege": 200,
                                     "koordinator": 200, "analytiker": 200}),
    ("henvisning-api:forfalte", "get", {"sender": 200, "mottaker": 200, "annen_lege": 200,
                                        "koordinator": 200, "analytiker": 200}),
    ("henvisning-api:sok", "post", {"sender": 400, "mottaker": 400, "annen_lege": 400,
                                    "koordinator": 400, "analytiker": 400}),
    ("henvisning-api:forfalte-per-enhet", "get", {"sender": 403, "mottaker": 403,
                                                  "annen_lege": 403, "koordinator": 200,
                                                  "analytiker": 200}),
    ("henvisning-api:sjekkliste", "get", {"sender": 200, "mottaker": 404, "annen_lege": 200,
                                          "koordinator": 200, "analytiker": 404}),
    ("henvisning-api:detalj", "get", {"sender": 200, "mottaker": 200, **SKJUL}),
    ("henvisning-api:send", "post", {"sender": 409, "mottaker": 409, **SKJUL}),
    ("henvisning-api:motta", "post", {"sender": 409, "mottaker": 200, **SKJUL}),
    ("henvisning-api:vurder", "post", {"sender": 400, "mottaker": 400, **SKJUL}),
    ("henvisning-api:venter", "post", {"sender": 409, "mottaker": 409, **SKJUL}),
    ("henvisning-api:start", "post", {"sender": 409, "mottaker": 409, **SKJUL}),
    ("henvisning-api:avslutt", "post", {"sender": 409, "mottaker": 409, **SKJUL}),
    ("henvisning-api:trekk", "post", {"sender": 400, "mottaker": 409, **SKJUL}),
    ("henvisning-api:avvis", "post", {"sender": 400, "mottaker": 400, **SKJUL}),
    ("henvisning-api:videresending", "get", {"sender": 403, "mottaker": 200, **SKJUL}),
    ("henvisning-api:foresporsel", "post", {"sender": 400, "mottaker": 400, **SKJUL}),
    ("henvisning-api:svar", "post", {"sender": 400, "mottaker": 400, **SKJUL}),
    ("henvisning-api:fhir", "get", {"sender": 200, "mottaker": 200, **SKJUL}),
]  # fmt: skip


def _henvisning_navn() -> set[str]:
    navn: set[str] = set()

    def gaa(mønstre, ns: str = "") -> None:
        for m in mønstre:
            if isinstance(m, URLResolver):
                gaa(m.url_patterns, f"{ns}{m.namespace}:" if m.namespace else ns)
            elif isinstance(m, URLPattern) and m.name and ns.startswith("henvisning"):
                navn.add(f"{ns}{m.name}")

    gaa(get_resolver().url_patterns)
    return navn


def dekkede_ruter() -> set[str]:
    """Every URL name the table covers (`namespace:name`), for tests/test_url_dekning.py."""
    return {rad[0] for rad in TABELL}


def test_alle_henvisningsadresser_er_i_tabellen() -> None:
    assert _henvisning_navn() == {rad[0] for rad in TABELL}


@pytest.fixture
def brukere(sender, mottaker, annen_lege, koordinator, analytiker) -> dict:
    return {
        "sender": sender,
        "mottaker": mottaker,
        "annen_lege": annen_lege,
        "koordinator": koordinator,
        "analytiker": analytiker,
        "anonym": None,
    }


@pytest.fixture
def sendt(sender, mottaker, tilbud) -> Henvisning:
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    return henvisning_overgang(
        henvisning=h, bruker=sender, part=Part.SENDER, handling=Handling.SEND
    )


def _url(navn: str, h: Henvisning, foresporsel_id: int) -> str:
    from django.urls import reverse

    kw: dict = {}
    if navn in {"henvisning:ny", "henvisning:sjekkliste", "henvisning-api:sjekkliste"}:
        kw = {"tilbud_id": h.tilbud_id}
    elif navn == "henvisning:handling":
        kw = {"pk": h.pk, "navn": "motta"}
    elif navn.endswith(":svar"):
        kw = {"pk": h.pk, "foresporsel_id": foresporsel_id}
    elif navn not in {
        "henvisning:mine",
        "henvisning:innboks",
        "henvisning:sok",
        "henvisning:forfalte-per-enhet",
    } and (
        navn.startswith("henvisning:")
        or navn
        not in {
            "henvisning-api:liste",
            "henvisning-api:sok",
            "henvisning-api:forfalte",
            "henvisning-api:forfalte-per-enhet",
        }
    ):
        kw = {"pk": h.pk}
    return reverse(navn, kwargs=kw)


@pytest.mark.parametrize("rolle", ROLLER)
@pytest.mark.parametrize(("navn", "metode", "forventet"), TABELL, ids=[r[0] for r in TABELL])
def test_tilgangsmatrise(client, brukere, sendt, mottaker, rolle, navn, metode, forventet) -> None:
    from henvisning.models import Foresporsel

    f = Foresporsel.objects.create(henvisning=sendt, sporsmal="Mangler", spurt_av=mottaker)
    bruker = brukere[rolle]
    if bruker is not None:
        client.force_login(bruker)
    svar = getattr(client, metode)(_url(navn, sendt, f.pk))
    if rolle == "anonym":
        # HTML: to the login page; API: not authenticated.
        assert svar.status_code in ({302} if navn.startswith("henvisning:") else {401, 403})
        return
    assert svar.status_code == forventet[rolle], svar.content[:300]
    if forventet[rolle] == 404:
        # Nothing of the referral leaks out, and nothing was logged as an opening.
        assert b"Ola" not in svar.content
        assert not Tilgangslogg.objects.filter(bruker=bruker).exists()


def test_koordinator_og_analytiker_ser_aldri_personopplysninger(
    client, koordinator, analytiker, sendt
) -> None:
    for bruker in (koordinator, analytiker):
        client.force_login(bruker)
        for url in ("/henvisninger/", "/henvisninger/innboks/", "/api/v1/henvisninger/"):
            assert b"Ola" not in client.get(url).content


# Every URL that opens one referral (its pk in the path), for each party that may open it.
APNER = [
    (navn, metode, rolle)
    for navn, metode, forventet in TABELL
    if navn not in {"henvisning:mine", "henvisning:innboks", "henvisning:forfalte-per-enhet",
                    "henvisning:ny", "henvisning:sjekkliste", "henvisning:sok",
                    "henvisning-api:sok", "henvisning-api:liste",
                    "henvisning-api:forfalte", "henvisning-api:forfalte-per-enhet",
                    "henvisning-api:sjekkliste"}
    for rolle in ("sender", "mottaker")
    if forventet[rolle] != 404
]  # fmt: skip


@pytest.mark.parametrize(("navn", "metode", "rolle"), APNER, ids=[f"{r[0]}-{r[2]}" for r in APNER])
def test_tilgangsloggen_skrives_ved_hver_apning(
    client, brukere, sendt, mottaker, navn, metode, rolle
) -> None:
    from henvisning.models import Foresporsel

    f = Foresporsel.objects.create(henvisning=sendt, sporsmal="Mangler", spurt_av=mottaker)
    bruker = brukere[rolle]
    client.force_login(bruker)
    for gang in (1, 2):
        getattr(client, metode)(_url(navn, sendt, f.pk))
        logg = Tilgangslogg.objects.filter(henvisning=sendt, bruker=bruker)
        assert logg.count() == gang
        assert logg.first().rolle == rolle


# --- What the matrix's status codes cannot show (found by mutation testing, bench/README.md) ---


def test_coordinator_counts_overdue_referrals_of_own_region_only(api, sendt, sender) -> None:
    """«Forfalte per enhet»: the coordinator of the referral's region sees its unit's count, a
    coordinator of another region sees nothing of it."""
    from datetime import date

    from tests.factories import bruker_med_rolle

    Henvisning.objects.filter(pk=sendt.pk).update(vurderingsfrist=date(2020, 1, 6))
    egen = sendt.rhf.kode
    annen = next(k for k in ("HSO", "HV", "HMN", "HN") if k != egen)
    for kode, forventet in ((egen, [(sendt.mottaker.navn, egen, 1)]), (annen, [])):
        api.force_authenticate(bruker_med_rolle("koordinator", rhf=kode))
        svar = api.get("/api/v1/henvisninger/forfalte-per-enhet/")
        assert svar.status_code == 200
        rader = [(r["mottaker"], r["rhf"], r["antall"]) for r in svar.json()["resultater"]]
        assert rader == forventet, kode


def test_fodselsnummer_search_lists_newest_first_and_logs_each_hit_in_its_role(
    api, sendt, sender, mottaker, tilbud
) -> None:
    from datetime import timedelta

    from henvisning.tilgang import henvisninger_for_fodselsnummer

    nyere = henvisning_overgang(
        henvisning=henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett()),
        bruker=sender,
        part=Part.SENDER,
        handling=Handling.SEND,
    )
    # Newest change first, whatever the creation order: the older referral was changed last.
    Henvisning.objects.filter(pk=sendt.pk).update(endret=nyere.endret + timedelta(minutes=1))
    for bruker, rolle in ((sender, "sender"), (mottaker, "mottaker")):
        treff = henvisninger_for_fodselsnummer(bruker=bruker, fodselsnummer="15108695088")
        assert [h.pk for h in treff] == [sendt.pk, nyere.pk]
        logg = Tilgangslogg.objects.filter(bruker=bruker, handling="sok")
        assert sorted(logg.values_list("henvisning_id", "rolle")) == sorted(
            [(nyere.pk, rolle), (sendt.pk, rolle)]
        )
    # Changed at the same moment: the later referral first, the same order on every search.
    Henvisning.objects.filter(pk=sendt.pk).update(endret=nyere.endret)
    treff = henvisninger_for_fodselsnummer(bruker=sender, fodselsnummer="15108695088")
    assert [h.pk for h in treff] == [nyere.pk, sendt.pk]


def test_anonymous_users_get_nothing_from_the_checks_themselves(sendt) -> None:
    """The views send anonymous users to the login page first; the checks refuse them too."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from henvisning import tilgang

    anonym = AnonymousUser()
    assert tilgang.henvisninger_for_fodselsnummer(bruker=anonym, fodselsnummer="15108695088") == []
    assert not tilgang.synlige_henvisninger(anonym).exists()
    for sjekk in (
        lambda: tilgang.henvisning_for(bruker=anonym, henvisning_id=sendt.pk),
        lambda: tilgang.tilbud_for_sjekkliste(bruker=anonym, tilbud_id=sendt.tilbud_id),
        lambda: tilgang.tilbud_for_henvisning(bruker=anonym, tilbud_id=sendt.tilbud_id),
    ):
        with pytest.raises(Http404):
            sjekk()
    assert not Tilgangslogg.objects.exists()


def test_fodselsnummer_search_query_count_does_not_grow_with_the_hits(
    api, sendt, sender, tilbud
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.force_authenticate(sender)

    def sporringer() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as fanget:
            svar = api.post("/api/v1/henvisninger/sok/", {"fodselsnummer": FNR}, format="json")
        assert svar.status_code == 200
        return len(svar.json()["results"]), len(fanget)

    sporringer()  # the first request of a process loads what every later one reuses
    treff_en, en = sporringer()
    for _ in range(2):
        henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    treff_tre, tre = sporringer()
    assert (treff_en, treff_tre) == (1, 3)
    assert tre == en


def test_missing_tilbud_and_referrals_are_404_for_a_signed_in_referrer(api, client, sender) -> None:
    api.force_authenticate(sender)
    client.force_login(sender)
    mangler = 10**9
    assert api.get(f"/api/v1/henvisninger/sjekklister/{mangler}/").status_code == 404
    assert api.get(f"/api/v1/henvisninger/{mangler}/").status_code == 404
    assert client.get(f"/henvisninger/ny/{mangler}/").status_code == 404


def test_only_the_coordinator_changes_a_checklist_and_the_api_says_so(api, sender, tilbud) -> None:
    api.force_authenticate(sender)  # may read the checklist (may refer), not change it
    assert api.get(f"/api/v1/henvisninger/sjekklister/{tilbud.pk}/").status_code == 200
    svar = api.put(
        f"/api/v1/henvisninger/sjekklister/{tilbud.pk}/", {"punkter": ["Nytt"]}, format="json"
    )
    assert svar.status_code == 403
    assert svar.json() == {"detail": "Bare koordinatoren for regionen kan endre sjekklisten."}


@pytest.mark.parametrize("part", ["sender", "mottaker"])
def test_opening_a_referral_fetches_what_its_page_shows_in_the_same_query(
    part: str, sendt, sender, mottaker, tilbud, django_assert_num_queries
) -> None:
    """The referral page shows the tilbud, the receiving unit, the region, who referred and,
    after a forwarding, where to: reading them costs no query after henvisning_for."""
    from henvisning.tilgang import henvisning_for

    # Only the stored column matters here: where an assessment forwarded the referral.
    Henvisning.objects.filter(pk=sendt.pk).update(videresendt_til=tilbud)
    bruker = {"sender": sender, "mottaker": mottaker}[part]
    h, _part = henvisning_for(bruker=bruker, henvisning_id=sendt.pk, handling="les")
    with django_assert_num_queries(0):
        vist = (h.tilbud.navn, h.mottaker.navn, h.rhf.navn, h.sender.username)
        assert all(vist) and h.videresendt_til.navn == tilbud.navn
