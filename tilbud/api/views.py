"""The catalogue API (`/api/v1/`): open reads; writes for coordinators (direct) and
tilbudsredaktører (proposals), with ETag/If-Match so that no update is lost. Thin: querysets come
from selectors, access checks from tilbud.tilgang, writes from tilbud.services."""

from __future__ import annotations  # `list` is also a viewset method name

from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tilbud import selectors, tilgang
from tilbud.historikk import tilbud_historikk
from tilbud.koordinator import selectors as koordinator_selectors
from tilbud.models import (
    Avtale,
    Diagnosekode,
    Endringsforslag,
    Kommune,
    Lokasjon,
    Malgruppe,
    Opptaksomrade,
    Organisasjon,
)
from tilbud.services import redigering
from tilbud.services.organisasjon import (
    lokasjon_opprett,
    organisasjon_oppdater,
    organisasjon_opprett,
)
from tilbud.services.redigering import Samtidighetskonflikt
from tilbud.sok.dekning import GEOGRAFI, diagnosekoder_med_treff
from tilbud.sok.felt import MAKS_SOKETEKST
from tilbud.sok.filtre import TilbudFilter
from tilbud.sok.paginering import TilbudPagination
from tilbud.sok.svar import sok_svar

from . import serializers as s
from .redigering import (
    IF_MATCH,
    KONFLIKT_SVAR,
    ErPerson,
    etag,
    etags,
    ingen_felt,
    konflikt_svar,
    krev_endre,
    krev_versjon,
)


class TilbudViewSet(viewsets.ReadOnlyModelViewSet):
    """Helse og arbeid-tilbud. Filters combine with AND. With the patient's kommune the results
    are ranked: own HF area, private providers with an agreement, the rest of the region."""

    filterset_class = TilbudFilter
    pagination_class = TilbudPagination

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The same answer the HTML search page renders (tilbud.sok.svar.sok_svar).
        return Response(sok_svar(request))

    def get_queryset(self) -> QuerySet:
        return selectors.tilbud_qs()

    def get_serializer_class(self) -> type:
        if self.action == "list":
            return s.TilbudListeSerializer
        if self.action == "partial_update":
            return s.TilbudEndringSerializer
        if self.action == "create":
            return s.TilbudOpprettSerializer
        if self.action == "avslutt":
            return s.AvsluttSerializer
        if self.action == "gjenopprett":
            return s.GjenopprettSerializer
        return s.TilbudDetaljSerializer

    def get_permissions(self) -> list[Any]:
        if self.action == "historikk":
            return [ErPersonHistorikk()]
        if self.action in SKRIVING:
            return [ErPerson()]
        return super().get_permissions()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tilbud = self.get_object()
        data = self.get_serializer(tilbud).data
        tag = etag(tilbud, data)
        if tag in etags(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(data, headers={"ETag": tag})

    @extend_schema(
        request=s.TilbudOpprettSerializer,
        responses={201: s.TilbudDetaljSerializer, **{k: KONFLIKT_SVAR[k] for k in (400, 403)}},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new tilbud in the coordinator's region, verified today by its creator. Sites are
        added afterwards (PATCH `lokasjoner`)."""
        tilgang.krev_koordinator(request.user)
        rhf = tilgang.rhf_for_oppretting(request.user)
        inn = s.TilbudOpprettSerializer(
            data=request.data,
            rhf=rhf,
            organisasjoner=koordinator_selectors.organisasjoner_for_nytt_tilbud(request.user),
        )
        inn.is_valid(raise_exception=True)
        felt = dict(inn.validated_data)
        valgt_rhf = felt.pop("rhf", None) or _eneste(rhf)
        organisasjon = felt.pop("organisasjon")
        felt.pop("grunn", None)
        tilbud = redigering.tilbud_opprett(
            bruker=request.user, rhf=valgt_rhf, organisasjon=organisasjon, felt=felt
        )
        svar = self._detalj(tilbud)
        svar.status_code = status.HTTP_201_CREATED
        svar["Location"] = reverse("tilbud-detail", kwargs={"pk": tilbud.pk})
        return svar

    @extend_schema(
        request=s.TilbudEndringSerializer,
        parameters=[IF_MATCH],
        responses={
            200: s.TilbudDetaljSerializer,
            202: OpenApiResponse(
                s.ForslagSvarSerializer,
                description="Tilbudsredaktør: endringen er et forslag som venter på koordinatoren.",
            ),
            **KONFLIKT_SVAR,
        },
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Coordinators change directly; tilbudsredaktører's changes become proposals (202)."""
        tilbud = tilgang.tilbud_for_redigering(bruker=request.user, tilbud_id=pk)
        versjon = krev_versjon(request, tilbud)
        if isinstance(versjon, Response):
            return versjon
        inn = s.TilbudEndringSerializer(data=request.data, partial=True)
        inn.is_valid(raise_exception=True)
        endringer = dict(inn.validated_data)
        grunn = endringer.pop("grunn", "")
        ingen_felt(endringer)
        try:
            resultat = redigering.tilbud_endre(
                bruker=request.user,
                tilbud=tilbud,
                versjon=versjon,
                endringer=endringer,
                grunn=grunn,
            )
        except Samtidighetskonflikt as konflikt:
            return konflikt_svar(konflikt)
        if isinstance(resultat, Endringsforslag):
            return Response(
                {"forslag": resultat.pk, "status": resultat.status},
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": reverse("forslag-detail", kwargs={"pk": resultat.pk})},
            )
        return self._detalj(resultat)

    def _koordinators(self, request: Request, pk: Any, melding: str) -> tuple[Any, int | Response]:
        """The tilbud (404 out of scope, 403 for a tilbudsredaktør) and the version the client
        saw (428/412)."""
        tilbud = tilgang.tilbud_for_redigering(bruker=request.user, tilbud_id=pk)
        krev_endre(request.user, tilbud, melding)
        return tilbud, krev_versjon(request, tilbud)

    @extend_schema(
        request=None,
        parameters=[IF_MATCH],
        responses={200: s.TilbudDetaljSerializer, **KONFLIKT_SVAR},
    )
    @action(detail=True, methods=["post"])
    def bekreft(self, request: Request, pk: Any = None) -> Response:
        """«Bekreft opplysningene»: records who verified the entry, and today's date."""
        tilbud, versjon = self._koordinators(
            request, pk, "Bare regionens koordinator kan bekrefte opplysningene."
        )
        if isinstance(versjon, Response):
            return versjon
        try:
            return self._detalj(
                redigering.tilbud_bekreft(bruker=request.user, tilbud_id=tilbud.pk, versjon=versjon)
            )
        except Samtidighetskonflikt as konflikt:
            return konflikt_svar(konflikt)

    @extend_schema(
        request=s.AvsluttSerializer,
        parameters=[IF_MATCH],
        responses={200: s.TilbudDetaljSerializer, **KONFLIKT_SVAR},
    )
    @action(detail=True, methods=["post"])
    def avslutt(self, request: Request, pk: Any = None) -> Response:
        """End a tilbud with date and reason; nothing is deleted."""
        tilbud, versjon = self._koordinators(
            request, pk, "Bare regionens koordinator kan avslutte et tilbud."
        )
        if isinstance(versjon, Response):
            return versjon
        inn = s.AvsluttSerializer(data=request.data)
        inn.is_valid(raise_exception=True)
        try:
            tilbud = redigering.tilbud_avslutt(
                bruker=request.user, tilbud_id=tilbud.pk, versjon=versjon, **inn.validated_data
            )
        except Samtidighetskonflikt as konflikt:
            return konflikt_svar(konflikt)
        return self._detalj(tilbud)

    @extend_schema(
        request=s.GjenopprettSerializer,
        parameters=[IF_MATCH],
        responses={200: s.TilbudDetaljSerializer, **KONFLIKT_SVAR},
    )
    @action(detail=True, methods=["post"])
    def gjenopprett(self, request: Request, pk: Any = None) -> Response:
        """Restore an earlier version from the history, as a new change (PostgreSQL)."""
        tilbud, versjon = self._koordinators(
            request, pk, "Bare regionens koordinator kan gjenopprette en versjon."
        )
        if isinstance(versjon, Response):
            return versjon
        inn = s.GjenopprettSerializer(data=request.data)
        inn.is_valid(raise_exception=True)
        try:
            tilbud = redigering.tilbud_gjenopprett(
                bruker=request.user,
                tilbud_id=tilbud.pk,
                versjon=versjon,
                gjenopprett=inn.validated_data["versjon"],
            )
        except Samtidighetskonflikt as konflikt:
            return konflikt_svar(konflikt)
        return self._detalj(tilbud)

    @extend_schema(
        responses={
            200: s.HistorikkSerializer(many=True),
            401: OpenApiResponse(s.FeilSerializer, description="Ikke innlogget."),
            403: OpenApiResponse(
                s.FeilSerializer, description="API-nøkler gir ikke tilgang til historikken."
            ),
            404: OpenApiResponse(
                s.FeilSerializer,
                description="Finnes ikke, eller du er ikke koordinator for tilbudets region.",
            ),
        }
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def historikk(self, request: Request, pk: Any = None) -> Response:
        """Every recorded change: who, when, what, why (PostgreSQL; empty on SQLite). For the
        region's coordinators and administrators, as on the tilbud's page in the coordinator
        area; anyone else gets 404."""
        tilbud = tilgang.tilbud_for_historikk(bruker=request.user, tilbud_id=pk)
        return Response(s.HistorikkSerializer(tilbud_historikk(tilbud), many=True).data)

    def _detalj(self, tilbud: Any) -> Response:
        tilbud = selectors.tilbud_qs().get(pk=tilbud.pk)
        data = s.TilbudDetaljSerializer(tilbud).data
        return Response(data, headers={"ETag": etag(tilbud, data)})


SKRIVING = {"create", "partial_update", "bekreft", "avslutt", "gjenopprett"}


class ErPersonHistorikk(ErPerson):
    """The history names who changed what: signed-in people only (401 without login, 403 for an
    API key), like the writes; then tilgang.tilbud_for_historikk decides (404 out of scope)."""

    message = (
        "Historikken krever innlogging som bruker (økt eller token), ikke API-nøkkel, og er "
        "for koordinatorene i tilbudets region."
    )


def _eneste(rhf: QuerySet) -> Any:
    """A coordinator of one region need not name it."""
    alle = list(rhf[:2])
    if len(alle) != 1:
        raise ValidationError({"rhf": ["Velg helseregion (HSO, HV, HMN eller HN)."]})
    return alle[0]


class OrganisasjonFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=Organisasjon.Type.choices)
    rhf = django_filters.CharFilter(method="filter_rhf", label="RHF-kode")

    class Meta:
        model = Organisasjon
        fields: list[str] = []

    def filter_rhf(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Q(rhf__kode__iexact=value) | Q(kode__iexact=value) | Q(avtaler__rhf__kode__iexact=value)
        ).distinct()


class OrganisasjonViewSet(viewsets.ReadOnlyModelViewSet):
    """RHF, helseforetak, ideelle sykehus and private providers with their agreements. The
    region's coordinator registers new providers in the region, changes name,
    organisasjonsnummer and web page (If-Match) and adds sites."""

    filterset_class = OrganisasjonFilter
    queryset = (
        Organisasjon.objects.select_related("rhf")
        .prefetch_related(Prefetch("avtaler", queryset=Avtale.objects.select_related("rhf")))
        .order_by("navn")
    )

    def get_serializer_class(self) -> type:
        if self.action == "create":
            return s.OrganisasjonOpprettSerializer
        if self.action == "partial_update":
            return s.OrganisasjonEndringSerializer
        if self.action == "retrieve":
            return s.OrganisasjonDetaljSerializer
        if self.action == "lokasjoner":
            return s.LokasjonDetaljSerializer
        return s.OrganisasjonSerializer

    def get_permissions(self) -> list[Any]:
        if self.action in ("create", "partial_update") or (
            self.action == "lokasjoner" and self.request.method == "POST"
        ):
            return [ErPerson()]
        return super().get_permissions()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detalj(self.get_object())

    @extend_schema(
        request=s.OrganisasjonOpprettSerializer,
        responses={
            201: s.OrganisasjonDetaljSerializer,
            **{k: KONFLIKT_SVAR[k] for k in (400, 403)},
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a provider in the coordinator's region: an HF or ideelt sykehus belongs to
        the region, a private provider gets an agreement (`avtaletype`) with it. The same
        service and checks as the form under /koordinator/."""
        tilgang.krev_koordinator(request.user)
        rhf = tilgang.rhf_for_oppretting(request.user)
        inn = s.OrganisasjonOpprettSerializer(data=request.data, rhf=rhf)
        inn.is_valid(raise_exception=True)
        felt = dict(inn.validated_data)
        valgt_rhf = felt.pop("rhf", None) or _eneste(rhf)
        organisasjon = organisasjon_opprett(bruker=request.user, rhf=valgt_rhf, **felt)
        svar = self._detalj(self.get_queryset().get(pk=organisasjon.pk))
        svar.status_code = status.HTTP_201_CREATED
        svar["Location"] = reverse("organisasjon-detail", kwargs={"pk": organisasjon.pk})
        return svar

    @extend_schema(
        request=s.OrganisasjonEndringSerializer,
        parameters=[IF_MATCH],
        responses={200: s.OrganisasjonDetaljSerializer, **KONFLIKT_SVAR},
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Change name, organisasjonsnummer (mod 11) or web page (coordinators of the region)."""
        organisasjon = tilgang.organisasjon_for_redigering(bruker=request.user, organisasjon_id=pk)
        krev_endre(request.user, organisasjon)
        versjon = krev_versjon(request, organisasjon)
        if isinstance(versjon, Response):
            return versjon
        inn = s.OrganisasjonEndringSerializer(data=request.data, partial=True)
        inn.is_valid(raise_exception=True)
        endringer = dict(inn.validated_data)
        grunn = endringer.pop("grunn", "")
        ingen_felt(endringer)
        try:
            organisasjon_oppdater(
                bruker=request.user,
                organisasjon_id=organisasjon.pk,
                versjon=versjon,
                endringer=endringer,
                grunn=grunn,
            )
        except Samtidighetskonflikt as konflikt:
            return konflikt_svar(konflikt)
        return self._detalj(self.get_queryset().get(pk=organisasjon.pk))

    @extend_schema(
        methods=["GET"], responses={200: s.LokasjonDetaljSerializer(many=True)}, filters=False
    )
    @extend_schema(
        methods=["POST"],
        request=s.LokasjonOpprettSerializer,
        responses={
            201: s.LokasjonDetaljSerializer,
            **{k: KONFLIKT_SVAR[k] for k in (400, 403, 404)},
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def lokasjoner(self, request: Request, pk: Any = None) -> Response:
        """The organisation's sites; POST adds one (coordinators of the region)."""
        if request.method != "POST":
            lokasjoner = Lokasjon.objects.filter(organisasjon=self.get_object()).select_related(
                "kommune", "organisasjon"
            )
            return Response(s.LokasjonDetaljSerializer(lokasjoner, many=True).data)
        organisasjon = tilgang.organisasjon_for_redigering(bruker=request.user, organisasjon_id=pk)
        krev_endre(request.user, organisasjon)
        inn = s.LokasjonOpprettSerializer(data=request.data)
        inn.is_valid(raise_exception=True)
        lokasjon = lokasjon_opprett(
            bruker=request.user,
            organisasjon_id=organisasjon.pk,
            navn=inn.validated_data["navn"],
            kommune=inn.validated_data["kommune"],
            grunn=inn.validated_data.get("grunn", ""),
        )
        lokasjon = Lokasjon.objects.select_related("kommune", "organisasjon").get(pk=lokasjon.pk)
        data = s.LokasjonDetaljSerializer(lokasjon).data
        return Response(
            data,
            status=status.HTTP_201_CREATED,
            headers={
                "ETag": etag(lokasjon, data),
                "Location": reverse("lokasjon-detail", kwargs={"pk": lokasjon.pk}),
            },
        )

    def _detalj(self, organisasjon: Organisasjon) -> Response:
        data = s.OrganisasjonDetaljSerializer(organisasjon).data
        return Response(data, headers={"ETag": etag(organisasjon, data)})


class MalgruppeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.MalgruppeSerializer
    queryset = Malgruppe.objects.prefetch_related("koder").order_by("navn")
    lookup_field = "slug"


class KommuneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Navn eller nummer", max_length=100)
    fylke = django_filters.CharFilter(field_name="fylke_id", label="Fylkesnummer")
    rhf = django_filters.CharFilter(field_name="rhf__kode", lookup_expr="iexact", label="RHF")

    class Meta:
        model = Kommune
        fields: list[str] = []

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if value.isdigit():
            return qs.filter(nummer__startswith=value)
        return qs.filter(navn__icontains=value)


class KommuneViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.KommuneSerializer
    filterset_class = KommuneFilter
    lookup_field = "nummer"
    queryset = (
        Kommune.objects.select_related("fylke", "rhf")
        .prefetch_related(
            Prefetch(
                "opptaksomrader", queryset=Opptaksomrade.objects.select_related("helseforetak")
            )
        )
        .order_by("nummer")
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Kode eller ord: F41.1, L0, korsrygg"),
            OpenApiParameter("kodeverk", str, enum=["ICPC2", "ICD10"]),
            *(
                OpenApiParameter(
                    navn,
                    str,
                    description="Hvor pasienten bor, som i søket: koder som gir tilbud der "
                    "(`gir_treff`) kommer først. Uten: i hele landet.",
                )
                for navn in GEOGRAFI
            ),
        ]
    )
)
class DiagnosekodeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Type-ahead over the full ICPC-2 and ICD-10 lists: `?q=F41.1`, `?q=korsrygg`. Codes that
    give tilbud (in the kommune, fylke or region given, as the search: tilbud.sok.dekning) come
    first; `gir_treff` marks each."""

    serializer_class = s.DiagnosekodeSerializer
    extra_query_params = ("q", "kodeverk", *GEOGRAFI)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            # The schema generator only needs the model; the coverage query reads the database.
            return Diagnosekode.objects.none()
        q = self.request.query_params.get("q", "")
        kodeverk = self.request.query_params.get("kodeverk") or None
        if len(q) > MAKS_SOKETEKST:
            raise ValidationError({"q": [f"Høyst {MAKS_SOKETEKST} tegn."]})
        if kodeverk not in (None, "ICPC2", "ICD10"):
            raise ValidationError({"kodeverk": ["Gyldige verdier: ICPC2, ICD10."]})
        return diagnosekoder_med_treff(q, kodeverk=kodeverk, params=self.request.query_params)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {
            **self.get_serializer_context(),
            "malgrupper_per_kode": selectors.malgrupper_for_koder(page),
        }
        data = self.get_serializer(page, many=True, context=context).data
        return self.get_paginated_response(data)
