from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Avtale,
    Behandlingsform,
    Diagnosekode,
    Endringsforslag,
    Feilmelding,
    Fylke,
    Kommune,
    Lokasjon,
    Malgruppe,
    MalgruppeKode,
    Opptaksomrade,
    Organisasjon,
    Postnummer,
    Rolle,
    Synonym,
    Tilbud,
)


def _ny_versjon(obj: Any, endret: bool) -> None:
    """An admin edit is a new version too: an editor's If-Match from before it gets 412."""
    if endret:
        obj.versjon += 1


@admin.register(Fylke)
class FylkeAdmin(admin.ModelAdmin):
    list_display = ["nummer", "navn", "rhf"]
    list_select_related = ["rhf"]


@admin.register(Kommune)
class KommuneAdmin(admin.ModelAdmin):
    list_display = ["nummer", "navn", "fylke", "rhf"]
    list_filter = ["rhf", "fylke"]
    list_select_related = ["fylke", "rhf"]
    search_fields = ["nummer", "navn"]


@admin.register(Opptaksomrade)
class OpptaksomradeAdmin(admin.ModelAdmin):
    list_display = ["kommune", "bydelsnavn", "helseforetak"]
    list_filter = ["helseforetak"]
    list_select_related = ["kommune", "helseforetak"]
    search_fields = ["kommune__navn", "bydelsnavn"]


@admin.register(Postnummer)
class PostnummerAdmin(admin.ModelAdmin):
    list_display = ["nummer", "poststed", "kommune"]
    list_select_related = ["kommune"]
    search_fields = ["nummer", "poststed"]
    autocomplete_fields = ["kommune"]


class AvtaleInline(admin.TabularInline):
    model = Avtale
    fk_name = "leverandor"
    extra = 0


@admin.register(Organisasjon)
class OrganisasjonAdmin(admin.ModelAdmin):
    list_display = ["navn", "type", "kode", "rhf", "organisasjonsnummer"]
    list_filter = ["type", "rhf"]
    list_select_related = ["rhf"]
    search_fields = ["navn", "organisasjonsnummer"]
    inlines = [AvtaleInline]
    readonly_fields = ["versjon"]

    def save_model(self, request: HttpRequest, obj: Organisasjon, form: Any, change: bool) -> None:
        _ny_versjon(obj, change and form.has_changed())
        super().save_model(request, obj, form, change)


@admin.register(Avtale)
class AvtaleAdmin(admin.ModelAdmin):
    list_display = ["leverandor", "rhf", "type"]
    list_filter = ["rhf", "type"]
    list_select_related = ["leverandor", "rhf"]


@admin.register(Lokasjon)
class LokasjonAdmin(admin.ModelAdmin):
    list_display = ["navn", "organisasjon", "kommune"]
    list_select_related = ["organisasjon", "kommune"]
    search_fields = ["navn", "organisasjon__navn"]
    autocomplete_fields = ["kommune", "organisasjon"]
    readonly_fields = ["versjon"]

    def save_model(self, request: HttpRequest, obj: Lokasjon, form: Any, change: bool) -> None:
        _ny_versjon(obj, change and form.has_changed())
        super().save_model(request, obj, form, change)


@admin.register(Behandlingsform)
class BehandlingsformAdmin(admin.ModelAdmin):
    list_display = ["kode", "navn", "rekkefolge"]


class MalgruppeKodeInline(admin.TabularInline):
    model = MalgruppeKode
    extra = 0


@admin.register(Malgruppe)
class MalgruppeAdmin(admin.ModelAdmin):
    list_display = ["navn", "slug"]
    inlines = [MalgruppeKodeInline]


@admin.register(Diagnosekode)
class DiagnosekodeAdmin(admin.ModelAdmin):
    list_display = ["kode", "kodeverk", "tittel"]
    list_filter = ["kodeverk"]
    search_fields = ["kode", "tittel"]


@admin.register(Tilbud)
class TilbudAdmin(admin.ModelAdmin):
    list_display = ["navn", "organisasjon", "rhf", "fagomrade", "status", "sist_bekreftet"]
    list_filter = ["status", "rhf", "fagomrade", "helseiarbeid"]
    list_select_related = ["organisasjon", "rhf"]
    search_fields = ["navn", "organisasjon__navn", "kilde_id"]
    filter_horizontal = ["malgrupper", "behandlingsformer", "lokasjoner"]
    autocomplete_fields = ["organisasjon"]
    readonly_fields = ["versjon", "opprettet", "endret"]

    def save_model(self, request: HttpRequest, obj: Tilbud, form: Any, change: bool) -> None:
        _ny_versjon(obj, change and form.has_changed())
        super().save_model(request, obj, form, change)


@admin.register(MalgruppeKode)
class MalgruppeKodeAdmin(admin.ModelAdmin):
    list_display = ["malgruppe", "kodeverk", "fra", "til"]
    list_filter = ["kodeverk", "malgruppe"]
    list_select_related = ["malgruppe"]
    search_fields = ["fra", "til", "malgruppe__navn"]


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["ord", "synonymer"]
    search_fields = ["ord"]


@admin.register(Feilmelding)
class FeilmeldingAdmin(admin.ModelAdmin):
    list_display = ["tilbud", "felt", "status", "opprettet"]
    list_filter = ["status", "felt", "tilbud__rhf"]
    list_select_related = ["tilbud"]
    search_fields = ["tilbud__navn", "beskrivelse"]
    readonly_fields = ["opprettet"]
    autocomplete_fields = ["tilbud"]


@admin.register(Rolle)
class RolleAdmin(admin.ModelAdmin):
    list_display = ["bruker", "type", "rhf", "organisasjon"]
    list_filter = ["type", "rhf"]
    list_select_related = ["bruker", "rhf", "organisasjon"]
    search_fields = ["bruker__username", "bruker__email", "organisasjon__navn"]
    autocomplete_fields = ["organisasjon"]


@admin.register(Endringsforslag)
class EndringsforslagAdmin(admin.ModelAdmin):
    list_display = ["tilbud", "status", "foreslatt_av", "opprettet", "besluttet_av"]
    list_filter = ["status"]
    list_select_related = ["tilbud", "foreslatt_av", "besluttet_av"]
    search_fields = ["tilbud__navn"]
    readonly_fields = ["opprettet", "besluttet"]


class HistorikkAdmin(admin.ModelAdmin):
    """History is written by database triggers; nobody edits it."""

    list_display = ["pgh_obj", "pgh_label", "pgh_created_at"]
    list_filter = ["pgh_label"]
    list_select_related = ["pgh_obj"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


for _hendelser in (Tilbud.pgh_event_model, Organisasjon.pgh_event_model, Lokasjon.pgh_event_model):
    admin.site.register(_hendelser, HistorikkAdmin)
