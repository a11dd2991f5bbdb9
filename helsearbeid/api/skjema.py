"""The OpenAPI schema tells every status code the API can answer, not only the happy path.

Each view documents its own answers (`extend_schema(responses=…)`); this AutoSchema adds the
error answers that follow from how the view is built, so a client (and schemathesis, which
checks every response against the schema, tests/test_api_fuzz.py) never meets an undocumented
one:

- 400 when the request carries input (query parameters, headers or a body): the strict filter
  backend, the paginator and the serializers answer a message per parameter or field;
- 401 when the view has an authentication class that can refuse credentials (an unknown,
  revoked or expired API key or token);
- 403 when the view needs a permission beyond AllowAny, and for writes (the services refuse a
  role that may not do it);
- 404 when the path names an object (missing, or outside the user's area);
- 413 and 415 for writes (body over DATA_UPLOAD_MAX_MEMORY_SIZE; a media type no parser takes);
- 429 when the view is throttled.

Error bodies are always JSON, whatever the view renders on success (CSV, NDJSON, FHIR).
Optional query parameters may be sent empty (see IKKE_TOM).
"""

from typing import Any

from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .skjema_tekst import TAGGER

TAGGNAVN = [t["name"] for t in TAGGER]

SKRIVING = {"POST", "PUT", "PATCH", "DELETE"}
# An optional query parameter sent empty (`?status=`, as a search form sends it) means "not
# given": django-filter and DRF's serializers read it so. The schema says so with
# allowEmptyValue, except for these, which answer an empty value with 400.
IKKE_TOM = {"page", "page_size", "format"}


class ApiFeilSerializer(serializers.Serializer):
    """An error with one message (DRF's `{"detail": …}`)."""

    detail = serializers.CharField()


# A 400 names each parameter or field with its messages: {"felt": ["melding", …], …}; a
# nested serializer nests, so the values are left open.
VALIDERINGSFEIL = {
    "type": "object",
    "description": "Melding per parameter eller felt.",
    "additionalProperties": {},
}

BESKRIVELSER = {
    "400": "Ugyldig forespørsel: melding per parameter eller felt.",
    "401": "Ukjent, tilbaketrukket eller utløpt API-nøkkel eller token.",
    "403": "Rollen din kan ikke gjøre dette (eller skriving med en API-nøkkel).",
    "404": "Finnes ikke, eller er utenfor ditt område.",
    "413": "Forespørselen er for stor.",
    "415": "Ukjent innholdstype i forespørselen.",
    "429": "For mange forespørsler; prøv igjen etter Retry-After sekunder.",
}


def tagg_for(sti: str, metode: str) -> str | None:
    """The one tag of an operation, from its path and method; None for a path no rule knows
    (the schema test then names it)."""
    lesing = metode.upper() in ("GET", "HEAD")
    if (sti == "/api/v1/tilbud/" and lesing) or sti.startswith("/api/v1/diagnosekoder/"):
        return "søk"
    if sti.startswith("/api/v1/tilbud/") and sti.endswith("/historikk/"):
        return "redigering"
    if sti.startswith(("/api/v1/tilbud/", "/api/v1/organisasjoner/", "/api/v1/lokasjoner/")):
        return "katalog" if lesing else "redigering"
    if sti.startswith(("/api/v1/malgrupper/", "/api/v1/kommuner/")):
        return "katalog"
    if sti.startswith(("/api/v1/forslag/", "/api/v1/feilmeldinger/", "/api/v1/token/")):
        return "redigering"
    if sti.startswith("/api/v1/henvisninger/"):
        return "henvisninger"
    if sti.startswith(("/api/v1/synk/", "/api/v1/eksport/")):
        return "synk"
    if sti.startswith("/api/v1/rapporter/"):
        return "rapporter"
    return None


class AutoSchema(openapi.AutoSchema):
    def get_tags(self) -> list[str]:
        tagg = tagg_for(self.path, self.method)
        return [tagg] if tagg else super().get_tags()

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operasjon = super().get_operation(*args, **kwargs)
        if operasjon is None:
            return None
        for parameter in operasjon.get("parameters", []):
            if (
                parameter.get("in") == "query"
                and not parameter.get("required")
                and parameter["name"] not in IKKE_TOM
            ):
                parameter["allowEmptyValue"] = True
        svar = operasjon.setdefault("responses", {})
        for kode in self._feilkoder(operasjon):
            if kode not in svar:
                svar[kode] = {
                    "description": BESKRIVELSER[kode],
                    "content": {"application/json": {"schema": self._feilskjema(kode)}},
                }
        return operasjon

    def _feilkoder(self, operasjon: dict[str, Any]) -> list[str]:
        skriver = self.method in SKRIVING
        parametere = operasjon.get("parameters", [])
        koder = []
        if skriver or parametere or "requestBody" in operasjon:
            koder.append("400")
        autentisering = self.view.get_authenticators()
        # DRF answers refused credentials with 401 when the first authentication class names a
        # WWW-Authenticate scheme, and with 403 otherwise.
        med_401 = bool(autentisering) and bool(
            autentisering[0].authenticate_header(self.view.request)
        )
        if med_401:
            koder.append("401")
        if (
            skriver
            or (autentisering and not med_401)
            or not all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        ):
            koder.append("403")
        if any(p.get("in") == "path" for p in parametere):
            koder.append("404")
        if skriver:
            koder += ["413", "415"]
        if self.view.get_throttles():
            koder.append("429")
        return koder

    def _feilskjema(self, kode: str) -> dict[str, Any]:
        if kode == "400":
            return VALIDERINGSFEIL
        return self.resolve_serializer(ApiFeilSerializer, "response").ref


# Parameters whose valid values are reference data: the schema lists them (enum), so that a
# value the API refuses (`malgruppe=0`) is one the schema refuses too. (path or None for every
# path, parameter) -> extra values besides the slugs.
MALGRUPPE_PARAMETERE = {"/api/v1/rapporter/sammendrag/": ["alle"], None: []}
# Schemas for filter parameters drf-spectacular cannot read from a method filter.
PARAMETERSKJEMA = {
    ("/api/v1/tilbud/", "alder"): {"type": "integer", "minimum": 0, "maximum": 120},
}


def oppslagsverdier(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """POSTPROCESSING_HOOKS: the målgruppe slugs as enums, and the schemas in PARAMETERSKJEMA.
    Run when the schema is generated, so a new målgruppe is in the next schema. Without a
    database (the schema built offline) the slugs are left out, not invented."""
    from django.db import DatabaseError

    from tilbud.models import Malgruppe

    try:
        slugs = sorted(Malgruppe.objects.values_list("slug", flat=True))
    except (DatabaseError, RuntimeError):  # RuntimeError: pytest-django's blocked database
        slugs = []
    return sett_oppslagsverdier(result, slugs)


def sett_oppslagsverdier(result: dict[str, Any], slugs: list[str]) -> dict[str, Any]:
    for sti, operasjoner in result.get("paths", {}).items():
        for operasjon in operasjoner.values():
            for parameter in operasjon.get("parameters", []) if isinstance(operasjon, dict) else []:
                if parameter.get("in") != "query":
                    continue
                navn = parameter["name"]
                if navn == "malgruppe" and slugs:
                    verdier = slugs + MALGRUPPE_PARAMETERE.get(sti, MALGRUPPE_PARAMETERE[None])
                    parameter["schema"] = {"type": "string", "enum": verdier}
                elif (sti, navn) in PARAMETERSKJEMA:
                    parameter["schema"] = dict(PARAMETERSKJEMA[(sti, navn)])
    return result
