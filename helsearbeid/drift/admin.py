from django.contrib import admin

from .models import Utboks


@admin.register(Utboks)
class UtboksAdmin(admin.ModelAdmin):
    """Read-only: what waits for Redis, since when, and why it was not sent."""

    list_display = ["oppgave", "oppgave_id", "opprettet", "eta", "forsok", "siste_feil"]
    search_fields = ["oppgave", "oppgave_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
