"""Clear answers for requests Django refuses before any view runs: a body larger than
DATA_UPLOAD_MAX_MEMORY_SIZE (e.g. a pasted 10 MB description) is a 413 that names the limit,
as JSON under /api/ and as a page elsewhere, instead of an anonymous 400."""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import bad_request, page_not_found

from tilbud.services.redigering import MAKS_TEKST


def _tall(n: float) -> str:
    return f"{n:,.1f}".rstrip("0").rstrip(".").replace(",", "\u00a0").replace(".", ",")


def for_stor_melding() -> str:
    """«Forespørselen er for stor: høyst 2,5 MB. …»"""
    grense = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _(
        "Forespørselen er for stor: høyst %(mb)s MB. Tekstfelt kan ha høyst %(tegn)s tegn; "
        "kort ned teksten og prøv igjen."
    ) % {"mb": _tall(grense / (1024 * 1024)), "tegn": f"{MAKS_TEKST:,}".replace(",", "\u00a0")}


def ugyldig_foresporsel(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: 413 with the limit for an oversized body, Django's 400 page otherwise."""
    if not isinstance(exception, RequestDataTooBig):
        return bad_request(request, exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": for_stor_melding()}, status=413)
    return render(request, "for_stor.html", {"melding": for_stor_melding()}, status=413)


def ikke_funnet(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/ (an address no route matches, such as `/api/v1/tilbud/x/`),
    the same body as the API's own 404; Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Ikke funnet.")}, status=404)
    return page_not_found(request, exception)


def for_stor_api(exception: Any) -> dict[str, str] | None:
    """The API's JSON body for an oversized request (see helsearbeid.api.exceptions)."""
    return {"detail": for_stor_melding()} if isinstance(exception, RequestDataTooBig) else None
