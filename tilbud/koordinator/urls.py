"""Coordinator area, under /koordinator/ (every pattern is in the permission-matrix test)."""

from django.urls import path

from . import views

app_name = "koordinator"

urlpatterns = [
    path("", views.mine_tilbud, name="mine-tilbud"),
    path("tilbud/ny/", views.tilbud_ny, name="tilbud-ny"),
    path("tilbud/bekreft/", views.tilbud_bekreft_flere, name="tilbud-bekreft-flere"),
    path("tilbud/<int:pk>/", views.tilbud_rediger, name="tilbud-rediger"),
    path("tilbud/<int:pk>/bekreft/", views.tilbud_bekreft, name="tilbud-bekreft"),
    path("tilbud/<int:pk>/avslutt/", views.tilbud_avslutt, name="tilbud-avslutt"),
    path(
        "tilbud/<int:pk>/gjenopprett/<int:versjon>/",
        views.tilbud_gjenopprett,
        name="tilbud-gjenopprett",
    ),
    path("organisasjon/ny/", views.organisasjon_ny, name="organisasjon-ny"),
    path("organisasjon/<int:pk>/", views.organisasjon_rediger, name="organisasjon-rediger"),
    path("organisasjon/<int:pk>/nytt-sted/", views.lokasjon_ny, name="lokasjon-ny"),
    path("sted/<int:pk>/", views.lokasjon_rediger, name="lokasjon-rediger"),
    path("forslag/", views.forslag_liste, name="forslag"),
    path("forslag/<int:pk>/", views.forslag_detalj, name="forslag-detalj"),
    path("forslag/<int:pk>/godkjenn/", views.forslag_godkjenn_view, name="forslag-godkjenn"),
    path("forslag/<int:pk>/avvis/", views.forslag_avvis_view, name="forslag-avvis"),
    path("ventetider/", views.ventetider_utdatert, name="ventetider"),
    path("tilbud/<int:pk>/ventetid/", views.ventetid_oppdater, name="ventetid-oppdater"),
    path("feilmeldinger/", views.feilmelding_liste, name="feilmeldinger"),
    path("feilmeldinger/<int:pk>/", views.feilmelding_detalj, name="feilmelding"),
]
