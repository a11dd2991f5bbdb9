"""Analyst API: open-standards exports and the incremental sync of the catalogue."""

from typing import Any

from django.db import connection
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
)
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from rapporter import selectors
from rapporter.eksport.fhir import fhir_bundle
from rapporter.eksport.hsds import hsds_dokument
from rapporter.innstillinger import innstilling

from .autentisering import ApiNokkelAutentisering
from .betinget import BetingetGetMixin
from .cursor import lag_cursor, les_cursor
from .renderers import CsvRenderer, FhirJsonRenderer, NdjsonRenderer
from .serializers import SynkParametere, SynkSideSerializer, SynkTilbudSerializer, synk_poster
from .struping import AnonymStruping, ApiNokkelStruping, StrupingMixin
from .synk_json import JsonTekst, SynkJsonRenderer, synk_uttrykk


class AnalytikerApi(StrupingMixin, BetingetGetMixin, APIView):
    """Base for the bulk endpoints: open to all, a key lifts the client into its own quota."""

    authentication_classes = [ApiNokkelAutentisering]
    throttle_classes = [ApiNokkelStruping, AnonymStruping]
    tillatte_parametere: frozenset[str] = frozenset({"format"})

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.query_params.get("format", None) == "":
            # DRF ignores an empty ?format=; it is a bad value like any other.
            formater = ", ".join(r.format for r in self.get_renderers())
            raise ValidationError({"format": [f"Ukjent format. Gyldige: {formater}."]})
        ukjente = sorted(set(request.query_params) - self.tillatte_parametere)
        if ukjente:
            gyldige = ", ".join(sorted(self.tillatte_parametere))
            raise ValidationError(
                {p: [f"Ukjent parameter. Gyldige parametere: {gyldige}."] for p in ukjente}
            )

    def perform_content_negotiation(self, request: Request, force: bool = False):
        try:
            return super().perform_content_negotiation(request, force)
        except (Http404, NotFound):
            # DRF answers an unknown ?format= with 404; it is a bad parameter, so 400.
            formater = ", ".join(r.format for r in self.get_renderers())
            raise ValidationError({"format": [f"Ukjent format. Gyldige: {formater}."]}) from None

    def finalize_response(self, request: Request, response, *args: Any, **kwargs: Any):
        if getattr(response, "exception", False) and isinstance(response, Response):
            # Errors are always JSON: a CSV, NDJSON or FHIR client still gets a readable message.
            # DRF copies the renderer from the request onto the response, so set it there (on
            # the response alone it was overwritten, and the CSV or FHIR renderer answered).
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class HsdsEksportApi(AnalytikerApi):
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="eksport_hsds",
        summary="Katalogen som Open Referral HSDS 3.0",
        description=(
            "Hele katalogen (også avsluttede tilbud, med status `defunct`) som HSDS 3.0-objekter: "
            "`organizations`, `services`, `locations` og `service_at_locations`, koblet med "
            "UUID-er som er stabile mellom eksporter og lik id-ene i FHIR-eksporten. Hvert objekt "
            "følger det offisielle JSON-skjemaet for sin type. Felt vi ikke kjenner, er utelatt."
        ),
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="HSDS 3.0-dokument")},
    )
    def get(self, request: Request) -> Response:
        return Response(
            hsds_dokument(
                organisasjoner=selectors.eksport_organisasjoner(),
                lokasjoner=selectors.eksport_lokasjoner(),
                tilbud=selectors.eksport_tilbud(),
            )
        )


class FhirEksportApi(AnalytikerApi):
    renderer_classes = [FhirJsonRenderer, JSONRenderer]

    @extend_schema(
        operation_id="eksport_fhir",
        summary="Katalogen som FHIR R4 Bundle",
        description=(
            "En FHIR R4 Bundle (type `collection`) med Organization, Location og "
            "HealthcareService for hele katalogen. Referansene er `urn:uuid:` innenfor bunten; "
            "organisasjonsnummer (der det finnes) har systemet urn:oid:2.16.578.1.12.4.1.4.101."
        ),
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="FHIR R4 Bundle")},
    )
    def get(self, request: Request) -> Response:
        return Response(
            fhir_bundle(
                organisasjoner=selectors.eksport_organisasjoner(),
                lokasjoner=selectors.eksport_lokasjoner(),
                tilbud=selectors.eksport_tilbud(),
            )
        )


class TilbudSynkApi(AnalytikerApi):
    """Incremental sync for mirrors."""

    renderer_classes = [SynkJsonRenderer, NdjsonRenderer, CsvRenderer]
    tillatte_parametere = frozenset(SynkParametere().fields)
    csv_kolonner = list(SynkTilbudSerializer.Meta.fields)

    @extend_schema(
        operation_id="synk_tilbud",
        summary="Endringer i katalogen siden et tidspunkt",
        description=(
            "Alle tilbud endret etter `endret_etter`, eldste endring først, sortert på "
            "(endret, id). Avsluttede tilbud kommer som gravsteiner "
            "`{id, slettet: true, endret}`: et speil sletter dem. Følg `next` til den er null, "
            "og lagre `fortsett`: den henter senere bare det som er endret etter siste post du "
            "har sett. Endringer yngre enn ett minutt kommer i neste henting, slik at ingen "
            "transaksjon som fortsatt pågår, blir hoppet over. `?format=csv` og "
            "`?format=ndjson` (eller `Accept: application/x-ndjson`) "
            "gir bare postene; neste side står i `Link`-headeren. Svarene har `ETag`."
        ),
        parameters=[SynkParametere],
        responses={
            (200, "application/json"): SynkSideSerializer,
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="Én post (tilbud eller gravstein) per linje."
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="Én post per rad; lister skilt med «|»."
            ),
            400: OpenApiResponse(description="Ugyldig parameter; meldingen sier hvilken."),
        },
    )
    def get(self, request: Request) -> Response:
        parametere = SynkParametere(data=request.query_params)
        parametere.is_valid(raise_exception=True)
        p = parametere.validated_data
        etter = les_cursor(p["cursor"]) if "cursor" in p else None
        antall = p["page_size"]
        utvalg = {
            "endret_etter": p.get("endret_etter"),
            "etter": etter,
            "antall": antall + 1,
            "til": timezone.now() - innstilling("SYNK_SIKKERHETSMARGIN"),
        }
        if request.accepted_renderer.format == "json" and connection.vendor == "postgresql":
            # The records as JSON written by the database (synk_json): a page of 100 is 215 KB.
            uttrykk, sql_parametere = synk_uttrykk()
            jsonrader = selectors.tilbud_endringer_json(
                **utvalg, uttrykk=uttrykk, parametere=sql_parametere
            )
            flere = len(jsonrader) > antall
            jsonrader = jsonrader[:antall]
            posisjoner = [selectors.SynkPosisjon(endret=r.endret, id=r.id) for r in jsonrader]
            poster: Any = JsonTekst(f"[{','.join(r.json for r in jsonrader)}]")
        else:
            rader = selectors.tilbud_endringer(**utvalg)
            flere = len(rader) > antall
            rader = rader[:antall]
            posisjoner = [selectors.SynkPosisjon(endret=r["endret"], id=r["id"]) for r in rader]
            poster = synk_poster(rader)
        url = request.build_absolute_uri()
        siste = posisjoner[-1] if posisjoner else etter
        fortsett = replace_query_param(url, "cursor", lag_cursor(siste)) if siste else url
        neste = fortsett if flere else None
        svar = Response({"next": neste, "fortsett": fortsett, "results": poster})
        if neste:
            svar["Link"] = f'<{neste}>; rel="next"'
        return svar
