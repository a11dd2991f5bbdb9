"""HTML forms for referrals. Validation of content is the services' (one rule set for HTML and
API); the forms only parse what the browser sends."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .livssyklus import Avvisningsgrunn, Utfall


class HenvisningForm(forms.Form):
    fodselsnummer = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    navn = forms.CharField(label=_("Pasientens navn"), max_length=200, required=False)
    diagnosekoder = forms.CharField(
        label=_("Diagnosekoder (ICPC-2 eller ICD-10, skilt med komma)"),
        max_length=200,
        required=False,
        help_text=_("F.eks. L86, P76 eller F41.1"),
    )
    sykmeldt = forms.ChoiceField(
        label=_("Sykmeldt"),
        required=False,
        choices=[("", _("Ikke oppgitt")), ("ja", _("Ja")), ("nei", _("Nei, ikke sykmeldt"))],
    )
    sykmelding_prosent = forms.IntegerField(
        label=_("Sykmeldingsgrad (%)"), min_value=0, max_value=100, required=False
    )
    sykmeldt_fra = forms.DateField(
        label=_("Sykmeldt fra"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sporsmal = forms.CharField(
        label=_("Spørsmål til spesialisten"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    arbeidssituasjon = forms.CharField(
        label=_("Arbeidssituasjon"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    arbeidsgiverkontakt = forms.CharField(
        label=_("Kontakt med arbeidsgiver"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    nav_kontakt = forms.CharField(
        label=_("Kontakt med NAV"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    samtykke = forms.BooleanField(
        label=_("Pasienten har samtykket til henvisningen"), required=False
    )

    bekreft_kapasitet = forms.BooleanField(
        label=_("Send likevel: jeg vet at tilbudet ikke tar imot nye pasienter nå"),
        required=False,
    )

    sjekkliste = forms.MultipleChoiceField(
        label=_("Hva henvisningen bør inneholde"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kryss av for det henvisningen inneholder."),
    )

    def __init__(self, *args: Any, sjekkliste: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The tilbud's points (henvisning.Sjekkliste); the text itself is the value, so a point
        # the coordinator changes meanwhile cannot be ticked by mistake.
        self.punkter = sjekkliste or []
        self.fields["sjekkliste"].choices = [(p, p) for p in self.punkter]
        # Type-ahead over the code lists (static/js/henvisning.js); a plain text field without
        # JavaScript.
        self.fields["diagnosekoder"].widget.attrs.update(
            {
                "data-combobox": "diagnosekoder",
                "data-kilde": reverse("diagnosekode-list"),
                "data-antall-tekst": _("%(antall)s forslag. Bruk pil opp og ned for å velge."),
                "data-valgt-tekst": _("Valgt: %(kode)s %(tittel)s (%(kodeverk)s)"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        )

    def data_for_tjeneste(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "fodselsnummer": d["fodselsnummer"],
            "navn": d["navn"],
            "diagnosekoder": [k.strip() for k in d["diagnosekoder"].split(",") if k.strip()],
            "sykmeldt": {"ja": True, "nei": False}.get(d["sykmeldt"]),
            "sykmelding_prosent": d["sykmelding_prosent"],
            "sykmeldt_fra": d["sykmeldt_fra"],
            "sporsmal": d["sporsmal"],
            "arbeidssituasjon": d["arbeidssituasjon"],
            "arbeidsgiverkontakt": d["arbeidsgiverkontakt"],
            "nav_kontakt": d["nav_kontakt"],
            "samtykke": d["samtykke"],
            "sjekkliste": d["sjekkliste"],
            "bekreft_kapasitet": d["bekreft_kapasitet"],
        }


class VurderForm(forms.Form):
    utfall = forms.ChoiceField(
        label=_("Utfall"),
        choices=[
            (Utfall.RETT.value, _("Rett til helsehjelp")),
            (Utfall.IKKE_RETT.value, _("Ikke rett til helsehjelp")),
            (Utfall.VIDERESENDT.value, _("Videresendt til et annet tilbud")),
        ],
        widget=forms.RadioSelect,
    )
    frist = forms.DateField(
        label=_("Frist for helsehjelp"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    begrunnelse = forms.CharField(
        label=_("Begrunnelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    videresendt_til = forms.TypedChoiceField(
        label=_("Videresend til tilbud"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Bare når utfallet er «Videresendt». Tilbudene i henvisningens region først."),
    )

    def __init__(
        self,
        *args: Any,
        videresending: list[tuple[str, list[tuple[int, str]]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only tilbud the referral may go to can be chosen (henvisning.selectors); the service
        # checks the choice again when it saves.
        self.fields["videresendt_til"].choices = [("", _("Velg tilbud")), *(videresending or [])]


class AvvisForm(forms.Form):
    avvisningsgrunn = forms.ChoiceField(
        label=_("Grunn"),
        choices=[
            (Avvisningsgrunn.MANGLER_OPPLYSNINGER.value, _("Mangler opplysninger")),
            (Avvisningsgrunn.FEIL_MOTTAKER.value, _("Feil mottaker")),
            (Avvisningsgrunn.UTENFOR_MALGRUPPE.value, _("Utenfor målgruppen")),
            (Avvisningsgrunn.ANNET.value, _("Annet")),
        ],
    )
    begrunnelse = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea(attrs={"rows": 3}))


class BegrunnelseForm(forms.Form):
    begrunnelse = forms.CharField(
        label=_("Begrunnelse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ForesporselForm(forms.Form):
    sporsmal = forms.CharField(
        label=_("Hva mangler?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class SvarForm(forms.Form):
    svar = forms.CharField(
        label=_("Svar"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class SjekklisteForm(forms.Form):
    """A coordinator's checklist for a tilbud: one point per line (works the same with and
    without JavaScript and with a screen reader)."""

    punkter = forms.CharField(
        label=_("Punkter, ett per linje"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=5000,
        help_text=_(
            "Det fastlegen skal ha med i henvisningen, f.eks. «Funksjonsnivå i arbeid». "
            "Høyst 20 punkter på høyst 200 tegn. Tomt felt fjerner sjekklisten."
        ),
    )

    def liste(self) -> list[str]:
        return self.cleaned_data["punkter"].splitlines()


class SokForm(forms.Form):
    """Find referrals by fødselsnummer. Sent by POST, so the number never ends up in a URL."""

    fodselsnummer = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_fodselsnummer(self) -> str:
        from .services import valider_fodselsnummer

        return valider_fodselsnummer(self.cleaned_data["fodselsnummer"].strip())
