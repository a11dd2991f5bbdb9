"""No referral answer is stored by a browser or a proxy (issue 15, finding 3; ASVS v5.0.0-14.3.2).

Every referral route is taken from the URLconf (a new route cannot be forgotten) and asked as a
party that may use it, as one that may not (403/404), without login (302/401), with the wrong
method (405), for a referral that does not exist (404) and with a bad body (400): every answer
says `Cache-Control: no-store`, and the API's also `Vary: Authorization`."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from henvisning.livssyklus import Handling, Part
from henvisning.models import Foresporsel, Henvisning
from henvisning.services import henvisning_opprett, henvisning_overgang
from tests.henvisning.conftest import komplett
from tests.henvisning.test_tilgang import TABELL
from tests.henvisning.test_tilgang import _url as tabell_url

pytestmark = pytest.mark.django_db

METODE = {navn: metode for navn, metode, _ in TABELL}
FORVENTET = {navn: forventet for navn, _, forventet in TABELL}
# The first of these that may use a route is its owner for this test.
EIERE = ("sender", "mottaker", "koordinator")


def _henvisningsruter() -> list[tuple[str, str]]:
    """(name, pattern) of every route in a namespace that starts with «henvisning»."""
    ruter: list[tuple[str, str]] = []

    def gaa(monstre, ns: str = "") -> None:
        for m in monstre:
            if isinstance(m, URLResolver):
                gaa(m.url_patterns, f"{ns}{m.namespace}:" if m.namespace else ns)
            elif isinstance(m, URLPattern) and ns.startswith("henvisning"):
                ruter.append((f"{ns}{m.name}", str(m.pattern)))

    gaa(get_resolver().url_patterns)
    return ruter


RUTER = _henvisningsruter()


def _sjekk(svar, hva: str, api: bool) -> None:
    cache_control = svar.get("Cache-Control", "")
    assert "no-store" in cache_control, f"{hva}: {svar.status_code} uten no-store"
    assert svar.get("Pragma") == "no-cache", hva
    if api:
        assert "Authorization" in svar.get("Vary", ""), f"{hva}: Vary={svar.get('Vary')}"


@pytest.fixture
def sendt(sender, mottaker, tilbud) -> Henvisning:
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
    return henvisning_overgang(
        henvisning=h, bruker=sender, part=Part.SENDER, handling=Handling.SEND
    )


def test_the_walk_finds_the_referral_routes() -> None:
    # Guards the walk itself: both the pages and the API, FHIR included, and nothing unnamed.
    navn = {n for n, _ in RUTER}
    assert {"henvisning:detalj", "henvisning-api:detalj", "henvisning-api:fhir"} <= navn
    assert len(navn) == len(RUTER) >= 25


@pytest.mark.parametrize(("navn", "monster"), RUTER, ids=[r[0] for r in RUTER])
def test_every_answer_on_a_referral_route_says_no_store(
    sender, mottaker, annen_lege, koordinator, sendt, navn, monster
) -> None:
    assert navn in METODE, f"{navn} ({monster}) mangler i tilgangstabellen"
    api = navn.startswith("henvisning-api:")
    f = Foresporsel.objects.create(henvisning=sendt, sporsmal="Mangler", spurt_av=mottaker)
    url = tabell_url(navn, sendt, f.pk)
    metode = METODE[navn]
    roller = {"sender": sender, "mottaker": mottaker, "koordinator": koordinator}
    eier = next(r for r in EIERE if FORVENTET[navn][r] not in {403, 404})
    statuser = set()

    def spor(klient: Client, hva: str, metode: str, adresse: str, **kw) -> None:
        svar = getattr(klient, metode)(adresse, **kw)
        statuser.add(svar.status_code)
        _sjekk(svar, f"{navn} {hva} {metode.upper()} {adresse}", api)

    som_eier = Client()
    som_eier.force_login(roller[eier])
    spor(som_eier, eier, metode, url)
    # A body that cannot be right (400 where the route takes one).
    spor(som_eier, f"{eier} ugyldig", "post", url, data="{", content_type="application/json")
    # The other method (405 on most routes).
    spor(som_eier, eier, "get" if metode == "post" else "post", url)
    if "<int:" in monster:
        ukjent = url.replace(f"/{sendt.pk}/", "/987654321/").replace(
            f"/{sendt.tilbud_id}/", "/987654321/"
        )
        spor(som_eier, f"{eier} ukjent", metode, ukjent)
    annen = Client()
    annen.force_login(annen_lege)
    spor(annen, "annen_lege", metode, url)
    spor(Client(), "anonym", metode, url)
    # A route with an id in it answered «not found» too, not only the owner's answer.
    if "<int:" in monster:
        assert 404 in statuser, statuser


def test_the_walk_meets_400_403_and_404(
    sender, mottaker, annen_lege, koordinator, analytiker, sendt
) -> None:
    """The error answers the issue names, each on a referral route, each with no-store."""
    f = Foresporsel.objects.create(henvisning=sendt, sporsmal="Mangler", spurt_av=mottaker)
    klient = Client()
    klient.force_login(sender)
    svar = klient.post(
        reverse("henvisning-api:foresporsel", kwargs={"pk": sendt.pk}),
        data={},
        content_type="application/json",
    )
    assert svar.status_code == 400
    _sjekk(svar, "400", api=True)
    svar = klient.get(reverse("henvisning-api:forfalte-per-enhet"))
    assert svar.status_code == 403
    _sjekk(svar, "403", api=True)
    klient.force_login(annen_lege)
    svar = klient.get(reverse("henvisning-api:fhir", kwargs={"pk": sendt.pk}))
    assert svar.status_code == 404
    _sjekk(svar, "404", api=True)
    svar = klient.get(tabell_url("henvisning:svar", sendt, f.pk))
    assert svar.status_code in {404, 405}
    _sjekk(svar, "html", api=False)


def test_a_signed_in_persons_pages_elsewhere_are_not_stored_either(client, sender) -> None:
    # Anonymous: the public search page may be cached as before.
    assert "no-store" not in client.get(reverse("sok")).get("Cache-Control", "")
    client.force_login(sender)
    # Signed in, the same page names the user: not stored.
    for url in (reverse("sok"), reverse("koordinator:mine-tilbud"), reverse("password_change")):
        svar = client.get(url)
        assert "no-store" in svar.get("Cache-Control", ""), url


def test_an_unknown_api_address_varies_by_authorization(client) -> None:
    svar = client.get("/api/v1/finnes-ikke/")
    assert svar.status_code == 404
    assert "Authorization" in svar.get("Vary", "")
