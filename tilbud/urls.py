"""HTML routes of the portal (the API has its own in tilbud/api/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.sok, name="sok"),
    path("tilbud/<int:pk>/", views.tilbud_detalj, name="tilbud-detalj"),
    path("tilbud/<int:pk>/meld-feil/", views.meld_feil, name="tilbud-meld-feil"),
    path("tilbud/meld-feil/bekreft/<str:token>/", views.bekreft_epost, name="tilbud-bekreft-epost"),
]
