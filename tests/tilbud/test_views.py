"""The HTML pages: rendered from the same FilterSet and serializers as the API."""

import pytest
from django.test import Client

from tilbud.models import Tilbud

pytestmark = pytest.mark.django_db


def test_home_page_has_an_accessible_search_form(client: Client) -> None:
    svar = client.get("/")
    html = svar.content.decode()
    assert svar.status_code == 200
    assert '<html lang="nb">' in html
    assert '<label for="id_kommune">' in html and 'id="id_kommune"' in html
    assert 'href="#innhold"' in html  # skip link for keyboard and screen-reader users


def test_search_page_and_api_list_the_same_tilbud(client: Client) -> None:
    params = {"kommune": "1804", "diagnose": "L86"}
    html = client.get("/", params).content.decode()
    api = client.get("/api/v1/tilbud/", {**params, "page_size": 100}).json()
    assert f"{api['count']} tilbud" in html
    for t in api["results"]:
        assert f'href="/tilbud/{t["id"]}/"' in html
    assert "HelseIArbeid-senteret (Bodø)" in html


def test_bad_input_is_shown_next_to_the_field_not_a_500(client: Client) -> None:
    svar = client.get("/", {"kommune": "9999", "diagnose": "<script>alert(1)</script>"})
    html = svar.content.decode()
    assert svar.status_code == 400
    assert "Ingen kommune har nummer 9999." in html
    assert 'aria-invalid="true"' in html
    assert "<script>alert(1)</script>" not in html  # escaped, never executed


def test_tilbud_page_shows_how_to_refer_waiting_time_and_source(client: Client) -> None:
    tilbud = Tilbud.objects.get(kilde_id="s4_6_9_3")
    html = client.get(f"/tilbud/{tilbud.id}/").content.decode()
    assert "Valnesfjord Helsesportsenter" in html
    assert "Slik henviser du" in html
    assert "innen 10 virkedager" in html
    assert "Opphold skal tilbys innen 4 uker" in html
    assert "Evalueringsrapport 2021 (SINTEF/NTNU), avsnitt 4.6.9.3" in html


def test_unknown_waiting_time_says_ukjent(client: Client) -> None:
    tilbud = Tilbud.objects.get(kilde_id="s4_6_1_1_1")
    html = client.get(f"/tilbud/{tilbud.id}/").content.decode()
    assert "<dt>Ventetid</dt><dd>ukjent</dd>" in html


def test_2019_only_entries_carry_a_badge(client: Client) -> None:
    tilbud = Tilbud.objects.get(kilde_id="t4_21_r05")
    html = client.get(f"/tilbud/{tilbud.id}/").content.decode()
    assert "Ikke bekreftet siden 2019" in html


def test_missing_tilbud_is_a_404(client: Client) -> None:
    assert client.get("/tilbud/999999/").status_code == 404


def test_search_page_query_count_does_not_grow_with_results(
    client: Client, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(12):
        client.get("/", {"status": "alle"})
