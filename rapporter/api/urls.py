from django.urls import path

from . import sammendrag, views

urlpatterns = [
    path("eksport/hsds/", views.HsdsEksportApi.as_view(), name="eksport-hsds"),
    path("eksport/fhir/", views.FhirEksportApi.as_view(), name="eksport-fhir"),
    path("synk/tilbud/", views.TilbudSynkApi.as_view(), name="synk-tilbud"),
    path("rapporter/sammendrag/", sammendrag.SammendragApi.as_view(), name="rapporter-sammendrag"),
]
