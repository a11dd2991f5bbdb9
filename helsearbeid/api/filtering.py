"""A filter backend that rejects unknown query parameters instead of silently ignoring them.

A GP or analyst who types `kommun=1804` must hear about it, not get the whole country back.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# Parameters the framework itself understands on every list endpoint.
ALLTID_TILLATT = {"page", "page_size", "format"}


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        kjente = set(ALLTID_TILLATT) | set(getattr(view, "extra_query_params", ()))
        if filterset_class is not None:
            kjente |= set(filterset_class.base_filters)
        ukjente = sorted(set(request.query_params) - kjente)
        if ukjente:
            raise ValidationError(
                {
                    navn: [f"Ukjent parameter. Gyldige parametere: {', '.join(sorted(kjente))}."]
                    for navn in ukjente
                }
            )
        return super().filter_queryset(request, queryset, view)
