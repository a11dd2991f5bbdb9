from django.urls import path

from . import views

app_name = "rapporter"

urlpatterns = [
    path("", views.oversikt, name="oversikt"),
]
