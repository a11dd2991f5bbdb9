from django.contrib import admin

from .models import (
    Avtale,
    Behandlingsform,
    Diagnosekode,
    Feilmelding,
    Fylke,
    Kommune,
    Lokasjon,
    Malgruppe,
    MalgruppeKode,
    Opptaksomrade,
    Organisasjon,
    Postnummer,
    Synonym,
    Tilbud,
)


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
