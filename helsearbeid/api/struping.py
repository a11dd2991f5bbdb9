"""Default API throttles: per client address without login, per user (or API key) with login.

Rates are read from settings on every request (API_STRUPING_ANONYM, API_STRUPING_INNLOGGET), so
tests and deployments can change them; DRF's own classes freeze them at import. Counts live in
the default cache (Redis in production, shared by every gunicorn worker). Over the limit: 429
with Retry-After. Views with their own `throttle_classes` (the analysts' export API) keep them.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

if TYPE_CHECKING:  # DRF imports this module while defining APIView: no import at run time.
    from rest_framework.views import APIView


class AnonymStruping(AnonRateThrottle):
    scope = "anonym"

    def get_rate(self) -> str | None:
        return settings.API_STRUPING_ANONYM


class InnloggetStruping(UserRateThrottle):
    scope = "innlogget"

    def get_rate(self) -> str | None:
        return settings.API_STRUPING_INNLOGGET

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        # An analyst's API key has no Django user: one bucket per key, not one for all keys.
        nokkel = getattr(request.user, "nokkel", None)
        if nokkel is not None:
            ident = f"nokkel_{nokkel.pk}_{nokkel.prefiks}"
        else:
            ident = str(request.user.pk)
        return self.cache_format % {"scope": self.scope, "ident": ident}
