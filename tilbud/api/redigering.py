"""The write side of the catalogue API, shared by the tilbud, organisation and site endpoints,
and the coordinators' queues (proposals, error reports). Thin: access through tilbud.tilgang
(404 out of scope, 403 for a role that may not do it), writes through tilbud.services, the same
functions the HTML views call.

No lost updates: `GET` gives an `ETag` naming the object and its version; a write must send it
back in `If-Match` (428 without, 412 when someone saved in between, with what they changed), and
the service's UPDATE is version-checked, so of two concurrent writes exactly one wins."""

from __future__ import annotations  # `list` is also a viewset method name

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from helsearbeid.api.filtering import HeltallFilter
from tilbud import tilgang
from tilbud.models import Endringsforslag, Feilmelding, Lokasjon
from tilbud.services import redigering
from tilbud.services.feilmelding import feilmelding_los
from tilbud.services.organisasjon import lokasjon_oppdater
from tilbud.services.redigering import Samtidighetskonflikt, endringer_siden

from . import serializers as s

# --- ETag and If-Match ---------------------------------------------------------------------------

ANNET_OBJEKT = "If-Match gjelder ikke dette objektet. Hent det med GET og send ETag-en derfra."
# A version is a PositiveIntegerField: 1 to 2**31 - 1 (ten digits) on every database.
MAKS_VERSJON = 2**31 - 1
UGYLDIG_VERSJON = (
    f"Ugyldig If-Match: versjonen må være et heltall fra 1 til {MAKS_VERSJON}. "
    "Send ETag-en fra GET uendret."
)
_TAGG = re.compile(r'^(?:W/)?"(?P<type>[a-z]+)-(?P<pk>\d+)-v(?P<versjon>\d+)(?:-[0-9a-f]+)?"$')


def etag(
    obj: Any, data: Any = None, *, type_: str | None = None, versjon: int | None = None
) -> str:
    """Strong validator `"<type>-<id>-v<version>-<hash>"`. The version is what If-Match checks
    (no lost updates); the content hash makes If-None-Match right also when something the object
    shows, such as its provider's name, changed without a new version of the object itself."""
    innhold = hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str).encode() if data is not None else b""
    ).hexdigest()[:16]
    type_ = type_ or obj._meta.model_name
    versjon = obj.versjon if versjon is None else versjon
    return f'"{type_}-{obj.pk}-v{versjon}-{innhold}"'


def etags(header: str) -> set[str]:
    return {del_.strip().removeprefix("W/") for del_ in header.split(",") if del_.strip()}


def konflikt_svar(konflikt: Samtidighetskonflikt) -> Response:
    """412 with what the other person changed (from the history; empty on SQLite)."""
    return Response(
        {
            "detail": str(konflikt),
            "versjon": konflikt.objekt.versjon,
            "endret_av": konflikt.endret_av,
            "endringer": {
                k: {"fra": str(v["fra"]), "til": str(v["til"])}
                for k, v in konflikt.endringer.items()
            },
        },
        status=status.HTTP_412_PRECONDITION_FAILED,
        headers={"ETag": etag(konflikt.objekt)},
    )


def versjon_fra_if_match(
    request: Request,
    naa: int,
    gjelder: set[str],
    konflikt: Callable[[int], Response],
) -> int | Response:
    """The version the client saw, from an If-Match naming one of `gjelder` ("tilbud-7"):
    428 without If-Match, 412 when it names another object or an older version."""
    header = request.headers.get("If-Match", "")
    if not header.strip():
        return Response(
            {"detail": "Send If-Match med ETag-en fra GET, så ingen endring går tapt."},
            status=status.HTTP_428_PRECONDITION_REQUIRED,
        )
    for tagg in header.split(","):
        treff = _TAGG.match(tagg.strip())
        if treff and f"{treff['type']}-{treff['pk']}" in gjelder:
            # Read as a number only when it can be one of ours: int() of a few thousand digits
            # raised ValueError (Python's conversion limit), a 500.
            siffer = treff["versjon"]
            if len(siffer) > len(str(MAKS_VERSJON)) or not 1 <= int(siffer) <= MAKS_VERSJON:
                return Response(
                    {"detail": UGYLDIG_VERSJON},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            versjon = int(siffer)
            return versjon if versjon == naa else konflikt(versjon)
    return Response(
        {"detail": ANNET_OBJEKT},
        status=status.HTTP_412_PRECONDITION_FAILED,
    )


def krev_versjon(request: Request, obj: Any) -> int | Response:
    """If-Match for a tilbud, organisation or site: its own ETag."""

    def konflikt(versjon: int) -> Response:
        endringer, hvem = endringer_siden(obj, versjon)
        return konflikt_svar(Samtidighetskonflikt(obj, versjon, endringer, hvem))

    return versjon_fra_if_match(
        request, obj.versjon, {f"{obj._meta.model_name}-{obj.pk}"}, konflikt
    )


def krev_endre(bruker: Any, obj: Any, melding: str = "") -> None:
    """In scope (checked by the caller's tilgang function), but only coordinators change it
    directly: 403."""
    if not tilgang.kan_endre(bruker, obj):
        raise PermissionDenied(melding or "Bare regionens koordinator kan gjøre dette.")


def ingen_felt(endringer: dict[str, Any]) -> None:
    if not endringer:
        raise ValidationError({"detail": ["Ingen felt å endre."]})


class ErPerson(permissions.BasePermission):
    """Writes and the coordinators' queues need a person (session or token): roles belong to
    users. An analyst's API key reads only."""

    message = (
        "Skriving krever innlogging som bruker (økt eller token). API-nøkler gir bare lesetilgang."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and isinstance(request.user, get_user_model())
        )


KONFLIKT_SVAR = {
    400: OpenApiResponse(description="Feil i feltene: melding per felt."),
    403: OpenApiResponse(s.FeilSerializer, description="Rollen din kan ikke gjøre dette."),
    404: OpenApiResponse(s.FeilSerializer, description="Finnes ikke, eller utenfor ditt område."),
    412: OpenApiResponse(
        s.KonfliktSerializer, description="Noen lagret i mellomtiden; ingenting er lagret."
    ),
    428: OpenApiResponse(s.FeilSerializer, description="Mangler If-Match."),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="ETag-en fra GET av objektet. Uten: 428; utdatert: 412.",
)


# --- Sites -------------------------------------------------------------------------------------


class LokasjonViewSet(viewsets.GenericViewSet):
    """Sites (clinics, DPS, senter) where a provider offers tilbud. Anyone may read one; the
    region's coordinator changes it (If-Match). New sites: POST /organisasjoner/{id}/lokasjoner/."""

    queryset = Lokasjon.objects.select_related("organisasjon", "kommune")
    serializer_class = s.LokasjonDetaljSerializer

    def get_permissions(self) -> list[Any]:
        if self.action == "partial_update":
            return [ErPerson()]
        return super().get_permissions()

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        lokasjon = self.get_object()
        data = s.LokasjonDetaljSerializer(lokasjon).data
        return Response(data, headers={"ETag": etag(lokasjon, data)})

    @extend_schema(
        request=s.LokasjonEndringSerializer,
        parameters=[IF_MATCH],
        responses={200: s.LokasjonDetaljSerializer, **KONFLIKT_SVAR},
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Change a site's name or kommune (coordinators of the region)."""
        lokasjon = tilgang.lokasjon_for_redigering(bruker=request.user, lokasjon_id=pk)
        krev_endre(request.user, lokasjon)
        versjon = krev_versjon(request, lokasjon)
        if isinstance(versjon, Response):
            return versjon
        inn = s.LokasjonEndringSerializer(data=request.data, partial=True)
        inn.is_valid(raise_exception=True)
        endringer = dict(inn.validated_data)
        grunn = endringer.pop("grunn", "")
        ingen_felt(endringer)
        try:
            lokasjon = lokasjon_oppdater(
                bruker=request.user,
                lokasjon_id=lokasjon.pk,
                versjon=versjon,
                endringer=endringer,
                grunn=grunn,
            )
        except Samtidighetskonflikt as konflikt:
            return konflikt_svar(konflikt)
        data = s.LokasjonDetaljSerializer(lokasjon).data
        return Response(data, headers={"ETag": etag(lokasjon, data)})


# --- Proposals ---------------------------------------------------------------------------------


class ForslagFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Endringsforslag.Status.choices)
    tilbud = HeltallFilter(field_name="tilbud_id")

    class Meta:
        model = Endringsforslag
        fields: list[str] = []


class ForslagViewSet(viewsets.GenericViewSet):
    """Tilbudsredaktørers proposals. A coordinator sees the region's and approves or rejects
    them (with a comment); a tilbudsredaktør sees the organisation's, with the outcome and the
    coordinator's comment. `?status=venter` is the coordinator's queue."""

    queryset = Endringsforslag.objects.all()
    serializer_class = s.ForslagSerializer
    filterset_class = ForslagFilter
    permission_classes = [ErPerson]

    def get_queryset(self) -> Any:
        return (
            tilgang.forslag_i_omfang(self.request.user)
            .select_related("tilbud", "foreslatt_av", "besluttet_av")
            .order_by("-opprettet", "-pk")
        )

    def list(self, request: Request) -> Response:
        tilgang.krev_redigeringsrolle(request.user)
        side = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.ForslagSerializer(side, many=True).data)

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        tilgang.krev_redigeringsrolle(request.user)
        forslag = tilgang.forslag_for_visning(bruker=request.user, forslag_id=pk)
        return self._svar(forslag)

    @extend_schema(
        request=s.GodkjennSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="ETag-en fra GET av forslaget (eller av tilbudet): forslaget "
                "godkjennes mot tilbudet slik du så det.",
            )
        ],
        responses={200: s.ForslagSerializer, **KONFLIKT_SVAR},
    )
    @action(detail=True, methods=["post"])
    def godkjenn(self, request: Request, pk: Any = None) -> Response:
        """Approve: the proposed values are applied to the tilbud (a version-checked update)."""
        tilgang.krev_koordinator(request.user)
        forslag = tilgang.forslag_for_beslutning(bruker=request.user, forslag_id=pk)
        tilbud = forslag.tilbud

        def konflikt(versjon: int) -> Response:
            endringer, hvem = endringer_siden(tilbud, versjon)
            return konflikt_svar(Samtidighetskonflikt(tilbud, versjon, endringer, hvem))

        versjon = versjon_fra_if_match(
            request, tilbud.versjon, {f"forslag-{forslag.pk}", f"tilbud-{tilbud.pk}"}, konflikt
        )
        if isinstance(versjon, Response):
            return versjon
        inn = s.GodkjennSerializer(data=request.data)
        inn.is_valid(raise_exception=True)
        try:
            redigering.forslag_godkjenn(
                bruker=request.user,
                forslag_id=forslag.pk,
                versjon=versjon,
                kommentar=inn.validated_data.get("kommentar", "").strip(),
            )
        except Samtidighetskonflikt as feil:
            return konflikt_svar(feil)
        return self._svar(tilgang.forslag_for_visning(bruker=request.user, forslag_id=pk))

    @extend_schema(
        request=s.AvvisSerializer,
        responses={200: s.ForslagSerializer, **{k: KONFLIKT_SVAR[k] for k in (400, 403, 404)}},
    )
    @action(detail=True, methods=["post"])
    def avvis(self, request: Request, pk: Any = None) -> Response:
        """Reject with a comment the tilbudsredaktør can act on. The tilbud is not changed."""
        tilgang.krev_koordinator(request.user)
        forslag = tilgang.forslag_for_beslutning(bruker=request.user, forslag_id=pk)
        inn = s.AvvisSerializer(data=request.data)
        inn.is_valid(raise_exception=True)
        redigering.forslag_avvis(
            bruker=request.user, forslag_id=forslag.pk, kommentar=inn.validated_data["kommentar"]
        )
        return self._svar(tilgang.forslag_for_visning(bruker=request.user, forslag_id=pk))

    def _svar(self, forslag: Endringsforslag) -> Response:
        data = s.ForslagSerializer(forslag).data
        # The version in the tag is the tilbud's: approving checks it.
        tagg = etag(forslag, data, type_="forslag", versjon=forslag.tilbud.versjon)
        return Response(data, headers={"ETag": tagg})


# --- Error reports -----------------------------------------------------------------------------


class FeilmeldingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Feilmelding.Status.choices)
    tilbud = HeltallFilter(field_name="tilbud_id")

    class Meta:
        model = Feilmelding
        fields: list[str] = []


class FeilmeldingViewSet(viewsets.GenericViewSet):
    """«Meld feil» reports from GPs in the coordinator's region, oldest first. `?status=apen` is
    the queue. Resolving one records who, when and a note; a reporter who gave an e-mail address
    gets a short thank-you (a link to the tilbud page only)."""

    queryset = Feilmelding.objects.all()
    serializer_class = s.FeilmeldingSerializer
    filterset_class = FeilmeldingFilter
    permission_classes = [ErPerson]

    def get_queryset(self) -> Any:
        return (
            tilgang.feilmeldinger_i_omfang(self.request.user)
            .select_related("tilbud", "lost_av")
            .order_by("opprettet", "pk")
        )

    def list(self, request: Request) -> Response:
        tilgang.krev_koordinator(request.user)
        side = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.FeilmeldingSerializer(side, many=True).data)

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        tilgang.krev_koordinator(request.user)
        feilmelding = tilgang.feilmelding_for_losning(bruker=request.user, feilmelding_id=pk)
        return Response(s.FeilmeldingSerializer(feilmelding).data)

    @extend_schema(
        request=s.LosSerializer,
        responses={200: s.FeilmeldingSerializer, **{k: KONFLIKT_SVAR[k] for k in (400, 403, 404)}},
    )
    @action(detail=True, methods=["post"])
    def los(self, request: Request, pk: Any = None) -> Response:
        """Mark as resolved with a note (and thank the reporter by e-mail, if they gave one)."""
        tilgang.krev_koordinator(request.user)
        feilmelding = tilgang.feilmelding_for_losning(bruker=request.user, feilmelding_id=pk)
        inn = s.LosSerializer(data=request.data)
        inn.is_valid(raise_exception=True)
        feilmelding_los(
            bruker=request.user, feilmelding_id=feilmelding.pk, notat=inn.validated_data["notat"]
        )
        feilmelding = tilgang.feilmelding_for_losning(bruker=request.user, feilmelding_id=pk)
        return Response(s.FeilmeldingSerializer(feilmelding).data)
