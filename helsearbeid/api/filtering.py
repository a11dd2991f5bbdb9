"""A filter backend that rejects unknown query parameters instead of silently ignoring them.

A GP or analyst who types `kommun=1804` must hear about it, not get the whole country back.
"""

from collections.abc import Iterable

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# Parameters the framework itself understands on every list endpoint.
ALLTID_TILLATT = {"page", "page_size", "format"}


def avvis_ukjente_parametere(params: Iterable[str], kjente: set[str]) -> None:
    """400 naming every parameter the endpoint does not understand."""
    ukjente = sorted(set(params) - kjente)
    if ukjente:
        gyldige = ", ".join(sorted(kjente))
        raise ValidationError(
            {navn: [f"Ukjent parameter. Gyldige parametere: {gyldige}."] for navn in ukjente}
        )


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        kjente = set(ALLTID_TILLATT) | set(getattr(view, "extra_query_params", ()))
        if filterset_class is not None:
            kjente |= set(filterset_class.base_filters)
        avvis_ukjente_parametere(request.query_params, kjente)
        return super().filter_queryset(request, queryset, view)


class _Heltall(forms.IntegerField):
    """Digits only: Django's IntegerField also takes «7.0» (and «7,0» in some locales)."""

    def to_python(self, value):
        if value not in self.empty_values and not str(value).strip().lstrip("-").isdigit():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class HeltallFilter(django_filters.NumberFilter):
    """An id: a whole number, written as one. NumberFilter reads a decimal, so
    `?tilbud=2661000289936842.0` (or `7.5`) slipped through as if it were an id (found by
    schemathesis)."""

    field_class = _Heltall
