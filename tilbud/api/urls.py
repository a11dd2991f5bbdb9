from rest_framework.routers import DefaultRouter

from . import redigering, views

router = DefaultRouter()
router.register("tilbud", views.TilbudViewSet, basename="tilbud")
router.register("organisasjoner", views.OrganisasjonViewSet, basename="organisasjon")
router.register("lokasjoner", redigering.LokasjonViewSet, basename="lokasjon")
router.register("forslag", redigering.ForslagViewSet, basename="forslag")
router.register("feilmeldinger", redigering.FeilmeldingViewSet, basename="feilmelding")
router.register("malgrupper", views.MalgruppeViewSet, basename="malgruppe")
router.register("kommuner", views.KommuneViewSet, basename="kommune")
router.register("diagnosekoder", views.DiagnosekodeViewSet, basename="diagnosekode")

urlpatterns = router.urls
