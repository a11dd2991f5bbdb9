from rest_framework.routers import DefaultRouter

from . import redigering, views


class Ruter(DefaultRouter):
    """Objects looked up by id match only digits: `/api/v1/tilbud/abc/` is the URL resolver's
    JSON 404, instead of a string reaching `.filter(pk=…)` and a 500 (found by schemathesis)."""

    def get_lookup_regex(self, viewset, lookup_prefix: str = "") -> str:
        regex = super().get_lookup_regex(viewset, lookup_prefix)
        if getattr(viewset, "lookup_field", "pk") == "pk":
            regex = regex.replace(self._default_value_pattern, "[0-9]+")
        return regex


router = Ruter()
router.register("tilbud", views.TilbudViewSet, basename="tilbud")
router.register("organisasjoner", views.OrganisasjonViewSet, basename="organisasjon")
router.register("lokasjoner", redigering.LokasjonViewSet, basename="lokasjon")
router.register("forslag", redigering.ForslagViewSet, basename="forslag")
router.register("feilmeldinger", redigering.FeilmeldingViewSet, basename="feilmelding")
router.register("malgrupper", views.MalgruppeViewSet, basename="malgruppe")
router.register("kommuner", views.KommuneViewSet, basename="kommune")
router.register("diagnosekoder", views.DiagnosekodeViewSet, basename="diagnosekode")

urlpatterns = router.urls
