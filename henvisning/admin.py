"""Admin for referrals: a read-only look at the anonymous record and the access log, and the
tilbud checklists. Never personal data: no fødselsnummer (not even encrypted or hashed), no name,
no health data and no free text a receiver or GP wrote. Opening a referral's content is for the
portal, where it is logged (henvisning.tilgang); referrals change only through the lifecycle
(henvisning.services), so the admin cannot add, change or delete them."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import (
    Foresporsel,
    Henvisning,
    Nokkelsjekk,
    Sjekkliste,
    Statusendring,
    Tilgangslogg,
    kryptert_helsedata,
)


class _BareLese:
    """Nothing is added, changed or deleted here; superusers may look."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusendringInline(_BareLese, admin.TabularInline):
    model = Statusendring
    fields = ["tidspunkt", "fra_status", "til_status", "utfort_av"]  # not the free-text reason
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("begrunnelse")  # encrypted, never shown


class ForesporselInline(_BareLese, admin.TabularInline):
    model = Foresporsel
    fields = ["spurt", "spurt_av", "besvart", "besvart_av"]  # not the question or the answer
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("sporsmal", "svar")  # encrypted, never shown


# The anonymous statistical record, the routing and the lifecycle dates: what may be shown.
_ANONYME_FELT = [
    "status", "utfall", "avvisningsgrunn", "tilbud", "mottaker", "rhf", "henvisertype",
    "diagnosegrupper", "frist", "vurderingsfrist", "videresendt_til", "videresendt_fra",
    "opprettet", "sendt", "mottatt", "vurdert", "lukket", "endret", "personopplysninger_slettet",
]  # fmt: skip


@admin.register(Henvisning)
class HenvisningAdmin(_BareLese, admin.ModelAdmin):
    list_display = ["__str__", "status", "utfall", "tilbud", "mottaker", "rhf", "sendt",
                    "vurderingsfrist", "personopplysninger_slettet"]  # fmt: skip
    list_filter = ["status", "utfall", "rhf", "henvisertype"]
    list_select_related = ["tilbud", "mottaker", "rhf"]
    search_fields = ["=id", "tilbud__navn", "mottaker__navn"]
    date_hierarchy = "opprettet"
    fields = _ANONYME_FELT
    readonly_fields = _ANONYME_FELT
    inlines = [StatusendringInline, ForesporselInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        # The encrypted health text is never shown here: not decrypted either.
        return super().get_queryset(request).defer(*kryptert_helsedata())

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Nokkelsjekk)
class NokkelsjekkAdmin(_BareLese, admin.ModelAdmin):
    """When the check value was last written (first use, or the end of a key rotation). Never
    the token or the hash: `roter_henvisningsnokkel` and the system check are the tools."""

    list_display = ["__str__", "endret"]
    search_fields = ["=id"]
    fields = ["endret"]
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Tilgangslogg)
class TilgangsloggAdmin(_BareLese, admin.ModelAdmin):
    """Who opened which referral, when and in which role: for audits, never edited."""

    list_display = ["tidspunkt", "bruker", "rolle", "handling", "henvisning_id"]
    list_filter = ["rolle", "handling"]
    list_select_related = ["bruker"]
    search_fields = ["=henvisning__id", "bruker__username"]
    date_hierarchy = "tidspunkt"
    fields = ["tidspunkt", "bruker", "rolle", "handling", "henvisning"]
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class SjekklisteForm(forms.ModelForm):
    """The points as one line each, like the coordinators' page (henvisning:sjekkliste)."""

    punkter_tekst = forms.CharField(
        label=_("Punkter, ett per linje"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    class Meta:
        model = Sjekkliste
        fields = ["tilbud"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["punkter_tekst"].initial = "\n".join(self.instance.punkter or [])

    def clean_punkter_tekst(self) -> str:
        linjer = [" ".join(x.split()) for x in self.cleaned_data["punkter_tekst"].splitlines()]
        punkter = [x for i, x in enumerate(linjer) if x and x not in linjer[:i]]
        try:
            Sjekkliste(punkter=punkter).clean()
        except ValidationError as feil:
            raise ValidationError(feil.message_dict.get("punkter", feil.messages)) from feil
        # Set only when valid: the model's own check runs again when the form saves it.
        self.instance.punkter = punkter
        return self.cleaned_data["punkter_tekst"]


@admin.register(Sjekkliste)
class SjekklisteAdmin(admin.ModelAdmin):
    form = SjekklisteForm
    list_display = ["tilbud", "antall_punkter", "endret", "endret_av"]
    list_select_related = ["tilbud", "endret_av"]
    search_fields = ["tilbud__navn"]
    autocomplete_fields = ["tilbud"]
    fields = ["tilbud", "punkter_tekst", "endret", "endret_av"]
    readonly_fields = ["endret", "endret_av"]

    @admin.display(description=_("punkter"))
    def antall_punkter(self, obj: Sjekkliste) -> int:
        return len(obj.punkter or [])

    def save_model(self, request: HttpRequest, obj: Sjekkliste, form: Any, change: bool) -> None:
        obj.endret_av = request.user
        super().save_model(request, obj, form, change)
