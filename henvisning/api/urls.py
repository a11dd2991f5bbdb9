from django.urls import path

from . import views

app_name = "henvisning-api"

urlpatterns = [
    path("", views.HenvisningListeApi.as_view(), name="liste"),
    path("forfalte/", views.ForfalteApi.as_view(), name="forfalte"),
    path("sok/", views.HenvisningSokApi.as_view(), name="sok"),
    path("forfalte-per-enhet/", views.ForfaltePerEnhetApi.as_view(), name="forfalte-per-enhet"),
    path("sjekklister/<int:tilbud_id>/", views.SjekklisteApi.as_view(), name="sjekkliste"),
    path("<int:pk>/", views.HenvisningDetaljApi.as_view(), name="detalj"),
    path("<int:pk>/send/", views.HenvisningSendApi.as_view(), name="send"),
    path("<int:pk>/motta/", views.HenvisningMottaApi.as_view(), name="motta"),
    path("<int:pk>/vurder/", views.HenvisningVurderApi.as_view(), name="vurder"),
    path("<int:pk>/venter/", views.HenvisningVenterApi.as_view(), name="venter"),
    path("<int:pk>/start/", views.HenvisningStartApi.as_view(), name="start"),
    path("<int:pk>/avslutt/", views.HenvisningAvsluttApi.as_view(), name="avslutt"),
    path("<int:pk>/trekk/", views.HenvisningTrekkApi.as_view(), name="trekk"),
    path("<int:pk>/avvis/", views.HenvisningAvvisApi.as_view(), name="avvis"),
    path(
        "<int:pk>/videresending/",
        views.HenvisningVideresendingApi.as_view(),
        name="videresending",
    ),
    path("<int:pk>/foresporsler/", views.ForesporselOpprettApi.as_view(), name="foresporsel"),
    path(
        "<int:pk>/foresporsler/<int:foresporsel_id>/svar/",
        views.ForesporselSvarApi.as_view(),
        name="svar",
    ),
    path("<int:pk>/fhir/", views.HenvisningFhirApi.as_view(), name="fhir"),
]
