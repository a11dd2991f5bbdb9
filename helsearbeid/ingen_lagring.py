"""`Cache-Control: no-store` on every answer that can carry personal data, and
`Vary: Authorization` on every API answer (ASVS v5.0.0-14.3.2; issue 15, finding 3).

One place, so that a new view cannot forget it:
- everything under the paths in INGEN_LAGRING_STIER (referral pages and API, the coordinator
  area, the account pages, the admin, the token endpoint), whatever the status: a 403/404/400 on
  a referral route says something about a patient's referral too;
- every answer to a signed-in person (session or token), wherever it is: the page header names
  the user, and the catalogue API's writes, queues and history show people.
Anonymous answers of the public catalogue keep their normal caching. Analysts' API keys are no
person (their answers are aggregate numbers with their own ETag), so they do not count as one.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers


def _innlogget_person(request: HttpRequest) -> bool:
    # Only look at the user when the request could carry one: evaluating the lazy user reads
    # the session, and that would add `Vary: Cookie` to every anonymous public page.
    if (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    ):
        return False
    bruker = getattr(request, "user", None)
    # DRF puts a token's user on the Django request; an analyst's key has no pk.
    return bool(getattr(bruker, "is_authenticated", False) and getattr(bruker, "pk", None))


class IngenLagringMiddleware:
    """After AuthenticationMiddleware, so that the user is known when the answer passes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.stier = tuple(settings.INGEN_LAGRING_STIER)

    def __call__(self, request: HttpRequest) -> Any:
        svar = self.get_response(request)
        if request.path.startswith("/api/"):
            # Token, API key or none: the same URL gives different answers.
            patch_vary_headers(svar, ["Authorization"])
        if request.path.startswith(self.stier) or _innlogget_person(request):
            # max-age=0, no-cache, no-store, must-revalidate, private, and Expires in the past.
            add_never_cache_headers(svar)
            svar["Pragma"] = "no-cache"
        return svar
