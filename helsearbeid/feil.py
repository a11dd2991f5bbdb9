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

from helsearbeid.tekst import MAKS_TEKST, UGYLDIG, ugyldig_tegn


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


class UgyldigTegnMiddleware:
    """400 for a NUL character (or a lone surrogate) in the address, in any query parameter
    (name or value) or in any form field, before a view runs: JSON naming the field under
    /api/, a page elsewhere. Such a value reached filters, forms and raw SQL (`?q=%00` on
    /api/v1/diagnosekoder/ was a 500 without login); checking it here covers every route,
    including those added later. JSON bodies are checked by helsearbeid.api.parsere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        feil = self._feil(request)
        if not feil:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(feil, status=400)
        return render(
            request,
            "ugyldig_tegn.html",
            {
                "feil": [
                    (felt, melding) for felt, meldinger in feil.items() for melding in meldinger
                ]
            },
            status=400,
        )

    @staticmethod
    def _feil(request: HttpRequest) -> dict[str, list[str]]:
        if melding := ugyldig_tegn(request.path):
            return {"detail": [melding]}
        feil: dict[str, list[str]] = {}
        kilder = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            kilder.append(request.POST)
        for kilde in kilder:
            for navn, verdier in kilde.lists():
                for tekst in (navn, *verdier):
                    if melding := ugyldig_tegn(tekst):
                        # The name itself may hold the character: shown with U+FFFD instead.
                        feil.setdefault(UGYLDIG.sub("\ufffd", navn), []).append(melding)
                        break
        return feil
