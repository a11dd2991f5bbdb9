"""HTML forms. The search form itself is tilbud.sok.filtre.TilbudFilter (shared with the API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Feilmelding


class FeilmeldingForm(forms.ModelForm):
    """«Meld feil» on a tilbud page: what is wrong, a description and an optional e-mail."""

    class Meta:
        model = Feilmelding
        fields = ["felt", "beskrivelse", "epost"]
        labels = {
            "felt": _("Hva er feil?"),
            "beskrivelse": _("Beskriv hva som er feil, og hva som er riktig hvis du vet det"),
            "epost": _("Din e-post (valgfritt)"),
        }
        help_texts = {
            "beskrivelse": _("Ikke skriv opplysninger om pasienter. Høyst 5000 tegn."),
            "epost": _(
                "Bare hvis du vil ha svar fra den regionale koordinatoren. Du får først én "
                "e-post med en lenke for å bekrefte adressen."
            ),
        }
        widgets = {
            "beskrivelse": forms.Textarea(attrs={"rows": 5}),
            "epost": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # A radio list of choices reads better than a select for seven options, but a select
        # keeps the form short on a phone; the blank choice forces a conscious pick.
        self.fields["felt"].choices = [("", _("Velg …")), *Feilmelding.Felt.choices]
        for navn, felt in self.fields.items():
            beskrevet_av = []
            if felt.help_text:
                beskrevet_av.append(f"hjelp_{navn}")
            if self.is_bound and navn in self.errors:
                felt.widget.attrs["aria-invalid"] = "true"
                beskrevet_av.insert(0, f"feil_{navn}")
            if beskrevet_av:
                felt.widget.attrs["aria-describedby"] = " ".join(beskrevet_av)

    def clean_beskrivelse(self) -> str:
        tekst = self.cleaned_data["beskrivelse"].strip()
        if not tekst:
            raise forms.ValidationError(_("Skriv hva som er feil."), code="required")
        return tekst
