from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .models import ApiNokkel
from .services import api_nokkel_opprett, api_nokkel_trekk_tilbake


@admin.register(ApiNokkel)
class ApiNokkelAdmin(admin.ModelAdmin):
    list_display = ["navn", "eier", "prefiks", "opprettet", "gyldig_til", "trukket_tilbake"]
    list_filter = [("trukket_tilbake", admin.EmptyFieldListFilter)]
    search_fields = ["navn", "eier", "prefiks"]
    readonly_fields = ["prefiks", "opprettet", "opprettet_av", "trukket_tilbake"]
    fields = ["navn", "eier", "gyldig_til", *readonly_fields]
    actions = ["trekk_tilbake"]

    def save_model(self, request: HttpRequest, obj: ApiNokkel, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # New keys only through the service, which makes the secret and stores its hash.
        nokkel, klartekst = api_nokkel_opprett(
            navn=obj.navn, eier=obj.eier, gyldig_til=obj.gyldig_til, opprettet_av=request.user
        )
        obj.pk = nokkel.pk
        obj.refresh_from_db()
        request._ny_api_nokkel = klartekst  # shown once by response_add, never stored

    def response_add(self, request: HttpRequest, obj: ApiNokkel, post_url_continue=None):
        klartekst = getattr(request, "_ny_api_nokkel", None)
        if klartekst is None:
            return super().response_add(request, obj, post_url_continue)
        # Rendered straight into this response, not put in the messages framework, whose
        # cookie would carry the secret around.
        svar: HttpResponse = TemplateResponse(
            request,
            "admin/rapporter/apinokkel/ny_nokkel.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "nokkel": obj,
                "klartekst": klartekst,
                "title": "Ny API-nøkkel",
            },
        )
        svar["Cache-Control"] = "no-store"
        return svar

    @admin.action(description="Trekk tilbake valgte API-nøkler")
    def trekk_tilbake(self, request: HttpRequest, queryset: QuerySet[ApiNokkel]) -> None:
        for nokkel in queryset:
            api_nokkel_trekk_tilbake(nokkel=nokkel)
        self.message_user(
            request, f"{queryset.count()} nøkler er trukket tilbake.", messages.SUCCESS
        )
