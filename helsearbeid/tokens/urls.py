from django.urls import path

from . import api

urlpatterns = [
    path("", api.TokenListeApi.as_view(), name="token-liste"),
    path("<str:prefiks>/", api.TokenDetaljApi.as_view(), name="token-detalj"),
]
