"""Server-rendered forms of the coordinator area. Every field gets its error message next to it,
tied to the input with aria-describedby; no field accepts unbounded text."""

from datetime import date
from typing import Any

from django import forms
from django.core import signing
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tilbud.models import Avtale, Lokasjon, Malgruppe, Organisasjon, Tilbud, Ventetid
from tilbud.models.mottak import Melding
from tilbud.models.ventetid import MAKS_UKER
from tilbud.services.organisasjon import LOKASJON_FELT, NYE_TYPER, ORGANISASJON_FELT
from tilbud.services.redigering import M2M_FELT, MAKS_TEKST, REDIGERBARE_FELT, for_lang

GRUNNLAG_SALT = "koordinator.tilbud.grunnlag"

# The edit form in sections, in the order a coordinator thinks about a tilbud.
SEKSJONER = [
    (_("Om tilbudet"), ["navn", "kategori", "fagomrade", "innhold", "varighet", "startdato"]),
    (
        _("Målgruppe og alder"),
        [
            "malgrupper",
            "malgruppe_tekst",
            "alder_fra",
            "alder_til",
            "alder_tekst",
            "inklusjonskriterier",
            "eksklusjonskriterier",
        ],
    ),
    (
        _("Behandling og samarbeid"),
        [
            "behandlingsformer",
            "behandlingsform_tekst",
            "lokasjoner",
            "nav_samarbeid",
            "helseiarbeid",
            "helseiarbeid_tekst",
            "arbeidsgiverkontakt",
            "digital",
            "digitalt",
        ],
    ),
    (_("Henvisning"), ["henvisning_til", "henvisning_tekst", "henvisningstidspunkt"]),
    (
        _("Elektronisk mottak (Adresseregisteret)"),
        [
            "her_id",
            "her_navn",
            "overordnet_her_id",
            "vurderes_av",
            "vurderingsenhet",
            "meldinger",
            "ar_kontrollert",
        ],
    ),
    (
        _("Ventetid og kapasitet"),
        [
            "ventetid_tekst",
            "ventetid_uker",
            "ventetid_type",
            "ventetid_dato",
            "ventetid_kilde",
            "tar_imot_henvisninger",
            "tar_imot_nye",
            "tar_imot_nye_dato",
            "tar_imot_nye_til",
            "kapasitet",
            "kapasitet_bekreftet",
        ],
    ),
    (_("Kontakt"), ["kontakt", "kontakt_bekreftet", "nettside", "status_merknad"]),
]


class TilgjengeligSkjema:
    """Error and help texts tied to their inputs (aria-describedby, aria-invalid); dates as
    date pickers; long texts capped."""

    def _tilgjengelig(self) -> None:
        form: Any = self
        for navn, felt in form.fields.items():
            if isinstance(felt, forms.DateField):
                felt.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            if isinstance(felt, forms.CharField) and isinstance(felt.widget, forms.Textarea):
                if not felt.max_length:
                    felt.max_length = MAKS_TEKST
                    felt.validators.append(
                        MaxLengthValidator(MAKS_TEKST, message=for_lang(MAKS_TEKST))
                    )
                    felt.widget.attrs["maxlength"] = str(MAKS_TEKST)
                felt.widget.attrs.setdefault("rows", 3)
                felt.widget.attrs.pop("cols", None)
            beskrevet_av = []
            if felt.help_text:
                beskrevet_av.append(f"hjelp_{navn}")
            feil = getattr(form, "_errors", None) or {}  # never validates by itself
            if form.is_bound and navn in feil:
                felt.widget.attrs["aria-invalid"] = "true"
                beskrevet_av.insert(0, f"feil_{navn}")
            if beskrevet_av:
                felt.widget.attrs["aria-describedby"] = " ".join(beskrevet_av)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._tilgjengelig()


def _json(verdi: Any) -> Any:
    if isinstance(verdi, date):
        return verdi.isoformat()
    return verdi


def verdier_for(tilbud: Tilbud) -> dict[str, Any]:
    """The editable values of a tilbud; many-to-many as sorted lists of keys."""
    # Foreign keys by their key, so the snapshot is JSON.
    data = {
        navn: getattr(tilbud, Tilbud._meta.get_field(navn).attname) for navn in REDIGERBARE_FELT
    }
    for navn in M2M_FELT:
        data[navn] = sorted(str(o.pk) for o in getattr(tilbud, navn).all())
    return data


def grunnlag_for(tilbud: Tilbud) -> dict[str, Any]:
    """The editable values of a tilbud as the user opened it (JSON-ready)."""
    return {navn: _json(verdi) for navn, verdi in verdier_for(tilbud).items()}


def _fra_json(navn: str, verdi: Any) -> Any:
    if navn in M2M_FELT:
        return sorted(str(v) for v in verdi or [])
    return Tilbud._meta.get_field(navn).to_python(verdi)


def normaliser(verdi: Any) -> Any:
    """Comparable form of a value: text without surrounding space and with \\n line ends,
    many-to-many as a sorted list of keys, "" and None alike."""
    if isinstance(verdi, models.Model):
        return verdi.pk
    if isinstance(verdi, models.QuerySet | list | tuple | set):
        return sorted(str(getattr(v, "pk", v)) for v in verdi)
    if isinstance(verdi, str):
        verdi = verdi.replace("\r\n", "\n").strip()
        return verdi or None
    return verdi


class TilbudForm(TilgjengeligSkjema, forms.ModelForm):
    """Every editable field of a tilbud, the version the form was opened at, and a snapshot of
    the values then (signed), so that a conflicting save can show what the other person changed
    and keep what this user changed."""

    versjon = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    grunnlag = forms.CharField(widget=forms.HiddenInput, required=False)
    grunn = forms.CharField(
        label=_("Grunn til endringen (valgfritt)"),
        required=False,
        max_length=500,
        help_text=_("Vises i historikken, f.eks. «Telefon med senteret 3. mars»."),
    )
    meldinger = forms.MultipleChoiceField(
        label=_("Meldinger tjenesten tar imot"),
        choices=Melding.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Tilbud
        fields = [*REDIGERBARE_FELT, *M2M_FELT]
        widgets = {
            "malgrupper": forms.CheckboxSelectMultiple,
            "behandlingsformer": forms.CheckboxSelectMultiple,
            "lokasjoner": forms.CheckboxSelectMultiple,
            "navn": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "ventetid_uker": _("Antall uker fra henvisning er mottatt til oppstart."),
            "ventetid_dato": _("Datoen ventetiden gjelder fra."),
            "alder_fra": _("Tomt betyr ingen nedre grense."),
            "alder_til": _("Tomt betyr ingen øvre grense."),
            "her_id": _("Tjenestens HER-id i Adresseregisteret. Tomt: ikke registrert."),
            "vurderingsenhet": _(
                "Helseforetaket, den regionale vurderingsenheten eller tilbyderen selv."
            ),
        }

    def __init__(self, *args: Any, lokasjoner: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["malgrupper"].queryset = Malgruppe.objects.order_by("navn")
        # Who can assess a referral: an HF, an assessment unit, or the provider itself.
        self.fields["vurderingsenhet"].queryset = Organisasjon.objects.filter(
            Q(
                type__in=[
                    Organisasjon.Type.HF,
                    Organisasjon.Type.IDEELL,
                    Organisasjon.Type.VURDERINGSENHET,
                ]
            )
            | Q(pk=self.instance.organisasjon_id)
        ).order_by("navn")
        if lokasjoner is not None:
            self.fields["lokasjoner"].queryset = lokasjoner
        self.fields["lokasjoner"].label_from_instance = lambda lok: (
            f"{lok.navn} ({lok.kommune.navn})"
        )
        self._tilgjengelig()

    @staticmethod
    def signer(grunnlag: dict[str, Any]) -> str:
        return signing.dumps(grunnlag, salt=GRUNNLAG_SALT, compress=True)

    def grunnlaget(self) -> dict[str, Any] | None:
        """The values as the user opened the form; None if missing or tampered with."""
        try:
            data = signing.loads(self.cleaned_data.get("grunnlag") or "", salt=GRUNNLAG_SALT)
        except signing.BadSignature:
            return None
        try:
            return {navn: _fra_json(navn, data[navn]) for navn in [*REDIGERBARE_FELT, *M2M_FELT]}
        except (KeyError, forms.ValidationError, TypeError, ValueError):
            return None

    def endringer(self, grunnlag: dict[str, Any]) -> dict[str, Any]:
        """The fields this user changed compared with what they opened."""
        return {
            navn: self.cleaned_data[navn]
            for navn in [*REDIGERBARE_FELT, *M2M_FELT]
            if normaliser(self.cleaned_data.get(navn)) != normaliser(grunnlag.get(navn))
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        fra, til = data.get("alder_fra"), data.get("alder_til")
        if fra is not None and til is not None and fra > til:
            self.add_error("alder_til", _("«Alder til» kan ikke være lavere enn «alder fra»."))
        return data

    def validate_constraints(self) -> None:
        # The age check above names the field; the other constraints concern fields the form
        # does not edit (status), and the services run full_clean again.
        return None

    def seksjoner(self) -> list[tuple[str, list[forms.BoundField]]]:
        brukt: set[str] = set()
        ut = []
        for tittel, navn in SEKSJONER:
            felt = [self[n] for n in navn if n in self.fields]
            brukt.update(navn)
            ut.append((tittel, felt))
        rest = [self[n] for n in self.fields if n not in brukt | {"versjon", "grunnlag", "grunn"}]
        if rest:
            ut.append((_("Annet"), rest))
        return ut


class NyttTilbudForm(TilbudForm):
    """A new tilbud: which RHF (the coordinator's) and which provider, then the same fields."""

    rhf = forms.ModelChoiceField(
        label=_("Helseregion"), queryset=Organisasjon.objects.none(), empty_label=None
    )
    organisasjon = forms.ModelChoiceField(
        label=_("Tilbyder"), queryset=Organisasjon.objects.none(), empty_label=_("Velg …")
    )

    def __init__(self, *args: Any, rhf: Any, organisasjoner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rhf"].queryset = rhf
        self.fields["organisasjon"].queryset = organisasjoner
        for navn in ("versjon", "grunnlag", "lokasjoner"):  # sites are added after creation
            del self.fields[navn]
        self.order_fields(["rhf", "organisasjon"])
        self._tilgjengelig()


class AvsluttForm(TilgjengeligSkjema, forms.Form):
    versjon = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    dato = forms.DateField(label=_("Avsluttet dato"))
    grunn = forms.CharField(
        label=_("Hvorfor avsluttes tilbudet?"),
        widget=forms.Textarea,
        max_length=2000,
        help_text=_("Vises for fastlegene på tilbudssiden."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tilgjengelig()

    def clean_grunn(self) -> str:
        tekst = self.cleaned_data["grunn"].strip()
        if not tekst:
            raise forms.ValidationError(_("Skriv hvorfor tilbudet avsluttes."), code="required")
        return tekst


class VersjonertSkjema(forms.ModelForm):
    """The version the user opened (hidden) and a signed snapshot of the values then, so that a
    save after someone else's is refused (version-checked UPDATE in the service) and the page
    can show what the other person changed, keeping what this user changed."""

    versjon = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    grunnlag = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial.setdefault("versjon", self.instance.versjon)
            self.initial.setdefault("grunnlag", self.signer(self.verdier(self.instance)))

    @classmethod
    def verdier(cls, obj: Any) -> dict[str, Any]:
        """The editable values of `obj`, JSON-ready (foreign keys as keys)."""
        return {
            navn: _json(getattr(obj, obj._meta.get_field(navn).attname))
            for navn in cls._meta.fields
        }

    def salt(self) -> str:
        return f"koordinator.{self._meta.model._meta.model_name}.grunnlag"

    def signer(self, verdier: dict[str, Any]) -> str:
        return signing.dumps(verdier, salt=self.salt(), compress=True)

    def grunnlaget(self) -> dict[str, Any] | None:
        """The values as the user opened the form; None if missing or tampered with."""
        try:
            data = signing.loads(self.cleaned_data.get("grunnlag") or "", salt=self.salt())
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or set(data) != set(self._meta.fields):
            return None
        return data

    def endringer(self, grunnlag: dict[str, Any]) -> dict[str, Any]:
        """The fields this user changed compared with what they opened."""
        return {
            navn: self.cleaned_data.get(navn)
            for navn in self._meta.fields
            if normaliser(_nokkel(self.cleaned_data.get(navn))) != normaliser(grunnlag.get(navn))
        }


def _nokkel(verdi: Any) -> Any:
    verdi = getattr(verdi, "pk", verdi)
    return str(verdi) if isinstance(verdi, int) else verdi


class OrganisasjonForm(TilgjengeligSkjema, VersjonertSkjema):
    grunn = forms.CharField(
        label=_("Grunn til endringen (valgfritt)"), required=False, max_length=500
    )

    class Meta:
        model = Organisasjon
        fields = ORGANISASJON_FELT
        help_texts = {"organisasjonsnummer": _("Ni sifre, uten mellomrom.")}
        widgets = {"organisasjonsnummer": forms.TextInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tilgjengelig()

    def clean_organisasjonsnummer(self) -> str | None:
        verdi = (self.cleaned_data.get("organisasjonsnummer") or "").replace(" ", "")
        return verdi or None


class NyOrganisasjonForm(TilgjengeligSkjema, forms.Form):
    """A new provider in the coordinator's region. Content rules (mod 11, unique name and
    number, an agreement for a private provider) are the service's, shared with the API; its
    errors come back next to these fields."""

    rhf = forms.ModelChoiceField(
        label=_("Helseregion"), queryset=Organisasjon.objects.none(), empty_label=None
    )
    navn = forms.CharField(label=_("Navn"), max_length=200)
    type = forms.ChoiceField(
        label=_("Type tilbyder"),
        choices=[(t.value, t.label) for t in NYE_TYPER],
        widget=forms.RadioSelect,
    )
    avtaletype = forms.ChoiceField(
        label=_("Avtalen med helseregionen gjelder"),
        choices=[("", _("Ingen avtale (helseforetak eller ideelt sykehus)")), *Avtale.Type.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Bare for private leverandører."),
    )
    organisasjonsnummer = forms.CharField(
        label=_("Organisasjonsnummer"),
        max_length=20,
        help_text=_("Ni sifre, fra Enhetsregisteret."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    nettside = forms.CharField(
        label=_("Nettside"),
        max_length=200,
        required=False,
        help_text=_("Full adresse, f.eks. https://www.eksempel.no/."),
        widget=forms.URLInput,
    )
    grunn = forms.CharField(
        label=_("Grunn til registreringen (valgfritt)"),
        required=False,
        max_length=500,
        help_text=_("Vises i historikken, f.eks. «Ny avtale fra 1. mars»."),
    )

    def __init__(self, *args: Any, rhf: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rhf"].queryset = rhf
        self._tilgjengelig()


class LokasjonForm(TilgjengeligSkjema, VersjonertSkjema):
    grunn = forms.CharField(
        label=_("Grunn til endringen (valgfritt)"), required=False, max_length=500
    )

    class Meta:
        model = Lokasjon
        fields = LOKASJON_FELT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = self.fields["kommune"].queryset.order_by("navn")
        if not self.instance.pk:  # a new site has no version yet
            del self.fields["versjon"], self.fields["grunnlag"]
        self._tilgjengelig()

    def validate_unique(self) -> None:
        # organisasjon is not a form field; the service's full_clean checks the name per
        # organisation and reports it on «navn».
        return None


class AvvisForm(TilgjengeligSkjema, forms.Form):
    kommentar = forms.CharField(
        label=_("Hvorfor avvises forslaget?"),
        widget=forms.Textarea,
        max_length=2000,
        help_text=_("Tilbudsredaktøren ser kommentaren."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tilgjengelig()


class GodkjennForm(TilgjengeligSkjema, forms.Form):
    versjon = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    kommentar = forms.CharField(
        label=_("Kommentar (valgfritt)"), widget=forms.Textarea, max_length=2000, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tilgjengelig()


class LosFeilmeldingForm(TilgjengeligSkjema, forms.Form):
    notat = forms.CharField(
        label=_("Hva ble gjort?"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("Notatet er internt. Den som meldte feilen får bare en kort takk."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tilgjengelig()


class VentetidForm(forms.Form):
    """One waiting time: «Uendret» (confirm, today's date) or a new value in weeks."""

    type = forms.ChoiceField(label=_("Type"), choices=Ventetid.Type.choices)
    uker_min = forms.IntegerField(
        label=_("Uker fra (valgfritt)"), required=False, min_value=0, max_value=MAKS_UKER
    )
    uker_maks = forms.IntegerField(
        label=_("Uker"), required=False, min_value=0, max_value=MAKS_UKER
    )
    uendret = forms.BooleanField(required=False, widget=forms.HiddenInput)
