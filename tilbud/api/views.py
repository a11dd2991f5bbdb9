"""Read API for the catalogue (`/api/v1/`). Thin: querysets come from selectors, filters from
tilbud.filters, shapes from serializers."""

from typing import Any

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tilbud import selectors
from tilbud.filters import MAKS_SOKETEKST, TilbudFilter
from tilbud.models import Avtale, Kommune, Malgruppe, Opptaksomrade, Organisasjon
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
        return s.TilbudListeSerializer if self.action == "list" else s.TilbudDetaljSerializer


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
