"""Log in and out at /konto/ (Django auth). After logging in without ?next=, «Mine tilbud»."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            next_page=reverse_lazy("koordinator:mine-tilbud"), redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("sok")), name="logout"),
    path("", include("django.contrib.auth.urls")),
]
