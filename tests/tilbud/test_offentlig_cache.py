"""Conditional and cached public reads (tilbud.offentlig_cache, issue 20): anonymous answers are
made once per catalogue version; a change is seen by the next anonymous request; nothing
personal reaches the cache."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import BrukerFactory, bruker_med_rolle, token_klient
from tilbud.models import Tilbud
from tilbud.offentlig_cache import CSRF_PLASS, STATUS

pytestmark = pytest.mark.django_db

BODO = "s4_6_4_3_1"


@pytest.fixture(autouse=True)
def offentlig_cache(settings: Any) -> Iterator[None]:
    settings.OFFENTLIG_CACHE = True
    cache.clear()
    yield
    cache.clear()


def offentlige_nokler() -> list[str]:
    """The public answers in the cache backend (local memory or Redis)."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return [k for k in cache._cache if "offentlig:" in k]
    klient = cache._cache.get_client()
    return [k.decode() for k in klient.keys("*offentlig:*")]


def lagret_innhold() -> bytes:
    return b"".join(cache.get(k.split(":", 2)[2])[1] for k in offentlige_nokler())


def bodo() -> Tilbud:
    return Tilbud.objects.get(kilde_id=BODO)


def adresser() -> dict[str, tuple[str, dict[str, str]]]:
    pk = bodo().pk
    return {
        "search API": ("/api/v1/tilbud/", {"kommune": "1804", "diagnose": "L86"}),
        "search page": ("/", {"kommune": "1804", "diagnose": "L86"}),
        "tilbud page": (f"/tilbud/{pk}/", {}),
        "tilbud API detail": (f"/api/v1/tilbud/{pk}/", {}),
        "kommuner": ("/api/v1/kommuner/", {"q": "Bod"}),
    }


NAVN = ["search API", "search page", "tilbud page", "tilbud API detail", "kommuner"]


@pytest.mark.parametrize("navn", NAVN)
def test_the_second_anonymous_request_is_served_from_the_cache(navn: str) -> None:
    url, params = adresser()[navn]
    forste = Client().get(url, params)
    andre = Client().get(url, params)
    assert (forste.status_code, andre.status_code) == (200, 200)
    assert (forste[STATUS], andre[STATUS]) == ("bom", "treff")
    assert andre["ETag"] == forste["ETag"]
    assert "max-age=10" in andre["Cache-Control"]
    assert len(offentlige_nokler()) == 1


@pytest.mark.parametrize("navn", NAVN)
def test_a_matching_if_none_match_is_answered_304_before_any_work(
    navn: str, django_assert_max_num_queries: Any
) -> None:
    url, params = adresser()[navn]
    tag = Client().get(url, params)["ETag"]
    with django_assert_max_num_queries(1):  # the catalogue version
        svar = Client().get(url, params, HTTP_IF_NONE_MATCH=tag)
    assert svar.status_code == 304
    assert svar["ETag"] == tag
    assert Client().get(url, params, HTTP_IF_NONE_MATCH='"noe annet"').status_code == 200


def test_a_coordinators_change_through_the_service_is_seen_by_the_next_anonymous_request() -> None:
    from tilbud.services.redigering import tilbud_oppdater

    url = f"/tilbud/{bodo().pk}/"
    for_ = Client().get(url)
    assert Client().get(url)[STATUS] == "treff"
    t = bodo()
    tilbud_oppdater(
        bruker=bruker_med_rolle("koordinator", rhf="HN"),
        tilbud_id=t.pk,
        versjon=t.versjon,
        endringer={"navn": "Arbeidsrettet rehabilitering Bodø, nytt navn"},
    )
    etter = Client().get(url, HTTP_IF_NONE_MATCH=for_["ETag"])
    assert etter.status_code == 200
    assert etter["ETag"] != for_["ETag"]
    assert "Arbeidsrettet rehabilitering Bodø, nytt navn" in etter.content.decode()


@pytest.mark.parametrize("navn", ["search API", "search page", "tilbud API detail"])
def test_a_raw_update_is_seen_by_the_next_anonymous_request(navn: str) -> None:
    url, params = adresser()[navn]
    for_ = Client().get(url, params)
    assert Client().get(url, params)[STATUS] == "treff"
    Tilbud.objects.filter(kilde_id=BODO).update(navn="Bodø-tilbudet etter update()")
    etter = Client().get(url, params)
    assert etter[STATUS] == "bom"
    assert etter["ETag"] != for_["ETag"]
    assert "Bodø-tilbudet etter update()" in etter.content.decode()


def test_logged_in_answers_never_reach_the_cache() -> None:
    koordinator = bruker_med_rolle("koordinator", rhf="HN")
    koordinator.first_name, koordinator.last_name = "Kari", "Koordinatorsen"
    koordinator.save()
    c = Client()
    c.force_login(koordinator)
    for navn in ("search page", "tilbud page", "search API", "tilbud API detail"):
        url, params = adresser()[navn]
        svar = c.get(url, params)
        assert svar.status_code == 200
        assert STATUS not in svar
        assert "no-store" in svar["Cache-Control"]
    token = token_klient(BrukerFactory())
    svar = token.get(*adresser()["search API"])
    assert svar.status_code == 200 and STATUS not in svar
    assert offentlige_nokler() == []
    # ...and an anonymous page cached next to it holds nobody's name.
    Client().get(*adresser()["search page"])
    assert len(offentlige_nokler()) == 1
    assert b"Koordinatorsen" not in lagret_innhold() and b"Logg ut" not in lagret_innhold()


def test_referral_routes_are_never_cached() -> None:
    Client().get("/henvisninger/ny/", {"tilbud": bodo().pk})
    APIClient().get("/api/v1/henvisninger/")
    assert offentlige_nokler() == []


def test_language_and_fragment_have_their_own_answers() -> None:
    url, params = adresser()["search page"]
    nb = Client().get(url, params, HTTP_ACCEPT_LANGUAGE="nb")
    en = Client().get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    fragment = Client().get(url, params, HTTP_X_FRAGMENT="1")
    assert len({nb["ETag"], en["ETag"], fragment["ETag"]}) == 3
    assert "Accept-Language" in nb["Vary"] and "X-Fragment" in nb["Vary"]
    assert len(offentlige_nokler()) == 3


def test_the_query_is_normalised() -> None:
    a = Client().get("/api/v1/tilbud/?kommune=1804&diagnose=L86")
    b = Client().get("/api/v1/tilbud/?diagnose=L86&kommune=1804")
    assert b[STATUS] == "treff" and a["ETag"] == b["ETag"]


def test_a_cached_tilbud_page_gives_each_client_its_own_csrf_token() -> None:
    url = f"/tilbud/{bodo().pk}/"
    forste = Client().get(url)
    andre_klient = Client()
    andre = andre_klient.get(url)
    assert andre[STATUS] == "treff"
    assert CSRF_PLASS not in andre.content
    assert "csrftoken" in andre.cookies
    assert andre["Cache-Control"].startswith("private") and andre["ETag"].startswith("W/")
    svar = Client(enforce_csrf_checks=True)
    svar.cookies = andre_klient.cookies
    side = andre.content.decode()
    token = side.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    post = svar.post(
        f"/tilbud/{bodo().pk}/meld-feil/",
        {
            "felt": "kontakt",
            "beskrivelse": "Telefonnummeret er feil.",
            "csrfmiddlewaretoken": token,
        },
    )
    assert post.status_code in (200, 302), post.status_code  # not 403: the token is this client's
    assert forste.status_code == 200


def test_off_by_setting(settings: Any) -> None:
    settings.OFFENTLIG_CACHE = False
    svar = Client().get(*adresser()["search API"])
    assert STATUS not in svar and offentlige_nokler() == []


def test_production_serves_hashed_compressed_static_files_and_caches_templates() -> None:
    from helsearbeid.settings import base

    assert base.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    # Without an explicit list Django wraps the loaders in its cached loader (any DEBUG).
    assert "loaders" not in base.TEMPLATES[0]["OPTIONS"]
