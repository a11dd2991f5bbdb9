"""The filter `digital` (the tilbud can be given by video or online): one row of the parameter
table, its column and one template line give it to the API, its OpenAPI schema, the search page
and the empty answer, on both databases."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tilbud.models import Organisasjon, Tilbud

pytestmark = pytest.mark.django_db
URL = "/api/v1/tilbud/"


@pytest.fixture
def digitale() -> set[int]:
    """Two visible Helse Vest tilbud that can be given digitally; a plain UPDATE, as an import
    or a coordinator's script would write it (the search table follows on PostgreSQL). The
    catalogue's own digital tilbud are switched off first, so the test knows every one."""
    Tilbud.objects.update(digital=False)
    ider = set(
        Tilbud.objects.synlige()
        .filter(rhf__kode="HV")
        .order_by("id")
        .values_list("id", flat=True)[:2]
    )
    Tilbud.objects.filter(pk__in=ider).update(digital=True)
    return ider


def ider(api: APIClient, **params: str) -> set[int]:
    svar = api.get(URL, {"page_size": 100, **params})
    assert svar.status_code == 200, svar.json()
    assert not svar.json()["count_er_minst"]
    return {t["id"] for t in svar.json()["results"]}


def test_the_api_finds_only_the_digital_tilbud(api: APIClient, digitale: set[int]) -> None:
    assert ider(api, digital="true") == digitale
    uten = ider(api, digital="false")
    assert uten and not uten & digitale
    assert uten | digitale == ider(api)
    # Ranked for a patient's kommune (the tier-by-tier page on PostgreSQL) too.
    bergen = ider(api, kommune="4601", digital="true")
    assert bergen == digitale


def test_a_bad_value_is_a_400_naming_the_parameter(api: APIClient) -> None:
    svar = api.get(URL, {"digital": "ja"})
    assert svar.status_code == 400
    assert "true eller false" in " ".join(svar.json()["digital"])


def test_the_schema_says_boolean(api: APIClient) -> None:
    skjema = api.get("/api/schema/", {"format": "json"}).json()
    parametere = {p["name"]: p for p in skjema["paths"][URL]["get"]["parameters"]}
    assert parametere["digital"]["schema"] == {"type": "boolean"}
    assert "digitalt" in parametere["digital"]["description"]


def test_the_page_offers_it_and_lists_the_same(client: Client, digitale: set[int]) -> None:
    html = client.get("/").content.decode()
    assert '<label for="id_digital">' in html and 'name="digital"' in html
    svar = client.get("/", {"digital": "true"})
    html = svar.content.decode()
    assert svar.status_code == 200
    assert '<option value="true" selected>' in html
    for pk in digitale:
        assert f'href="/tilbud/{pk}/?sok=digital%3Dtrue"' in html
    assert html.count('<li class="kort') == len(digitale)
    fragment = client.get("/", {"digital": "true"}, HTTP_X_SOK_FRAGMENT="1").content.decode()
    assert fragment.count('<li class="kort') == len(digitale)


def test_the_empty_answer_names_it_and_drops_it(api: APIClient, digitale: set[int]) -> None:
    svar = api.get(URL, {"rhf": "HN", "digital": "true"}).json()
    assert svar["count"] == 0
    hn = Organisasjon.objects.get(kode="HN").navn.removesuffix(" RHF")
    assert svar["tomt_svar"]["melding"] == f"Ingen tilbud i {hn} som kan gis digitalt."
    forslag = {f["tekst"]: f["parametere"] for f in svar["tomt_svar"]["forslag"]}
    assert forslag[f"{len(digitale)} tilbud i hele landet som kan gis digitalt"] == {
        "digital": "true"
    }
    assert any(p == {"rhf": "HN"} for p in forslag.values())  # without the filter
