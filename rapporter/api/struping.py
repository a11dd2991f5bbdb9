"""Throttling: one bucket per API key; clients without a key share a per-IP bucket."""

from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from rapporter.innstillinger import innstilling
from rapporter.models import ApiNokkel


class ForMangeForesporsler(Throttled):
    default_detail = "For mange forespørsler."
    extra_detail_singular = "Prøv igjen om {wait} sekund."
    extra_detail_plural = "Prøv igjen om {wait} sekunder."


class ApiNokkelStruping(SimpleRateThrottle):
    """Rate from the API_NOKKEL_STRUPING setting, counted per key."""

    scope = "api_nokkel"

    def get_rate(self) -> str | None:
        return innstilling("API_NOKKEL_STRUPING")

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        nokkel = request.auth
        if not isinstance(nokkel, ApiNokkel):
            return None
        # The random prefix as well as the id: ids can be reused (SQLite, restored backups), and
        # a new key must never inherit an old key's spent quota.
        return f"throttle_{self.scope}_{nokkel.pk}_{nokkel.prefiks}"


class AnonymStruping(AnonRateThrottle):
    """Rate from API_ANONYM_STRUPING, per client IP, for requests without a key."""

    scope = "api_anonym"

    def get_rate(self) -> str | None:
        return innstilling("API_ANONYM_STRUPING")

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, ApiNokkel):
            return None
        return super().get_cache_key(request, view)


class StrupingMixin:
    """Key authentication, both throttles, and a 429 message in Norwegian."""

    def throttled(self, request: Request, wait: float | None) -> None:
        detail = "For mange forespørsler med denne API-nøkkelen." if request.auth else None
        raise ForMangeForesporsler(wait, detail=detail)
