"""The analyst endpoints in the OpenAPI document, and ETags on the tilbud detail."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from tilbud.models import Tilbud

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings_and_lists_the_endpoints(tmp_path: Path) -> None:
    fil = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(fil))
    skjema = yaml.safe_load(fil.read_text())
    for sti in ("/api/v1/eksport/hsds/", "/api/v1/eksport/fhir/", "/api/v1/synk/tilbud/"):
        assert sti in skjema["paths"], sti
    synk = skjema["paths"]["/api/v1/synk/tilbud/"]["get"]
    assert {p["name"] for p in synk["parameters"]} >= {"endret_etter", "cursor", "page_size"}
    assert set(synk["responses"]["200"]["content"]) == {
        "application/json",
        "application/x-ndjson",
        "text/csv",
    }
    assert skjema["components"]["securitySchemes"]["ApiNokkel"]["in"] == "header"


def test_tilbud_detail_url_answers_304_until_anything_shown_changes(api: APIClient) -> None:
    tilbud = Tilbud.objects.order_by("id").first()
    url = f"/api/v1/tilbud/{tilbud.pk}/"
    etag = api.get(url)["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A renamed provider changes what the page shows, though not the tilbud's own version.
    organisasjon = tilbud.organisasjon
    organisasjon.navn += " (nytt navn)"
    organisasjon.save()
    svar = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert svar.status_code == 200 and svar["ETag"] != etag
