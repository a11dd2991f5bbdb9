from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health, start

urlpatterns = [
    path("", include("tilbud.urls")),
    path("api/v1/", include("tilbud.api.urls")),
    path("api/v1/", include("rapporter.api.urls")),
    path("", include("henvisning.urls")),
    # A person's own API tokens (made with a session, shown once, stored hashed).
    path("api/v1/token/", include("helsearbeid.tokens.urls")),
    # The catalogue as a read-only FHIR R4 directory (IHE mCSD ITI-90/91).
    path("fhir/", include("rapporter.fhir.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script as a file of its own (no inline script under the CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
        name="api-docs",
    ),
    path("koordinator/", include("tilbud.koordinator.urls")),
    path("rapporter/", include("rapporter.urls")),
    # Where each role lands after logging in, and the analyst's API page.
    path("start/", start.start, name="start"),
    path("konto/api/", start.api_side, name="start-api"),
    path("konto/", include("helsearbeid.konto_urls")),
    # Login through OpenID Connect (HelseID); answers 404 unless OIDC_AKTIV.
    path("konto/oidc/", include("helsearbeid.oidc")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

# An oversized body (DATA_UPLOAD_MAX_MEMORY_SIZE) is a 413 naming the limit, not a bare 400.
handler400 = "helsearbeid.feil.ugyldig_foresporsel"
# Styled pages in Norwegian that say what to do next; JSON under /api/ (also with DEBUG on).
handler403 = "helsearbeid.feil.ingen_tilgang"
handler404 = "helsearbeid.feil.ikke_funnet"
# A database that is down or restarting is a friendly 503 (page or JSON), not a traceback; any
# other error a styled 500 page that needs no database.
handler500 = "helsearbeid.driftsfeil.serverfeil"
