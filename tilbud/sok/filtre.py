"""The search's FilterSet, generated from the table of parameters (tilbud.sok.parametere): used
by the search (tilbud.sok.svar), and by the API view for its OpenAPI schema.

It filters either the search table (`Sokerad`, the PostgreSQL engine's rows) or the tilbud
themselves; which predicate of a row applies follows from the queryset it is given, decided once
per search.
"""

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from tilbud.models import Kommune, Sokerad, Tilbud
from tilbud.referanse import Bydel, referanse

from .motor import Motor, velg_motor
from .parametere import (
    PARAMETER,
    PARAMETERE,
    SORTER_VENTETID,
    STATUS_ALLE,
    VIST_UKER,
    Parameter,
    Predikat,
    med_vist_uker,
)
from .rangering import Pasientrangering
from .selectors import etter_relevans
from .sokeside import Sokeside

_SKJEMAKLASSER: dict[type, type[forms.Form]] = {}


class Sokeskjema(forms.Form):
    """The search's form: checks between parameters that each field alone cannot see."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kommune, postkommune = data.get("kommune"), data.get("postnummer")
        if kommune is not None and postkommune is not None and kommune.nummer != postkommune.nummer:
            # Both fields, both named: the GP sees which two disagree, not «Ingen tilbud».
            melding = _(
                "Kommunen %(kommune)s og postnummeret %(postnummer)s (i %(postkommune)s) "
                "motsier hverandre. Rett eller fjern det ene."
            ) % {
                "kommune": kommune.navn,
                "postnummer": str(self.data.get("postnummer", "")).strip(),
                "postkommune": postkommune.navn,
            }
            self.add_error("kommune", melding)
            self.add_error("postnummer", melding)
        bydel, sted = data.get("bydel"), kommune or postkommune
        if bydel is not None and sted is not None and sted.nummer != bydel.kommune_id:
            self.add_error(
                "bydel",
                _(
                    "Bydel %(bydel)s ligger i Oslo, ikke i %(kommune)s. "
                    "Velg Oslo eller fjern bydelen."
                )
                % {"bydel": bydel.navn, "kommune": sted.navn},
            )
        return data


class Sokefilter(django_filters.FilterSet):
    """The search's FilterSet without its filters (they come from the table: TilbudFilter)."""

    STATUS_ALLE = STATUS_ALLE

    class Meta:
        model = Tilbud
        fields: list[str] = []
        form = Sokeskjema

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet | None = None,
        *,
        motor: Motor | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.motor: Motor = motor or velg_motor()
        # Filled by the free-text filter (tilbud.sok.parametere._q): the typos it corrected.
        self.rettet: dict[str, list[str]] = {}
        # The search table holds målgrupper and behandlingsformer as arrays, so no link-table
        # join per search; the rows say which predicate fits which table.
        self._pa_sokerad = self.queryset.model is Sokerad

    def get_form_class(self) -> type[forms.Form]:
        # django-filter builds a new form class, and every form field, for each search. The
        # fields depend on nothing of the request (labels are lazy, look-ups happen in clean),
        # so the class is built once per FilterSet class; each form still copies its fields.
        klasse = _SKJEMAKLASSER.get(type(self))
        if klasse is None:
            klasse = _SKJEMAKLASSER[type(self)] = super().get_form_class()
        return klasse

    def filtrer_parameter(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        """Every filter's method (`filtrer_<name>`, generated below): its row's predicate."""
        rad = PARAMETER[name]
        predikat: Predikat = (rad.sokerad or rad.orm) if self._pa_sokerad else rad.orm
        return predikat(qs, value, self)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        qs = self.filtrert(queryset)
        if self.etter_ventetid:
            return self.etter_ventetid_rangert(qs)
        # Rank once every filter is applied: tiers and distance need the patient's kommune,
        # relevance needs the words.
        if self.pasientkommune is not None:
            return Pasientrangering.for_kommune(self.pasientkommune, self.bydel).rangert(qs)
        return qs.order_by(*etter_relevans(qs), "navn", "pk")

    @property
    def etter_ventetid(self) -> bool:
        return self.form.cleaned_data.get("sorter") == SORTER_VENTETID

    def etter_ventetid_rangert(self, qs: QuerySet) -> QuerySet:
        """Shortest shown waiting time first, unknown last; ties as the ranking orders them
        (tier, relevance, distance with the patient's kommune; else relevance), then name.
        With the patient's kommune, only the tilbud serving it (as Pasientrangering.rangert)."""
        qs = med_vist_uker(qs)
        forst: list[Any] = [F(VIST_UKER).asc(nulls_last=True)]
        if self.pasientkommune is None:
            return qs.order_by(*etter_relevans(qs, *forst), "navn", "pk")
        rangering = Pasientrangering.for_kommune(self.pasientkommune)
        betjener = Q(rhf_id=self.pasientkommune.rhf_id) | Q(pk__in=rangering.andre)
        qs = rangering.annotert(qs.filter(betjener))
        return qs.order_by(
            *etter_relevans(qs, *forst, "niva_rang"),
            F("avstand2").asc(nulls_last=True),
            "navn",
            "pk",
        )

    def filtrert(self, queryset: QuerySet) -> QuerySet:
        """Every filter applied, nothing ranked."""
        qs = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            qs = qs.synlige()
        return qs

    @property
    def treff(self) -> "QuerySet | Sokeside":
        """What a page is cut from: the engine's (tilbud.sok.motor)."""
        if not self.is_valid():
            raise ValueError("TilbudFilter.treff of an invalid search: check is_valid() first")
        return self.motor.treff(self)

    @property
    def pasientkommune(self) -> Kommune | None:
        """The patient's kommune: given, or the postnummer's, or the bydel's (Oslo)."""
        data = self.form.cleaned_data
        sted = data.get("kommune") or data.get("postnummer")
        if sted is None and (bydel := self.bydel) is not None:
            sted = referanse().kommuner.get(bydel.kommune_id)
        return sted

    @property
    def bydel(self) -> Bydel | None:
        return self.form.cleaned_data.get("bydel")

    @property
    def uten_bydel(self) -> bool:
        """The patient's kommune is split by bydel in the catchment data (Oslo), but no bydel
        was given: the order is by kommune, not by the bydel's own hospital."""
        kommune = self.pasientkommune
        if kommune is None or self.bydel is not None:
            return False
        return any(b.kommune_id == kommune.nummer for b in referanse().bydeler.values())


def _filter(p: Parameter) -> django_filters.Filter:
    filt = p.filter()
    filt.method = f"filtrer_{p.navn}"
    return filt


def _metode(p: Parameter) -> Callable[..., QuerySet]:
    """The row's filter method. drf-spectacular reads the parameter's schema type from the hint
    of its `value` (Parameter.skjematype), or from the filter's kind when there is none."""

    def filtrer(self: Sokefilter, qs: QuerySet, name: str, value: Any) -> QuerySet:
        return self.filtrer_parameter(qs, name, value)

    filtrer.__annotations__ = {"value": p.skjematype} if p.skjematype is not None else {}
    filtrer.__name__ = filtrer.__qualname__ = f"filtrer_{p.navn}"
    return filtrer


# One filter per row of the table, in the table's order (the API's parameters, the form's
# fields and their errors come in this order).
TilbudFilter: type[Sokefilter] = type(
    "TilbudFilter",
    (Sokefilter,),
    {
        "__module__": __name__,
        "__doc__": "The tilbud search's parameters (tilbud.sok.parametere), one filter each.",
        **{p.navn: _filter(p) for p in PARAMETERE},
        **{f"filtrer_{p.navn}": _metode(p) for p in PARAMETERE},
    },
)
