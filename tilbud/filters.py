"""The tilbud search filters: one FilterSet used by the API and the HTML pages alike.

Every parameter is validated by its form field, so a bad value is a field error (HTTP 400 in the
API, a message next to the field on the page) and never an empty result or a server error.
"""

import copy
import re
import unicodedata
from typing import Any

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from helsearbeid.api.filtering import HeltallFilter

from .models import (
    Behandlingsform,
    Fylke,
    Kommune,
    Lokasjon,
    Malgruppe,
    Organisasjon,
    Sokerad,
)
from .models.tilbud import Fagomrade, Tilbud
from .rangering import NivadeltSok, Pasientrangering
from .referanse import referanse
from .selectors import (
    DiagnoseOppslag,
    IngenDiagnose,
    UgyldigKode,
    UkjentKode,
    diagnose_fra_ord,
    diagnose_slaa_opp,
    etter_relevans,
    kommune_betjent,
    kommune_fra_tekst,
    tekstsok,
)
from .sokeside import EnkelSok, Sokeside

MAKS_SOKETEKST = 200
_SKJEMAKLASSER: dict[type, type[forms.Form]] = {}


class _OppslagField(forms.CharField):
    """A CharField that turns the typed value into an object, or a clear error."""

    def oppslag(self, verdi: str) -> Any:
        raise NotImplementedError

    def clean(self, value: Any) -> Any:
        verdi = super().clean(value)
        if verdi in (None, ""):
            return None
        return self.oppslag(verdi.strip())


class KommuneField(_OppslagField):
    """A kommune number (1804) or name (Bodø, Tromsø, Karasjok)."""

    def oppslag(self, verdi: str) -> Kommune:
        if not verdi.isdigit():
            return self.fra_navn(verdi)
        if len(verdi) != 4:
            raise forms.ValidationError(
                _("Kommunenummer har fire sifre (f.eks. 1804 for Bodø); fikk «%(v)s»."),
                params={"v": verdi},
                code="format",
            )
        kommune = referanse().kommuner.get(verdi)
        if kommune is None:
            raise forms.ValidationError(
                _("Ingen kommune har nummer %(v)s."), params={"v": verdi}, code="ukjent"
            )
        return kommune

    def fra_navn(self, verdi: str) -> Kommune:
        if len(verdi) > 60:
            raise forms.ValidationError(_("Kommunenavnet er for langt."), code="lengde")
        treff = kommune_fra_tekst(verdi)
        if len(treff) == 1:
            return treff[0]
        if not treff:
            raise forms.ValidationError(
                _("Fant ingen kommune som heter «%(v)s». Skriv navnet eller kommunenummeret."),
                params={"v": verdi},
                code="ukjent",
            )
        raise forms.ValidationError(
            _("«%(v)s» kan være flere kommuner: %(valg)s. Velg med kommunenummer."),
            params={"v": verdi, "valg": ", ".join(f"{k.navn} ({k.nummer})" for k in treff)},
            code="flertydig",
        )


class PostnummerField(_OppslagField):
    def oppslag(self, verdi: str) -> Kommune:
        if not (len(verdi) == 4 and verdi.isdigit()):
            raise forms.ValidationError(
                _("Postnummer har fire sifre; fikk «%(v)s»."), params={"v": verdi}, code="format"
            )
        ref = referanse()
        kommunenummer = ref.postnumre.get(verdi)
        if kommunenummer is None:
            raise forms.ValidationError(
                _("Postnummer %(v)s finnes ikke i postnummerregisteret."),
                params={"v": verdi},
                code="ukjent",
            )
        return ref.kommuner[kommunenummer]


class FylkeField(_OppslagField):
    def oppslag(self, verdi: str) -> Fylke:
        if not (len(verdi) == 2 and verdi.isdigit()):
            raise forms.ValidationError(
                _("Fylkesnummer har to sifre (f.eks. 18 for Nordland); fikk «%(v)s»."),
                params={"v": verdi},
                code="format",
            )
        fylke = referanse().fylker.get(verdi)
        if fylke is None:
            raise forms.ValidationError(
                _("Ingen fylke har nummer %(v)s."), params={"v": verdi}, code="ukjent"
            )
        return fylke


class RhfField(_OppslagField):
    def oppslag(self, verdi: str) -> Organisasjon:
        alle = referanse().rhf
        rhf = alle.get(verdi.upper())
        if rhf is None:
            koder = ", ".join(r.kode for r in alle.values())
            raise forms.ValidationError(
                _("Ukjent helseregion «%(v)s». Gyldige: %(k)s."),
                params={"v": verdi, "k": koder},
                code="ukjent",
            )
        return rhf


class DiagnoseField(_OppslagField):
    """An ICPC-2 or ICD-10 code (L03, F41.1) or words (korsrygg, angst, utbrent)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAKS_SOKETEKST, **kwargs)

    def oppslag(self, verdi: str) -> DiagnoseOppslag:
        try:
            return diagnose_slaa_opp(verdi)
        except UgyldigKode:
            return self.fra_ord(verdi)
        except UkjentKode:
            raise forms.ValidationError(
                _("Diagnosekoden «%(v)s» finnes verken i ICPC-2 eller ICD-10."),
                params={"v": verdi},
                code="ukjent",
            ) from None

    def fra_ord(self, verdi: str) -> DiagnoseOppslag:
        try:
            return diagnose_fra_ord(verdi)
        except IngenDiagnose:
            raise forms.ValidationError(
                _(
                    "Fant ingen diagnose eller målgruppe for «%(v)s». Skriv en ICPC-2-kode "
                    "(f.eks. L03), en ICD-10-kode (f.eks. F41.1) eller et ord som «rygg»."
                ),
                params={"v": verdi[:40]},
                code="ukjent",
            ) from None


class MalgruppeField(_OppslagField):
    def oppslag(self, verdi: str) -> Malgruppe:
        alle = referanse().malgrupper
        malgruppe = alle.get(verdi)
        if malgruppe is None:
            slugs = ", ".join(alle)
            raise forms.ValidationError(
                _("Ukjent målgruppe «%(v)s». Gyldige: %(k)s."),
                params={"v": verdi, "k": slugs},
                code="ukjent",
            )
        return malgruppe


class BehandlingsformField(_OppslagField):
    def oppslag(self, verdi: str) -> Behandlingsform:
        alle = referanse().behandlingsformer
        form = alle.get(verdi)
        if form is None:
            koder = ", ".join(alle)
            raise forms.ValidationError(
                _("Ukjent behandlingsform «%(v)s». Gyldige: %(k)s."),
                params={"v": verdi, "k": koder},
                code="ukjent",
            )
        return form


class SoketekstField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAKS_SOKETEKST, **kwargs)

    def clean(self, value: Any) -> Any:
        verdi = super().clean(value)
        if not verdi:
            return ""
        # Control and invisible formatting characters (e.g. right-to-left override) have no
        # place in a search and can disguise what was searched for.
        if any(unicodedata.category(c) in ("Cc", "Cf") for c in verdi):
            raise forms.ValidationError(
                _("Søketeksten inneholder kontrolltegn eller usynlige tegn."), code="tegn"
            )
        if not re.search(r"\w", verdi):
            raise forms.ValidationError(
                _("Søketeksten må inneholde minst ett ord (bokstaver eller tall)."), code="ord"
            )
        return " ".join(verdi.split())


class _BilligKopi:
    """django-filter deep-copies every filter for each FilterSet, choices and lazy labels
    included: a third of a millisecond per search, for objects no search changes. A copy
    here is shallow: its own attribute dict and `extra`, and its method bound to itself (the
    FilterSet sets `parent` and `model` on the copy)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        kopi = copy.copy(self)
        kopi.extra = dict(self.extra)
        if self.method is not None:
            kopi.method = self.method  # a FilterMethod of its own, resolved on its parent
        memo[id(self)] = kopi
        return kopi


class _Filter(_BilligKopi, django_filters.Filter):
    pass


class _ChoiceFilter(_BilligKopi, django_filters.ChoiceFilter):
    pass


class _HeltallFilter(_BilligKopi, HeltallFilter):
    pass


def _filter(field_class: type[forms.Field], method: str, label: str) -> django_filters.Filter:
    filt = _Filter(method=method, label=label)
    filt.field_class = field_class
    return filt


class TilbudFilter(django_filters.FilterSet):
    STATUS_ALLE = "alle"

    rhf = _filter(RhfField, "filter_rhf", _("Helseregion (HSO, HV, HMN, HN)"))
    fylke = _filter(FylkeField, "filter_fylke", _("Fylkesnummer (2 sifre)"))
    kommune = _filter(KommuneField, "filter_kommune", _("Kommune (navn eller nummer)"))
    postnummer = _filter(PostnummerField, "filter_kommune", _("Postnummer (4 sifre)"))
    diagnose = _filter(DiagnoseField, "filter_diagnose", _("Diagnose (ICPC-2, ICD-10 eller ord)"))
    malgruppe = _filter(MalgruppeField, "filter_malgruppe", _("Målgruppe"))
    fagomrade = _ChoiceFilter(choices=Fagomrade.choices, label=_("Fagområde"))
    behandlingsform = _filter(BehandlingsformField, "filter_behandlingsform", _("Behandlingsform"))
    q = _filter(SoketekstField, "filter_q", _("Fritekst"))
    # Whole years only (the schema says integer 0–120): «7.5» and «null» are refused alike.
    alder = _HeltallFilter(
        method="filter_alder", label=_("Pasientens alder"), min_value=0, max_value=120
    )
    status = _ChoiceFilter(
        choices=[*Tilbud.Status.choices, (STATUS_ALLE, _("Alle"))],
        method="filter_status",
        label=_("Status (standard: alle som ikke er avsluttet)"),
    )

    class Meta:
        model = Tilbud
        fields: list[str] = []

    def get_form_class(self) -> type[forms.Form]:
        # django-filter builds a new form class, and every form field, for each search. The
        # fields depend on nothing of the request (labels are lazy, look-ups happen in clean),
        # so the class is built once per FilterSet class; each form still copies its fields.
        klasse = _SKJEMAKLASSER.get(type(self))
        if klasse is None:
            klasse = _SKJEMAKLASSER[type(self)] = super().get_form_class()
        return klasse

    def filter_queryset(self, queryset: QuerySet[Tilbud]) -> QuerySet[Tilbud]:
        qs = self._filtrert(queryset)
        # Rank once every filter is applied: tiers and distance need the patient's kommune,
        # relevance needs the words.
        if self.pasientkommune is not None:
            return Pasientrangering.for_kommune(self.pasientkommune).rangert(qs)
        return qs.order_by(*etter_relevans(qs), "navn", "pk")

    def _filtrert(self, queryset: QuerySet[Tilbud]) -> QuerySet[Tilbud]:
        """Every filter applied, nothing ranked."""
        qs = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            qs = qs.synlige()
        return qs

    @property
    def treff(self) -> "QuerySet | Sokeside":
        """What a page is cut from: `qs` on SQLite; on PostgreSQL the same rows as a sequence
        that reads count, page and cards in one statement (tilbud.sokeside), for the patient's
        kommune ranked tier by tier, so that a page stops at the tier that fills it."""
        if not self.is_valid():
            raise ValueError("TilbudFilter.treff of an invalid search: check is_valid() first")
        if connection.vendor != "postgresql":
            return self.qs
        if self.pasientkommune is None:
            return EnkelSok(self.qs)
        rangering = Pasientrangering.for_kommune(self.pasientkommune)
        return NivadeltSok(rangering, self._filtrert(self.queryset.all()))

    @property
    def pasientkommune(self) -> Kommune | None:
        data = self.form.cleaned_data
        return data.get("kommune") or data.get("postnummer")

    def filter_status(self, qs: QuerySet[Tilbud], name: str, value: str) -> QuerySet[Tilbud]:
        return qs if value == self.STATUS_ALLE else qs.filter(status=value)

    def filter_rhf(self, qs: QuerySet[Tilbud], name: str, value: Organisasjon) -> QuerySet:
        return qs.filter(rhf=value)

    def filter_fylke(self, qs: QuerySet[Tilbud], name: str, value: Fylke) -> QuerySet:
        har_lokasjon = Exists(Lokasjon.objects.filter(tilbud=OuterRef("pk"), kommune__fylke=value))
        return qs.filter(Q(rhf_id=value.rhf_id) | Q(har_lokasjon))

    def filter_kommune(self, qs: QuerySet[Tilbud], name: str, value: Kommune) -> QuerySet:
        # The patient's kommune restricts and ranks at the end (filter_queryset); a second,
        # different one (kommune and postnummer both given) only restricts.
        if value == self.pasientkommune:
            return qs
        return qs.filter(kommune_betjent(value))

    # The queryset is tilbud or the search table's rows (selectors.sokegrunnlag); the search
    # table holds målgrupper and behandlingsformer as arrays, so no link-table join per search.

    def filter_diagnose(self, qs: QuerySet[Tilbud], name: str, value: DiagnoseOppslag) -> QuerySet:
        if qs.model is Sokerad:
            return qs.filter(malgrupper__overlap=sorted(value.malgruppe_ider))
        through = Tilbud.malgrupper.through
        return qs.filter(
            Exists(
                through.objects.filter(
                    tilbud_id=OuterRef("pk"), malgruppe_id__in=value.malgruppe_ider
                )
            )
        )

    def filter_malgruppe(self, qs: QuerySet[Tilbud], name: str, value: Malgruppe) -> QuerySet:
        if qs.model is Sokerad:
            return qs.filter(malgrupper__contains=[value.pk])
        through = Tilbud.malgrupper.through
        return qs.filter(
            Exists(through.objects.filter(tilbud_id=OuterRef("pk"), malgruppe_id=value.pk))
        )

    def filter_behandlingsform(
        self, qs: QuerySet[Tilbud], name: str, value: Behandlingsform
    ) -> QuerySet:
        if qs.model is Sokerad:
            return qs.filter(behandlingsformer__contains=[value.pk])
        through = Tilbud.behandlingsformer.through
        return qs.filter(
            Exists(through.objects.filter(tilbud_id=OuterRef("pk"), behandlingsform_id=value.pk))
        )

    def filter_q(self, qs: QuerySet[Tilbud], name: str, value: str) -> QuerySet:
        return tekstsok(qs, value)

    def filter_alder(self, qs: QuerySet[Tilbud], name: str, value: Any) -> QuerySet:
        alder = int(value)
        return qs.filter(
            Q(alder_fra__isnull=True) | Q(alder_fra__lte=alder),
            Q(alder_til__isnull=True) | Q(alder_til__gte=alder),
        )
