"""Log in and out at /konto/ (Django auth). After logging in, /start/ (helsearbeid/start.py).

Password reset is rate limited per typed address and per client address, and switched off
(404) when login goes through OpenID Connect (OIDC_AKTIV): the identity provider (HelseID)
owns the credentials then, and a local password that can be reset by e-mail would be a second
way in around it. Local break-glass accounts are reset by the operators with
`manage.py changepassword`."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext as _

from helsearbeid.kvote import bruk_kvote, minutter
from helsearbeid.sikkerhet import klientadresse
from helsearbeid.start import Innlogging

RESET_NAVN = {
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


class UtenOidc:
    """The password reset pages exist only while the site has its own passwords."""

    def dispatch(self, request, *args, **kwargs):
        if settings.OIDC_AKTIV:
            raise Http404(_("Passord tilbakestilles hos %(navn)s.") % {"navn": settings.OIDC_NAVN})
        return super().dispatch(request, *args, **kwargs)


class PassordReset(UtenOidc, auth_views.PasswordResetView):
    def form_valid(self, form):
        adresse = form.cleaned_data["email"].strip().lower()
        for navn, nokkel, sats in (
            (
                "passord-adresse",
                klientadresse(self.request) or "",
                settings.PASSORD_STRUPING_ADRESSE,
            ),
            ("passord-konto", adresse, settings.PASSORD_STRUPING_KONTO),
        ):
            if vent := bruk_kvote(navn, nokkel, sats):
                # Said on the form (429), not dropped silently; the same words whether or not
                # the address has an account, so the answer tells nothing about who is a user.
                form.add_error(
                    "email",
                    _(
                        "Det er bedt om tilbakestilling mange ganger på kort tid. Vent %(m)s "
                        "minutter og prøv igjen. Sjekk også søppelpost-mappen for e-posten du "
                        "allerede har fått."
                    )
                    % {"m": minutter(vent)},
                )
                svar = self.render_to_response(self.get_context_data(form=form), status=429)
                svar["Retry-After"] = str(vent)
                return svar
        return super().form_valid(form)


urlpatterns = [
    path(
        "login/",
        # Through /start/: each role lands on its own page, and `next` only when allowed.
        Innlogging.as_view(),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("sok")), name="logout"),
    path("password_reset/", PassordReset.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        type("Ferdig", (UtenOidc, auth_views.PasswordResetDoneView), {}).as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        type("Bekreft", (UtenOidc, auth_views.PasswordResetConfirmView), {}).as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        type("Fullfort", (UtenOidc, auth_views.PasswordResetCompleteView), {}).as_view(),
        name="password_reset_complete",
    ),
    path("", include("django.contrib.auth.urls")),
]
