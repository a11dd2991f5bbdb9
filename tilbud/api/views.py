"""The catalogue API (`/api/v1/`): open reads; writes for coordinators (direct) and
tilbudsredaktører (proposals), with ETag/If-Match so that no update is lost. Thin: querysets come
from selectors, access checks from tilbud.tilgang, writes from tilbud.services."""

from __future__ import annotations  # `list` is also a viewset method name

import hashlib
import json
import re
from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tilbud import selectors, tilgang
from tilbud.filters import MAKS_SOKETEKST, TilbudFilter
from tilbud.models import Avtale, Kommune, Malgruppe, Opptaksomrade, Organisasjon
from tilbud.services.redigering import (
    Samtidighetskonflikt,
    endringer_siden,
    forslag_opprett,
    tilbud_avslutt,
    tilbud_bekreft,
    tilbud_oppdater,
)
from tilbud.sok import sok_svar

from . import serializers as s
from .pagination import TilbudPagination


class TilbudViewSet(viewsets.ReadOnlyModelViewSet):
    """Helse og arbeid-tilbud. Filters combine with AND. With the patient's kommune the results
    are ranked: own HF area, private providers with an agreement, the rest of the region."""

    filterset_class = TilbudFilter
    pagination_class = TilbudPagination

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The same answer the HTML search page renders (tilbud.sok.sok_svar).
        return Response(sok_svar(request))

    def get_queryset(self) -> QuerySet:
        return selectors.tilbud_qs()

    def get_serializer_class(self) -> type:
        if self.action == "list":
            return s.TilbudListeSerializer
        if self.action == "partial_update":
            return s.TilbudEndringSerializer
        if self.action == "avslutt":
            return s.AvsluttSerializer
        return s.TilbudDetaljSerializer

    def get_permissions(self) -> list[Any]:
        if self.action in SKRIVING:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tilbud = self.get_object()
        data = self.get_serializer(tilbud).data
        tag = etag(tilbud, data)
        if tag in _etags(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(data, headers={"ETag": tag})

    def _redigerbar(self, request: Request, pk: Any) -> tuple[Any, int | Response]:
        """The tilbud (404 out of scope) and the version the client saw (428/412 otherwise)."""
        tilbud = tilgang.tilbud_for_redigering(bruker=request.user, tilbud_id=pk)
        if_match = request.headers.get("If-Match")
        if not if_match:
            return tilbud, Response(
                {"detail": "Send If-Match med ETag-en fra GET, så ingen endring går tapt."},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        if _versjon(if_match) != tilbud.versjon:
            endringer, hvem = endringer_siden(tilbud, _versjon(if_match))
            return tilbud, _konflikt(
                Samtidighetskonflikt(tilbud, _versjon(if_match), endringer, hvem)
            )
        return tilbud, tilbud.versjon

    @extend_schema(request=s.TilbudEndringSerializer, responses={200: s.TilbudDetaljSerializer})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Coordinators change directly; tilbudsredaktører's changes become proposals (202)."""
        tilbud, versjon = self._redigerbar(request, pk)
        if isinstance(versjon, Response):
            return versjon
        inn = s.TilbudEndringSerializer(data=request.data, partial=True)
        inn.is_valid(raise_exception=True)
        endringer = dict(inn.validated_data)
        grunn = endringer.pop("grunn", "")
        if not endringer:
            raise ValidationError({"detail": ["Ingen felt å endre."]})
        if not tilgang.kan_endre(request.user, tilbud):
            forslag = forslag_opprett(
                bruker=request.user,
                tilbud_id=tilbud.pk,
                versjon=versjon,
                endringer=endringer,
                begrunnelse=grunn,
            )
            return Response(
                {"forslag": forslag.pk, "status": forslag.status}, status=status.HTTP_202_ACCEPTED
            )
        try:
            tilbud = tilbud_oppdater(
                bruker=request.user,
                tilbud_id=tilbud.pk,
                versjon=versjon,
                endringer=endringer,
                grunn=grunn,
            )
        except Samtidighetskonflikt as konflikt:
            return _konflikt(konflikt)
        return self._detalj(tilbud)

    @extend_schema(request=None, responses={200: s.TilbudDetaljSerializer})
    @action(detail=True, methods=["post"])
    def bekreft(self, request: Request, pk: Any = None) -> Response:
        """«Bekreft opplysningene»: records who verified the entry, and today's date."""
        tilbud, versjon = self._redigerbar(request, pk)
        if isinstance(versjon, Response):
            return versjon
        if not tilgang.kan_endre(request.user, tilbud):
            raise PermissionDenied("Bare regionens koordinator kan bekrefte opplysningene.")
        try:
            return self._detalj(
                tilbud_bekreft(bruker=request.user, tilbud_id=tilbud.pk, versjon=versjon)
            )
        except Samtidighetskonflikt as konflikt:
            return _konflikt(konflikt)

    @extend_schema(request=s.AvsluttSerializer, responses={200: s.TilbudDetaljSerializer})
    @action(detail=True, methods=["post"])
    def avslutt(self, request: Request, pk: Any = None) -> Response:
        """End a tilbud with date and reason; nothing is deleted."""
        tilbud, versjon = self._redigerbar(request, pk)
        if isinstance(versjon, Response):
            return versjon
        if not tilgang.kan_endre(request.user, tilbud):
            raise PermissionDenied("Bare regionens koordinator kan avslutte et tilbud.")
        inn = s.AvsluttSerializer(data=request.data)
        inn.is_valid(raise_exception=True)
        try:
            tilbud = tilbud_avslutt(
                bruker=request.user, tilbud_id=tilbud.pk, versjon=versjon, **inn.validated_data
            )
        except Samtidighetskonflikt as konflikt:
            return _konflikt(konflikt)
        return self._detalj(tilbud)

    @extend_schema(responses={200: s.HistorikkSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def historikk(self, request: Request, pk: Any = None) -> Response:
        """Every recorded change: who, when, what, why (PostgreSQL; empty on SQLite)."""
        tilbud = self.get_object()
        return Response(s.HistorikkSerializer(selectors.tilbud_historikk(tilbud), many=True).data)

    def _detalj(self, tilbud: Any) -> Response:
        tilbud = selectors.tilbud_qs().get(pk=tilbud.pk)
        data = s.TilbudDetaljSerializer(tilbud).data
        return Response(data, headers={"ETag": etag(tilbud, data)})


SKRIVING = {"partial_update", "bekreft", "avslutt"}


def etag(tilbud: Any, data: Any = None) -> str:
    """Strong validator. The version is what If-Match checks (no lost updates); the content hash
    makes If-None-Match right also when something the tilbud shows, such as its provider's name,
    changed without a new version of the tilbud itself."""
    innhold = hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str).encode() if data is not None else b""
    ).hexdigest()[:16]
    return f'"tilbud-{tilbud.pk}-v{tilbud.versjon}-{innhold}"'


def _etags(header: str) -> set[str]:
    return {del_.strip().removeprefix("W/") for del_ in header.split(",") if del_.strip()}


def _versjon(if_match: str) -> int:
    treff = re.search(r"-v(\d+)(?:-[0-9a-f]+)?\"", if_match)
    return int(treff[1]) if treff else 0


def _konflikt(konflikt: Samtidighetskonflikt) -> Response:
    return Response(
        {
            "detail": str(konflikt),
            "versjon": konflikt.tilbud.versjon,
            "endret_av": konflikt.endret_av,
            "endringer": {
                k: {"fra": str(v["fra"]), "til": str(v["til"])}
                for k, v in konflikt.endringer.items()
            },
        },
        status=status.HTTP_412_PRECONDITION_FAILED,
        headers={"ETag": etag(konflikt.tilbud)},
    )


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
    serializer_class = s.OrganisasjonSerializer
    filterset_class = OrganisasjonFilter
    queryset = (
        Organisasjon.objects.select_related("rhf")
        .prefetch_related(Prefetch("avtaler", queryset=Avtale.objects.select_related("rhf")))
        .order_by("navn")
    )


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


class DiagnosekodeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Type-ahead over the full ICPC-2 and ICD-10 lists: `?q=F41.1`, `?q=korsrygg`."""

    serializer_class = s.DiagnosekodeSerializer
    extra_query_params = ("q", "kodeverk")

    def get_queryset(self) -> QuerySet:
        q = self.request.query_params.get("q", "")
        kodeverk = self.request.query_params.get("kodeverk") or None
        if len(q) > MAKS_SOKETEKST:
            raise ValidationError({"q": [f"Høyst {MAKS_SOKETEKST} tegn."]})
        if kodeverk not in (None, "ICPC2", "ICD10"):
            raise ValidationError({"kodeverk": ["Gyldige verdier: ICPC2, ICD10."]})
        return selectors.diagnosekoder_sok(q, kodeverk=kodeverk)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {
            **self.get_serializer_context(),
            "malgrupper_per_kode": selectors.malgrupper_for_koder(page),
        }
        data = self.get_serializer(page, many=True, context=context).data
        return self.get_paginated_response(data)
