"""The search as one package (tilbud/sok/): the engine chosen in one module, the API above the
search and never below it, the parameters and the result card each declared once, and the page's
JavaScript fed by the server's own results fragment."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client

from tilbud.sok import kort, parametere
from tilbud.sok.filtre import TilbudFilter

pytestmark = pytest.mark.django_db
PAKKE = Path(__file__).resolve().parents[2] / "tilbud" / "sok"
FRAGMENT = {"HTTP_X_SOK_FRAGMENT": "1"}


def _moduler() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(PAKKE.glob("*.py"))}


def test_only_the_engine_module_asks_which_database_it_runs_on() -> None:
    spor = {navn for navn, tekst in _moduler().items() if re.search(r"\bvendor\b", tekst)}
    assert spor == {"motor.py"}


def test_the_search_never_imports_the_api() -> None:
    for navn, tekst in _moduler().items():
        for node in ast.walk(ast.parse(tekst)):
            if isinstance(node, ast.ImportFrom):
                modul = node.module or ""
                assert not modul.startswith("tilbud.api"), navn
                assert not (node.level == 2 and modul.startswith("api")), navn
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("tilbud.api") for a in node.names), navn


def test_the_filterset_and_the_page_are_generated_from_the_table() -> None:
    assert list(TilbudFilter.base_filters) == [p.navn for p in parametere.PARAMETERE]
    grupper = [navn for navn, _hva in parametere.RELAKSERINGER]
    assert grupper[0] == ("rhf", "fylke", "kommune", "postnummer", "bydel")  # geography first
    assert grupper[-1] == ("diagnose", "malgruppe")  # the diagnosis last
    # Every select the page offers comes from a row, with its template line.
    mal = (PAKKE.parents[1] / "templates" / "tilbud" / "sok.html").read_text(encoding="utf-8")
    med_side = [p.navn for p in parametere.PARAMETERE if p.side is not None]
    for navn in med_side:
        assert f"with f=valgfelt.{navn} %}}" in mal, navn


def test_the_empty_answer_describes_the_search_in_the_rows_order() -> None:
    filterset = TilbudFilter(QueryDict("fylke=56&diagnose=hodepine&behandlingsform=dogn&alder=0"))
    assert filterset.is_valid(), filterset.errors
    assert parametere.beskriv(filterset.form.cleaned_data) == (
        "for «hodepine» i Finnmark som døgn/opphold for 0 år"
    )
    assert parametere.beskriv({}) == "i hele landet"


def test_the_card_sql_is_generated_from_the_declared_fields_and_read_by_name() -> None:
    navn = re.findall(r'AS "kort\.(\w+)"', kort.KORTDATA_SQL)
    assert navn == list(kort.KORTNAVN)
    kolonner = [f"{kort.KOLONNE}{n}" for n in kort.KORTNAVN]
    verdier = dict.fromkeys(kort.KORTNAVN) | {
        "henvisere": '["Fastlege"]',
        "malgrupper": None,
        "behandlingsformer": '[{"kode": "dogn", "navn": "Døgn"}]',
        "lokasjoner": '[[1, "Bodø", "1804", "Bodø", "67.28", "14.40"]]',
    }
    # Columns in any order, among other columns: read by name.
    rad = kort.kortrad(
        ["pk", *reversed(kolonner)], [7, *(verdier[n] for n in reversed(kort.KORTNAVN))]
    )
    assert list(rad) == list(kort.KORTNAVN)
    assert rad["henvisere"] == ["Fastlege"] and rad["malgrupper"] == []
    assert rad["lokasjoner"][0][4:] == (Decimal("67.28"), Decimal("14.40"))  # as the ORM gives
    with pytest.raises(ValueError, match="not the declared"):
        kort.kortrad(kolonner[:-1], [verdier[n] for n in kort.KORTNAVN[:-1]])


def test_the_orm_card_holds_exactly_the_declared_fields() -> None:
    from tilbud.models import Tilbud

    ider = list(Tilbud.objects.values_list("id", flat=True)[:5])
    for rad in kort.kortdata(ider):
        assert list(rad) == list(kort.KORTNAVN)
    if connection.vendor == "postgresql":
        for rad in kort._kortdata_postgres(ider):
            assert list(rad) == list(kort.KORTNAVN)


def test_the_results_fragment_is_the_pages_own_results(client: Client) -> None:
    params = {"kommune": "1804", "diagnose": "L86"}
    side = client.get("/", params)
    fragment = client.get("/", params, **FRAGMENT)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<form" not in html and "<html" not in html
    assert 'id="treffliste"' in html and 'id="treff-status"' in html
    kort_i = re.compile(r'<li class="kort.*?</li>', re.S)
    assert kort_i.findall(html) == kort_i.findall(side.content.decode())
    assert len(kort_i.findall(html)) > 1
    assert "X-Sok-Fragment" in fragment["Vary"] and "X-Sok-Fragment" in side["Vary"]


def test_the_fragment_answers_errors_per_field_as_json(client: Client) -> None:
    svar = client.get("/", {"diagnose": "ZZZ99", "kommune": "9999"}, **FRAGMENT)
    assert svar.status_code == 400
    feil = svar.json()
    assert set(feil) == {"diagnose", "kommune"}
    assert "Ingen kommune har nummer 9999." in feil["kommune"]


def test_the_javascript_builds_no_cards_of_its_own() -> None:
    js = (PAKKE.parents[1] / "static" / "js" / "sok.js").read_text(encoding="utf-8")
    assert "endre begge" not in js
    assert "kort-tittel" not in js and "visKort" not in js
    assert "X-Sok-Fragment" in js


def test_every_search_parameter_has_its_type_in_the_openapi_schema() -> None:
    # The filters share one predicate lookup; the schema still reads each parameter's type.
    from drf_spectacular.generators import SchemaGenerator

    skjema = SchemaGenerator().get_schema(request=None, public=True)
    parametere = {p["name"]: p for p in skjema["paths"]["/api/v1/tilbud/"]["get"]["parameters"]}
    for navn in ("rhf", "fylke", "kommune", "postnummer", "diagnose", "behandlingsform", "q"):
        assert parametere[navn]["schema"] == {"type": "string"}, navn
    assert parametere["alder"]["schema"]["type"] == "integer"
    assert parametere["fagomrade"]["schema"]["type"] == "string"
    assert "psykisk-helsevern" in parametere["fagomrade"]["schema"]["enum"]
    assert parametere["fagomrade"]["description"].startswith("Fagområde")
    assert set(parametere["status"]["schema"]["enum"]) == {
        "aktiv", "alle", "avsluttet", "ikke_bekreftet"
    }  # fmt: skip
