"""The referral API: one view per operation, the same rules as the HTML pages. Referrals are
fetched only through henvisning.tilgang (404 out of scope); impossible transitions answer 409."""

from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import fhir, selectors, services, tilgang
from ..livssyklus import Avvisningsgrunn, Handling, Part, Utfall
from . import serializers as s


def _konflikt(feil: services.Konflikt) -> Response:
    return Response({"detail": str(feil)}, status=status.HTTP_409_CONFLICT)


# 409 in the schema for every operation that can meet an impossible transition.
KONFLIKT = OpenApiResponse(
    dict, description="Umulig i henvisningens nåværende status (f.eks. allerede sendt)."
)


class ErPerson(BasePermission):
    """Referrals are for people with a role, signed in with a session or a token. An analyst's
    API key is authenticated but is no person: 403, not a crash on a user without roles."""

    message = "Henvisninger krever innlogging som bruker; en API-nøkkel gir ikke tilgang."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and isinstance(
            request.user, get_user_model()
        )


def _ingen_data(request: Request) -> None:
    """An action without input takes no body, or an empty one (`{}`, an empty form): a body that
    is not JSON, or one that says something, is refused instead of ignored (found by
    schemathesis: `send/` answered `true` or broken JSON with 200)."""
    innhold = request.data  # a body that cannot be parsed is a 400 here
    if not (innhold == {} or (hasattr(innhold, "keys") and not innhold)):
        raise ValidationError(
            {"detail": ["Denne handlingen tar ingen data: send ingen kropp, eller {}."]}
        )


class _Base(APIView):
    permission_classes: ClassVar = [ErPerson]


class HenvisningListeApi(_Base, GenericAPIView):
    """GET: own referrals (`rolle=sendt`) or the unit's inbox (`rolle=innboks`, default both).
    POST: a new draft for a tilbud the user may refer to."""

    extra_query_params = ("rolle", "status")
    # What OPTIONS describes for POST (without it OPTIONS was a 500).
    serializer_class = s.OpprettInput

    @extend_schema(
        operation_id="henvisninger_list",
        responses={
            200: OpenApiResponse(
                dict,
                description="Sidene med henvisninger; hver har `his1206` (den nasjonale "
                "statusen og datoene, skjemaet `His1206`) og `status_i_ord`.",
            )
        },
    )
    def get(self, request: Request) -> Response:
        self.filter_queryset(selectors.innboks(request.user))  # rejects unknown parameters
        rolle = request.query_params.get("rolle", "")
        if rolle == "sendt":
            qs = selectors.henvisninger_sendt_av(request.user)
        elif rolle == "innboks":
            qs = selectors.innboks(request.user)
        elif rolle == "":
            qs = selectors.henvisninger_sendt_av(request.user) | selectors.innboks(request.user)
        else:
            return Response({"rolle": ["Bruk sendt eller innboks."]}, status=400)
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        idag = services.idag()
        side = self.paginate_queryset(qs.distinct())
        return self.get_paginated_response(
            [s.liste_ut(h, idag, bruker_id=request.user.pk) for h in side]
        )

    @extend_schema(request=s.OpprettInput, responses={201: dict})
    def post(self, request: Request) -> Response:
        inn = s.OpprettInput(data=request.data)
        inn.is_valid(raise_exception=True)
        data = dict(inn.validated_data)
        try:
            tilbud = tilgang.tilbud_for_henvisning(
                bruker=request.user, tilbud_id=data.pop("tilbud")
            )
        except Http404 as feil:
            raise PermissionDenied("Du kan ikke henvise til dette tilbudet.") from feil
        h = services.henvisning_opprett(sender=request.user, tilbud=tilbud, data=data)
        return Response(
            s.detalj_ut(h, services.idag(), part="sender", handlinger=["send", "trekk"]),
            status=201,
        )


class HenvisningDetaljApi(_Base):
    @extend_schema(operation_id="henvisninger_retrieve", responses={200: s.HenvisningSvar})
    def get(self, request: Request, pk: int) -> Response:
        h, part = tilgang.henvisning_for(bruker=request.user, henvisning_id=pk, handling="api")
        return Response(
            s.detalj_ut(
                h, services.idag(), part=part.value, handlinger=selectors.handlinger_for(h, part)
            )
        )

    @extend_schema(request=s.UtkastInput, responses={200: dict, 409: KONFLIKT})
    def patch(self, request: Request, pk: int) -> Response:
        h, part = tilgang.henvisning_for(
            bruker=request.user, henvisning_id=pk, handling="api-endre", part=Part.SENDER
        )
        inn = s.UtkastInput(data=request.data, partial=True)
        inn.is_valid(raise_exception=True)
        try:
            h = services.henvisning_oppdater(
                henvisning=h, bruker=request.user, part=part, data=dict(inn.validated_data)
            )
        except services.Konflikt as feil:
            return _konflikt(feil)
        return Response(
            s.detalj_ut(
                h, services.idag(), part=part.value, handlinger=selectors.handlinger_for(h, part)
            )
        )


class _HandlingApi(_Base):
    handling: ClassVar[Handling]
    part: ClassVar[Part]
    input_serializer: ClassVar[type | None] = None

    def vurdering(self, data: dict[str, Any]) -> services.Vurdering:
        return services.Vurdering(begrunnelse=data.get("begrunnelse", "") or "")

    def post(self, request: Request, pk: int) -> Response:
        h, part = tilgang.henvisning_for(
            bruker=request.user, henvisning_id=pk, handling=f"api-{self.handling}", part=self.part
        )
        self.henvisning = h
        data: dict[str, Any] = {}
        if self.input_serializer is not None:
            inn = self.input_serializer(data=request.data)
            inn.is_valid(raise_exception=True)
            data = dict(inn.validated_data)
        else:
            _ingen_data(request)
        try:
            h = services.henvisning_overgang(
                henvisning=h,
                bruker=request.user,
                part=part,
                handling=self.handling,
                vurdering=self.vurdering(data),
                bekreft_kapasitet=bool(data.get("bekreft_kapasitet")),
            )
        except services.Konflikt as feil:
            return _konflikt(feil)
        return Response(
            s.detalj_ut(
                h, services.idag(), part=part.value, handlinger=selectors.handlinger_for(h, part)
            )
        )


def _handling(navn: str, handling: Handling, part: Part, inn: type | None = None) -> type:
    klasse = type(
        navn, (_HandlingApi,), {"handling": handling, "part": part, "input_serializer": inn}
    )
    klasse.post = extend_schema(request=inn, responses={200: dict, 409: KONFLIKT})(klasse.post)
    return klasse


HenvisningSendApi = _handling("HenvisningSendApi", Handling.SEND, Part.SENDER, s.SendInput)
HenvisningMottaApi = _handling("HenvisningMottaApi", Handling.MOTTA, Part.MOTTAKER)
HenvisningVenterApi = _handling("HenvisningVenterApi", Handling.VENTER, Part.MOTTAKER)
HenvisningStartApi = _handling("HenvisningStartApi", Handling.START, Part.MOTTAKER)
HenvisningAvsluttApi = _handling("HenvisningAvsluttApi", Handling.AVSLUTT, Part.MOTTAKER)
HenvisningTrekkApi = _handling(
    "HenvisningTrekkApi", Handling.TREKK, Part.SENDER, s.BegrunnelseInput
)


class HenvisningVurderApi(_HandlingApi):
    handling = Handling.VURDER
    part = Part.MOTTAKER
    input_serializer = s.VurderInput

    def vurdering(self, data: dict[str, Any]) -> services.Vurdering:
        return services.Vurdering(
            utfall=Utfall(data["utfall"]),
            frist=data.get("frist"),
            begrunnelse=data.get("begrunnelse", "") or "",
            # An unknown or unsuitable tilbud: the service answers with a field error (400).
            videresendt_til=selectors.videresending_tilbud(
                self.henvisning, data.get("videresendt_til")
            ),
        )

    @extend_schema(request=s.VurderInput, responses={200: dict, 409: KONFLIKT})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class HenvisningVideresendingApi(_Base):
    """GET: the tilbud the receiving unit may forward this referral to (for «videresendt» in
    `vurder/`): active, taking referrals from this kind of referrer, the referral's region first."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        h, part = tilgang.henvisning_for(
            bruker=request.user, henvisning_id=pk, handling="api-videresending", part=Part.MOTTAKER
        )
        if part != Part.MOTTAKER:
            raise PermissionDenied("Bare mottakeren kan videresende henvisningen.")
        return Response(
            {"resultater": [s.videresending_ut(t) for t in selectors.tilbud_for_videresending(h)]}
        )


class HenvisningAvvisApi(_HandlingApi):
    handling = Handling.AVVIS
    part = Part.MOTTAKER
    input_serializer = s.AvvisInput

    def vurdering(self, data: dict[str, Any]) -> services.Vurdering:
        return services.Vurdering(
            avvisningsgrunn=Avvisningsgrunn(data["avvisningsgrunn"]),
            begrunnelse=data.get("begrunnelse", "") or "",
        )

    @extend_schema(request=s.AvvisInput, responses={200: dict, 409: KONFLIKT})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ForesporselOpprettApi(_Base):
    @extend_schema(request=s.ForesporselInput, responses={201: dict, 409: KONFLIKT})
    def post(self, request: Request, pk: int) -> Response:
        h, part = tilgang.henvisning_for(
            bruker=request.user, henvisning_id=pk, handling="api-foresporsel", part=Part.MOTTAKER
        )
        inn = s.ForesporselInput(data=request.data)
        inn.is_valid(raise_exception=True)
        try:
            f = services.foresporsel_opprett(
                henvisning=h,
                bruker=request.user,
                part=part,
                sporsmal=inn.validated_data["sporsmal"],
            )
        except services.Konflikt as feil:
            return _konflikt(feil)
        return Response({"id": f.pk, "sporsmal": f.sporsmal, "spurt": f.spurt}, status=201)


class ForesporselSvarApi(_Base):
    @extend_schema(request=s.SvarInput, responses={200: dict, 409: KONFLIKT})
    def post(self, request: Request, pk: int, foresporsel_id: int) -> Response:
        h, part = tilgang.henvisning_for(
            bruker=request.user, henvisning_id=pk, handling="api-svar", part=Part.SENDER
        )
        inn = s.SvarInput(data=request.data)
        inn.is_valid(raise_exception=True)
        try:
            f = services.foresporsel_besvar(
                henvisning=h,
                foresporsel_id=foresporsel_id,
                bruker=request.user,
                part=part,
                svar=inn.validated_data["svar"],
            )
        except services.Konflikt as feil:
            return _konflikt(feil)
        return Response({"id": f.pk, "svar": f.svar, "besvart": f.besvart})


class HenvisningFhirApi(_Base):
    """The referral as a FHIR R4 Bundle (ServiceRequest + Task)."""

    @extend_schema(
        responses={
            (200, "application/fhir+json"): OpenApiResponse(dict, description="FHIR R4 Bundle")
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        h, _part = tilgang.henvisning_for(bruker=request.user, henvisning_id=pk, handling="fhir")
        return Response(fhir.fhir_bundle(h), content_type="application/fhir+json")


class ForfalteApi(_Base, GenericAPIView):
    """The receiver's overdue worklist (not assessed within 10 working days)."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        idag = services.idag()
        qs = selectors.forfalte(request.user, idag=idag)
        self.filter_queryset(qs)
        side = self.paginate_queryset(qs)
        return self.get_paginated_response(
            [s.liste_ut(h, idag, bruker_id=request.user.pk) for h in side]
        )


class ForfaltePerEnhetApi(_Base):
    """Counts of overdue referrals per receiving unit (coordinators, analysts): no referrals."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        if not tilgang.ser_antall(request.user):
            raise PermissionDenied()
        return Response(
            {"resultater": selectors.forfalte_per_enhet(request.user, idag=services.idag())}
        )


class SjekklisteApi(_Base):
    """A tilbud's checklist for referrals. GET: for those who may refer to the tilbud (to fill
    `sjekkliste` in a referral) or edit it; PUT `{"punkter": [...]}`: the region's coordinator."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, tilbud_id: int) -> Response:
        tilbud = tilgang.tilbud_for_sjekkliste(bruker=request.user, tilbud_id=tilbud_id)
        return Response({"tilbud": tilbud.pk, "punkter": selectors.sjekkliste_for(tilbud)})

    @extend_schema(request=s.SjekklisteInput, responses={200: dict})
    def put(self, request: Request, tilbud_id: int) -> Response:
        tilbud = tilgang.tilbud_for_sjekkliste(bruker=request.user, tilbud_id=tilbud_id, endre=True)
        inn = s.SjekklisteInput(data=request.data)
        inn.is_valid(raise_exception=True)
        sjekkliste = services.sjekkliste_lagre(
            tilbud=tilbud, bruker=request.user, punkter=inn.validated_data["punkter"]
        )
        return Response({"tilbud": tilbud.pk, "punkter": sjekkliste.punkter})


class HenvisningSokApi(_Base):
    """POST `{"fodselsnummer": …}`: the user's referrals for one person (in the body, never in
    the URL). Each hit is written to the access log."""

    @extend_schema(request=s.SokInput, responses={200: dict})
    def post(self, request: Request) -> Response:
        inn = s.SokInput(data=request.data)
        inn.is_valid(raise_exception=True)
        treff = tilgang.henvisninger_for_fodselsnummer(
            bruker=request.user, fodselsnummer=inn.validated_data["fodselsnummer"]
        )
        idag = services.idag()
        return Response(
            {"results": [s.liste_ut(h, idag, bruker_id=request.user.pk) for h in treff]}
        )
