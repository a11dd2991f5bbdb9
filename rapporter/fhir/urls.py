from django.urls import path

from . import views

urlpatterns = [
    path("metadata", views.metadata, name="fhir-metadata"),
    path("<str:type_>/_history", views.historikk, name="fhir-historikk"),
    path("<str:type_>/<str:id_>/_history", views.historikk_ressurs, name="fhir-historikk-ressurs"),
    path("<str:type_>/_search", views.sok_post, name="fhir-sok-post"),
    path("<str:type_>/<str:id_>", views.les, name="fhir-les"),
    path("<str:type_>", views.sok_type, name="fhir-sok"),
]
