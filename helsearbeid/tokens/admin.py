"""Tokens in the admin: who has one, since when, until when, and revoking them. Never a token
value, nor its hash, and no «add»: an administrator cannot make a token to act as someone else
(the access log would name that person)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tilbud.admin import _ser_alt

from .models import ApiToken
from .services import token_trekk_tilbake


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefiks", "bruker", "navn", "opprettet", "gyldig_til", "trukket_tilbake"]
    list_filter = [("trukket_tilbake", admin.EmptyFieldListFilter)]
    list_select_related = ["bruker"]
    search_fields = ["prefiks", "bruker__username"]
    fields = ["prefiks", "bruker", "navn", "opprettet", "gyldig_til", "trukket_tilbake", "grunn"]
    readonly_fields = fields
    actions = ["trekk_tilbake"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # Viewing only; revoking is the action below.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return _ser_alt(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _ser_alt(request)

    @admin.action(description="Trekk tilbake valgte tokener")
    def trekk_tilbake(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            token_trekk_tilbake(token=token, grunn=ApiToken.Grunn.ADMINISTRATOR)
        self.message_user(
            request, f"{queryset.count()} tokener er trukket tilbake.", messages.SUCCESS
        )
