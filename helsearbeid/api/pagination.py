"""Page-number pagination that answers bad page parameters with a 400, not a 404 or a default."""

from functools import cached_property
from typing import Any

from django.core.paginator import InvalidPage, Page, Paginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response


class _SideEtterSiste(Page):
    """A page past the last: no rows, no next, the last page as previous."""

    def __init__(self, paginator: Paginator) -> None:
        super().__init__([], paginator.num_pages + 1, paginator)

    def has_next(self) -> bool:
        return False

    def has_previous(self) -> bool:
        return self.paginator.count > 0

    def previous_page_number(self) -> int:
        return self.paginator.num_pages


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Må være et heltall fra 1 til {self.max_page_size}."]}
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        # ASCII digits, not zero: «²» and «١» pass isdigit() but are no page number.
        if raw is not None and not (raw.isascii() and raw.isdigit() and raw.strip("0")):
            raise ValidationError({"page": ["Sidenummer må være et positivt heltall."]})
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(raw or 1)
        except InvalidPage:
            # Past the last page (any number ≥ 1 is valid by the schema, which cannot know the
            # count): an empty page whose `previous` is the last one, as for a list that shrank
            # while a client paged through it. It was a 400, which the schema does not allow.
            self.page = _SideEtterSiste(paginator)
        self.request = request
        return list(self.page)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The limits the checks above enforce, so that the schema promises no more."""
        parametere = super().get_schema_operation_parameters(view)
        for parameter in parametere:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parametere


class CappedPaginator(Paginator):
    """Counts at most TAK + 1 rows: an exact COUNT(*) over a broad search costs more than the
    page itself, and "1000+ treff" tells a GP the same thing."""

    TAK = 1000

    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "antall_opptil"):  # a sequence that counts itself
            return self.object_list.antall_opptil(self.TAK + 1)
        # Only the filters matter for the count: drop ordering and ranking annotations.
        return self.object_list.order_by().values("pk")[: self.TAK + 1].count()

    @property
    def er_minst(self) -> bool:
        return self.count > self.TAK


class CappedPagination(StandardPagination):
    """Page numbers with a capped count: `count` is at most 1000, `count_er_minst` says there
    are more."""

    django_paginator_class = CappedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # A sequence that can count and fetch a page in one statement is told the page first.
        # (Only a page that can exist: the count stops after TAK rows, and a page number too big
        # for the database is a 400 from the paginator, not a statement.)
        raw = request.query_params.get(self.page_query_param) or "1"
        if hasattr(queryset, "forbered") and raw.isascii() and raw.isdigit() and 1 <= len(raw) <= 4:
            storrelse = self.get_page_size(request)
            start = (int(raw) - 1) * storrelse
            if 0 <= start <= CappedPaginator.TAK:
                queryset.forbered(start, start + storrelse, CappedPaginator.TAK + 1)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.TAK),
                "count_er_minst": paginator.er_minst,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        svar = super().get_paginated_response_schema(schema)
        svar["properties"]["count_er_minst"] = {"type": "boolean"}
        return svar
