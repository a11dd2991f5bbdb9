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
