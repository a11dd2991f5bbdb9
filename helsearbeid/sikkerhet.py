"""Login helpers: the client address behind the proxy, the lock-out page, the login page's
choices. Settings in helsearbeid/settings/sikkerhet.py."""

import math
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def klientadresse(request: HttpRequest) -> str | None:
    """The client's address as DRF's throttles see it: with ANTALL_PROXYER proxies in front,
    the address the outermost of them saw in X-Forwarded-For; otherwise REMOTE_ADDR. A client
    can prepend anything to X-Forwarded-For, so only the proxies' own entries are trusted."""
    antall = settings.ANTALL_PROXYER
    videresendt = request.META.get("HTTP_X_FORWARDED_FOR")
    if antall and videresendt:
        adresser = [a.strip() for a in videresendt.split(",") if a.strip()]
        if adresser:
            return adresser[-min(antall, len(adresser))]
    return request.META.get("REMOTE_ADDR")


def sperret(
    request: HttpRequest, original_response: Any = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' answer to a locked-out login: a page in Norwegian, 429 and Retry-After."""
    sperretid = get_cool_off(request)
    minutter = math.ceil(sperretid.total_seconds() / 60) if sperretid else None
    svar = render(
        request,
        "registration/sperret.html",
        {"maks_feil": get_failure_limit(request, credentials), "minutter": minutter},
        status=429,
    )
    if sperretid:
        svar["Retry-After"] = str(math.ceil(sperretid.total_seconds()))
    return svar


def innlogging(request: HttpRequest) -> dict[str, Any]:
    """Template context: whether «Logg inn med …» (OpenID Connect) is offered, and its name."""
    return {"oidc_aktiv": settings.OIDC_AKTIV, "oidc_navn": settings.OIDC_NAVN}
