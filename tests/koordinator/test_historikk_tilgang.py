"""Who changed what, and why, is for the tilbud's coordinators: the API's history and the history
on the coordinator page answer to one check (tilbud.tilgang.kan_se_historikk). Anyone else gets
404 from the API, as for an object out of scope; without login 401, with an API key 403."""

from io import StringIO
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from rapporter.services import api_nokkel_opprett
from tilbud import tilgang

from .conftest import klient, lag_bruker
from .test_redigering import rediger_url


def historikk_url(tilbud: Any) -> str:
    return reverse("tilbud-historikk", kwargs={"pk": tilbud.pk})


def api(bruker: Any = None) -> APIClient:
    c = APIClient()
    if bruker is not None:
        c.force_authenticate(bruker)
    return c


def ser_historikk_i_html(bruker: Any, tilbud: Any) -> bool:
    svar = klient(bruker).get(rediger_url(tilbud))
    assert svar.status_code == 200
    return 'id="historikk-tittel"' in svar.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rolle", "html", "api_status"),
    [
        ("koordinator_hn", True, 200),
        ("administrator", True, 200),
        # Sees the tilbud (and proposes changes), but not who changed what.
        ("redaktor_nordland", False, 404),
    ],
)
def test_history_in_the_api_follows_the_coordinator_page(
    bodo, rolle: str, html: bool, api_status: int
) -> None:
    bruker = lag_bruker(rolle)
    assert ser_historikk_i_html(bruker, bodo) is html
    svar = api(bruker).get(historikk_url(bodo))
    assert svar.status_code == api_status
    if api_status == 200:
        assert isinstance(svar.json(), list)


@pytest.mark.django_db
def test_everyone_else_gets_404_as_for_a_missing_tilbud(bodo) -> None:
    for rolle in ("koordinator_hv", "redaktor_annen", "analytiker", "henviser"):
        bruker = lag_bruker(rolle)
        assert api(bruker).get(historikk_url(bodo)).status_code == 404, rolle
        assert (
            api(bruker).get(historikk_url(bodo)).json()
            == api(bruker).get(reverse("tilbud-historikk", kwargs={"pk": 99_999_999})).json()
        )
    # Not signed in: 401; an analyst's API key reads the catalogue, not the history.
    assert api().get(historikk_url(bodo)).status_code == 401
    _, nokkel = api_nokkel_opprett(navn="Analyse", eier="HN")
    assert (
        APIClient(HTTP_AUTHORIZATION=f"Api-Key {nokkel}").get(historikk_url(bodo)).status_code
        == 403
    )
    # The tilbud itself stays public.
    assert api().get(reverse("tilbud-detail", kwargs={"pk": bodo.pk})).status_code == 200


@pytest.mark.django_db
def test_page_and_api_ask_the_same_function(bodo, koordinator_hn, monkeypatch) -> None:
    assert ser_historikk_i_html(koordinator_hn, bodo)
    monkeypatch.setattr(tilgang, "kan_se_historikk", lambda bruker, tilbud: False)
    assert not ser_historikk_i_html(koordinator_hn, bodo)
    assert api(koordinator_hn).get(historikk_url(bodo)).status_code == 404


@pytest.mark.django_db
def test_schema_documents_who_may_read_the_history() -> None:
    ut = StringIO()
    call_command("spectacular", stdout=ut)
    schema = yaml.safe_load(ut.getvalue())
    operasjon = schema["paths"]["/api/v1/tilbud/{id}/historikk/"]["get"]
    assert {"200", "401", "403", "404"} <= set(operasjon["responses"])
    assert "koordinator" in operasjon["responses"]["404"]["description"]
