"""The OpenAPI schema is generated without warnings and describes the search answer."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_validates_without_warnings_and_describes_the_search() -> None:
    ut = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=ut)
    schema = yaml.safe_load(ut.getvalue())
    assert "/api/v1/tilbud/" in schema["paths"]
    liste = schema["components"]["schemas"]["PaginatedTilbudListeList"]["properties"]
    assert {"count", "count_er_minst", "tomt_svar", "results"} <= set(liste)
    parametere = {p["name"] for p in schema["paths"]["/api/v1/tilbud/"]["get"]["parameters"]}
    assert {"kommune", "postnummer", "diagnose", "q", "alder", "behandlingsform"} <= parametere


TAGGER = ["søk", "katalog", "redigering", "henvisninger", "synk", "rapporter"]


@pytest.mark.django_db
def test_every_operation_has_exactly_one_documented_tag() -> None:
    """/api/docs/ groups the endpoints by these tags, each with a description (issue 13)."""
    ut = StringIO()
    call_command("spectacular", stdout=ut)
    schema = yaml.safe_load(ut.getvalue())
    assert [t["name"] for t in schema["tags"]] == TAGGER
    assert all(t["description"].strip() for t in schema["tags"])
    feil = [
        f"{metode.upper()} {sti}: {operasjon.get('tags')}"
        for sti, operasjoner in schema["paths"].items()
        for metode, operasjon in operasjoner.items()
        if len(operasjon.get("tags", [])) != 1 or operasjon["tags"][0] not in TAGGER
    ]
    assert feil == []
    tagg = {
        (metode, sti): operasjon["tags"][0]
        for sti, operasjoner in schema["paths"].items()
        for metode, operasjon in operasjoner.items()
    }
    assert tagg[("get", "/api/v1/tilbud/")] == "søk"
    assert tagg[("get", "/api/v1/tilbud/{id}/")] == "katalog"
    assert tagg[("patch", "/api/v1/tilbud/{id}/")] == "redigering"
    assert tagg[("get", "/api/v1/synk/tilbud/")] == "synk"
    assert tagg[("get", "/api/v1/rapporter/sammendrag/")] == "rapporter"
    assert tagg[("post", "/api/v1/henvisninger/")] == "henvisninger"


@pytest.mark.django_db
def test_api_docs_say_how_an_analyst_gets_a_key() -> None:
    ut = StringIO()
    call_command("spectacular", stdout=ut)
    beskrivelse = yaml.safe_load(ut.getvalue())["info"]["description"]
    assert "slik får du en API-nøkkel" in beskrivelse
    assert "Authorization: Api-Key <nøkkel>" in beskrivelse
    assert "lag_api_nokkel" in beskrivelse
