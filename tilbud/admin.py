"""The registry in the Django admin. Superusers and administrators see and change everything;
other staff (a coordinator or tilbudsredaktør given admin access) see and change only what the
coordinator area lets them, through the same checks (tilbud.tilgang): the lists hold only their
scope, an object outside it opens as if it did not exist, and choices (region, provider, tilbud,
sites) are limited to their own. Tilbud are never deleted, here either: they are ended."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from . import tilgang
from .models import (
    ArFlagg,
    ArMarkor,
    ArTjeneste,
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
    Ventetid,
)
from .rules import er_administrator


def _ny_versjon(obj: Any, endret: bool) -> None:
    """An admin edit is a new version too: an editor's If-Match from before it gets 412."""
    if endret:
        obj.versjon += 1


def _ser_alt(request: HttpRequest) -> bool:
    return bool(er_administrator(request.user))


def _valg_for(request: HttpRequest, felt: str) -> QuerySet | None:
    """What a staff member who is not an administrator may pick in a foreign key or
    many-to-many field named `felt`; None leaves the field as it is."""
    bruker = request.user
    if felt == "rhf":
        return tilgang.rhf_for_oppretting(bruker)
    if felt == "organisasjon":
        return tilgang.organisasjoner_til_koordinering(bruker)
    if felt == "tilbud":
        return tilgang.tilbud_til_koordinering(bruker)
    if felt == "lokasjoner":
        return tilgang.lokasjoner_til_koordinering(bruker).select_related("kommune")
    return None


class OmfangAdmin(admin.ModelAdmin):
    """Scoped by tilbud.tilgang for staff who are not administrators. Django's model
    permissions (given by an administrator) decide whether a staff member uses a model's
    admin at all; `i_omfang` decides which objects they see, `kan_endre` which they change or
    delete. Subclasses name the two checks and the queryset that equals `i_omfang`."""

    def omfang(self, bruker: Any) -> QuerySet:
        raise NotImplementedError

    def i_omfang(self, bruker: Any, obj: Any) -> bool:
        raise NotImplementedError

    def kan_endre(self, bruker: Any, obj: Any) -> bool:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if _ser_alt(request):
            return qs
        # Out of scope is as if it did not exist: not listed, and its change page answers as
        # for a missing object.
        return qs.filter(pk__in=self.omfang(request.user).values("pk"))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or _ser_alt(request) or self.i_omfang(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or _ser_alt(request) or self.kan_endre(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or _ser_alt(request) or self.kan_endre(request.user, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not _ser_alt(request) and (valg := _valg_for(request, db_field.name)) is not None:
            kwargs["queryset"] = valg
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not _ser_alt(request) and (valg := _valg_for(request, db_field.name)) is not None:
            kwargs["queryset"] = valg
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A coordinator records agreements with their own region only.
        if db_field.name == "rhf" and not _ser_alt(request):
            kwargs["queryset"] = tilgang.rhf_for_oppretting(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisasjon)
class OrganisasjonAdmin(OmfangAdmin):
    list_display = ["navn", "type", "kode", "rhf", "organisasjonsnummer"]
    list_filter = ["type", "rhf"]
    list_select_related = ["rhf"]
    search_fields = ["navn", "organisasjonsnummer"]
    inlines = [AvtaleInline]
    readonly_fields = ["versjon"]

    def omfang(self, bruker: Any) -> QuerySet:
        return tilgang.organisasjoner_i_omfang(bruker)

    def i_omfang(self, bruker: Any, obj: Any) -> bool:
        return tilgang.i_omfang(bruker, obj)

    def kan_endre(self, bruker: Any, obj: Any) -> bool:
        return tilgang.kan_endre(bruker, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Coordinators register providers under /koordinator/organisasjon/ny/ (the service binds
        # the new one to their region); here only administrators add.
        return _ser_alt(request) and super().has_add_permission(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Type, code and owner RHF decide who may edit: they stay with administrators.
        felt = list(super().get_readonly_fields(request, obj))
        return felt if _ser_alt(request) else [*felt, "type", "kode", "rhf"]

    def save_model(self, request: HttpRequest, obj: Organisasjon, form: Any, change: bool) -> None:
        _ny_versjon(obj, change and form.has_changed())
        super().save_model(request, obj, form, change)


class KunAdministratorer(admin.ModelAdmin):
    """Who may do what is decided here (roles) or follows from it (agreements decide which
    coordinators a private provider answers to): administrators only, whatever Django model
    permissions a staff member has been given."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _ser_alt(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _ser_alt(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _ser_alt(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _ser_alt(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _ser_alt(request)


@admin.register(Avtale)
class AvtaleAdmin(KunAdministratorer):
    list_display = ["leverandor", "rhf", "type"]
    list_filter = ["rhf", "type"]
    list_select_related = ["leverandor", "rhf"]


@admin.register(Lokasjon)
class LokasjonAdmin(OmfangAdmin):
    list_display = ["navn", "organisasjon", "kommune"]
    list_select_related = ["organisasjon", "kommune"]
    search_fields = ["navn", "organisasjon__navn"]
    autocomplete_fields = ["kommune", "organisasjon"]
    readonly_fields = ["versjon"]

    def omfang(self, bruker: Any) -> QuerySet:
        return tilgang.lokasjoner_i_omfang(bruker)

    def i_omfang(self, bruker: Any, obj: Any) -> bool:
        return tilgang.i_omfang(bruker, obj)

    def kan_endre(self, bruker: Any, obj: Any) -> bool:
        return tilgang.kan_endre(bruker, obj)

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
class TilbudAdmin(OmfangAdmin):
    list_display = ["navn", "organisasjon", "rhf", "fagomrade", "status", "sist_bekreftet"]
    list_filter = ["status", "rhf", "fagomrade", "helseiarbeid"]
    list_select_related = ["organisasjon", "rhf"]
    search_fields = ["navn", "organisasjon__navn", "kilde_id"]
    filter_horizontal = ["malgrupper", "behandlingsformer", "lokasjoner"]
    autocomplete_fields = ["organisasjon"]
    readonly_fields = ["versjon", "opprettet", "endret"]

    def omfang(self, bruker: Any) -> QuerySet:
        return tilgang.tilbud_i_omfang(bruker)

    def i_omfang(self, bruker: Any, obj: Any) -> bool:
        return tilgang.i_omfang(bruker, obj)

    def kan_endre(self, bruker: Any, obj: Any) -> bool:
        return tilgang.kan_endre(bruker, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Nothing is ever hard-deleted: a tilbud is ended (status, date and reason).
        return False

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
class FeilmeldingAdmin(OmfangAdmin):
    list_display = ["tilbud", "felt", "status", "opprettet"]
    list_filter = ["status", "felt", "tilbud__rhf"]
    list_select_related = ["tilbud"]
    search_fields = ["tilbud__navn", "beskrivelse"]
    readonly_fields = ["opprettet"]
    autocomplete_fields = ["tilbud"]

    def omfang(self, bruker: Any) -> QuerySet:
        return tilgang.feilmeldinger_i_omfang(bruker)

    def i_omfang(self, bruker: Any, obj: Any) -> bool:
        return tilgang.kan_lose_feilmelding(bruker, obj)

    def kan_endre(self, bruker: Any, obj: Any) -> bool:
        return tilgang.kan_lose_feilmelding(bruker, obj)


@admin.register(Rolle)
class RolleAdmin(KunAdministratorer):
    list_display = ["bruker", "type", "rhf", "organisasjon", "hpr_nummer"]
    list_filter = ["type", "rhf"]
    list_select_related = ["bruker", "rhf", "organisasjon"]
    search_fields = ["bruker__username", "bruker__email", "organisasjon__navn", "hpr_nummer"]
    autocomplete_fields = ["organisasjon"]


@admin.register(Endringsforslag)
class EndringsforslagAdmin(OmfangAdmin):
    list_display = ["tilbud", "status", "foreslatt_av", "opprettet", "besluttet_av"]
    list_filter = ["status"]
    list_select_related = ["tilbud", "foreslatt_av", "besluttet_av"]
    search_fields = ["tilbud__navn"]
    # A proposal is decided in the coordinator area (tilbud.services: approving applies the
    # change with a version check and history); here it is only read.
    readonly_fields = [
        "tilbud", "endringer", "grunnversjon", "begrunnelse", "foreslatt_av", "opprettet",
        "status", "besluttet_av", "besluttet", "kommentar",
    ]  # fmt: skip

    def omfang(self, bruker: Any) -> QuerySet:
        return tilgang.forslag_i_omfang(bruker)

    def i_omfang(self, bruker: Any, obj: Any) -> bool:
        return tilgang.kan_se_forslag(bruker, obj)

    def kan_endre(self, bruker: Any, obj: Any) -> bool:
        return tilgang.kan_beslutte_forslag(bruker, obj)


class HistorikkAdmin(admin.ModelAdmin):
    """History is written by database triggers; nobody edits it. Staff who are not
    administrators see the history of what they coordinate only (tilgang.kan_se_historikk)."""

    list_display = ["pgh_obj", "pgh_label", "pgh_created_at"]
    list_filter = ["pgh_label"]
    list_select_related = ["pgh_obj"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if _ser_alt(request):
            return qs
        sporet = self.model.pgh_tracked_model
        omfang = {
            Tilbud: tilgang.tilbud_til_koordinering,
            Organisasjon: tilgang.organisasjoner_til_koordinering,
            Lokasjon: tilgang.lokasjoner_til_koordinering,
            Ventetid: lambda b: Ventetid.objects.filter(
                tilbud__in=tilgang.tilbud_til_koordinering(b)
            ),
        }[sporet](request.user)
        return qs.filter(pgh_obj_id__in=omfang.values("pk"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Ventetid)
class VentetidAdmin(OmfangAdmin):
    """Waiting times: whoever may update them on the site (the tilbud's coordinator or its
    provider's tilbudsredaktør) may here too."""

    list_display = ["tilbud", "type", "uker_min", "uker_maks", "dato", "kilde"]
    list_filter = ["type", "kilde"]
    list_select_related = ["tilbud"]
    search_fields = ["tilbud__navn", "tekst"]
    autocomplete_fields = ["tilbud"]
    readonly_fields = ["registrert", "registrert_av"]

    def omfang(self, bruker: Any) -> QuerySet:
        return Ventetid.objects.filter(tilbud__in=tilgang.tilbud_i_omfang(bruker))

    def i_omfang(self, bruker: Any, obj: Any) -> bool:
        return tilgang.i_omfang(bruker, obj.tilbud)

    def kan_endre(self, bruker: Any, obj: Any) -> bool:
        return tilgang.i_omfang(bruker, obj.tilbud)


for _hendelser in (
    Tilbud.pgh_event_model,
    Organisasjon.pgh_event_model,
    Lokasjon.pgh_event_model,
    Ventetid.pgh_event_model,
):
    admin.site.register(_hendelser, HistorikkAdmin)


# Adresseregisteret: the copy and its cursor are AR's (kept by the synchronisation); visible to
# administrators only, read-only, so nobody edits what the next sync would overwrite.
class KunLesingForAdministratorer(KunAdministratorer):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ArMarkor)
class ArMarkorAdmin(KunLesingForAdministratorer):
    list_display = ["navn", "siste_hendelse_id", "full_eksport", "sist_synkronisert"]


@admin.register(ArTjeneste)
class ArTjenesteAdmin(KunLesingForAdministratorer):
    list_display = ["her_id", "navn", "organisasjonsnummer", "tjenestekode", "aktiv", "slettet"]
    list_filter = ["aktiv", "slettet"]
    search_fields = ["navn", "organisasjonsnummer"]


@admin.register(ArFlagg)
class ArFlaggAdmin(KunLesingForAdministratorer):
    list_display = ["tilbud", "her_id", "grunn", "opprettet", "lukket"]
    list_filter = ["grunn"]
    list_select_related = ["tilbud"]
    search_fields = ["tilbud__navn"]
