"""The search parameters' form fields: each turns what a GP typed into an object, or a clear
error (HTTP 400 in the API, a message next to the field on the page), never an empty result or
a server error. The table of parameters (tilbud.sok.parametere) names the field of each.
"""

import copy
import re
import unicodedata
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from helsearbeid.api.filtering import HeltallFilter
from tilbud.models import Behandlingsform, Fylke, Kommune, Malgruppe, Organisasjon
from tilbud.referanse import Bydel, referanse
from tilbud.selectors import (
    DiagnoseOppslag,
    IngenDiagnose,
    UgyldigKode,
    UkjentKode,
    diagnose_fra_ord,
    diagnose_slaa_opp,
    kommune_fra_tekst,
)

MAKS_SOKETEKST = 200


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


def _bydelsnokkel(tekst: str) -> str:
    """'Bydel Grünerløkka', 'grunerlokka', 'St.Hanshaugen' → one key: lower case, Norwegian
    and other accented letters folded to ASCII, no spaces or punctuation."""
    tekst = tekst.strip().lower().removeprefix("bydel ")
    for fra, til in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        tekst = tekst.replace(fra, til)
    tekst = unicodedata.normalize("NFKD", tekst)
    return "".join(c for c in tekst if c.isascii() and c.isalnum())


class BydelField(_OppslagField):
    """An Oslo bydel: SSB's bydel number (030111) or its name (Stovner, grunerlokka), from the
    catchment data (tilbud.models.Opptaksomrade)."""

    def oppslag(self, verdi: str) -> Bydel:
        bydeler = referanse().bydeler
        if verdi.isdigit():
            bydel = bydeler.get(verdi)
        else:
            nokkel = _bydelsnokkel(verdi)
            bydel = next((b for b in bydeler.values() if _bydelsnokkel(b.navn) == nokkel), None)
        if bydel is None:
            raise forms.ValidationError(
                _(
                    "Fant ingen bydel «%(v)s». Skriv bydelsnummeret (f.eks. 030111) eller "
                    "navnet (f.eks. Stovner)."
                ),
                params={"v": verdi[:40]},
                code="ukjent",
            )
        return bydel


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
            koder = ", ".join(str(r.kode) for r in alle.values())
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


class SannUsannField(forms.Field):
    """A yes/no parameter, written `true` or `false` (as the OpenAPI schema's boolean); empty
    means no filter. Anything else is an error, not a guess."""

    def clean(self, value: Any) -> bool | None:
        verdi = super().clean(value)
        if verdi in (None, ""):
            return None
        tekst = str(verdi).strip().lower()
        if tekst not in ("true", "false"):
            raise forms.ValidationError(
                _("Skriv true eller false; fikk «%(v)s»."),
                params={"v": str(verdi)[:20]},
                code="ugyldig",
            )
        return tekst == "true"


class _BilligKopi:
    """django-filter deep-copies every filter for each FilterSet, choices and lazy labels
    included: a third of a millisecond per search, for objects no search changes. A copy
    here is shallow: its own attribute dict and `extra`, and its method bound to itself (the
    FilterSet sets `parent` and `model` on the copy)."""

    extra: dict[str, Any]
    method: Any

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


class _BooleanFilter(_BilligKopi, django_filters.BooleanFilter):
    field_class = SannUsannField


def _filter(field_class: type[forms.Field], method: str, label: Any) -> django_filters.Filter:
    filt = _Filter(method=method, label=label)
    filt.field_class = field_class
    return filt
