"""All referral routes: the HTML pages under /henvisninger/ and the API under
/api/v1/henvisninger/. Included once from helsearbeid/urls.py."""

from django.urls import include, path

from . import views

html = (
    [
        path("", views.mine, name="mine"),
        path("innboks/", views.innboks, name="innboks"),
        path("sok/", views.sok, name="sok"),
        path("forfalte-per-enhet/", views.forfalte_per_enhet, name="forfalte-per-enhet"),
        path("ny/<int:tilbud_id>/", views.ny, name="ny"),
        path("sjekkliste/<int:tilbud_id>/", views.sjekkliste, name="sjekkliste"),
        path("<int:pk>/", views.detalj, name="detalj"),
        path("<int:pk>/endre/", views.endre, name="endre"),
        path("<int:pk>/utskrift/", views.utskrift, name="utskrift"),
        path("<int:pk>/foresporsel/", views.foresporsel, name="foresporsel"),
        path("<int:pk>/foresporsel/<int:foresporsel_id>/svar/", views.svar, name="svar"),
        path("<int:pk>/<slug:navn>/", views.handling, name="handling"),
    ],
    "henvisning",
)

urlpatterns = [
    path("henvisninger/", include(html)),
    path("api/v1/henvisninger/", include("henvisning.api.urls")),
]
