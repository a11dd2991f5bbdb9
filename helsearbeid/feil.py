"""Clear answers for requests Django refuses before any view runs: a body larger than
DATA_UPLOAD_MAX_MEMORY_SIZE (e.g. a pasted 10 MB description) is a 413 that names the limit,
as JSON under /api/ and as a page elsewhere, instead of an anonymous 400.

And the error pages: 403, 404 and 500 are styled pages in Norwegian that say what to do next
(templates/403.html, 404.html, 500.html); under /api/ they are JSON, also with DEBUG on, when
Django answers with its technical pages instead of calling the handlers (ApiJsonMiddleware)."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import bad_request

from helsearbeid.tekst import MAKS_TEKST, UGYLDIG, ugyldig_tegn

logger = logging.getLogger(__name__)

# The last resort when even the styled 500 page cannot be made (a broken template or URL).
NODSIDE = (
    '<!doctype html><html lang="nb"><meta charset="utf-8"><title>Noe gikk galt</title>'
    "<h1>Noe gikk galt hos oss</h1><p>Feilen er logget. Gå tilbake og prøv igjen om litt, "
    'eller gå til <a href="/">søket etter tilbud</a>.</p></html>'
)


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


def _api(request: HttpRequest | None) -> bool:
    return request is not None and request.path.startswith("/api/")


def api_melding(status: int) -> str:
    """The JSON `detail` of an error answer under /api/ that no API view wrote."""
    return {
        403: _("Du har ikke tilgang til dette."),
        404: _("Ikke funnet."),
        500: _("Det oppsto en feil hos oss. Prøv igjen om litt; vedvarer feilen, si fra til oss."),
    }.get(status, _("Forespørselen kunne ikke behandles."))


def ingen_tilgang(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: who is logged in, in which role, and the ways on (another login, the start
    page, the search, whom to contact). JSON under /api/."""
    if _api(request):
        return JsonResponse({"detail": api_melding(403)}, status=403)
    from helsearbeid.start import KONTAKT

    return render(request, "403.html", {"kontakt": KONTAKT}, status=403)


def ikke_funnet(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/ (an address no route matches, such as `/api/v1/tilbud/x/`),
    the same body as the API's own 404; a page with the ways on elsewhere."""
    if _api(request):
        return JsonResponse({"detail": api_melding(404)}, status=404)
    return render(request, "404.html", status=404)


def serverfeil(request: HttpRequest) -> HttpResponse:
    """A 500 that needs nothing that may have failed: no database, no session, no request
    context (the template renders without the request, like Django's own handler)."""
    if _api(request):
        return JsonResponse({"detail": api_melding(500)}, status=500)
    try:
        html = loader.get_template("500.html").render()
    except Exception:  # the error page must never become a second error
        logger.exception("Feilsiden (500) kunne ikke lages; viser nødsiden")
        html = NODSIDE
    return HttpResponse(html, status=500)


class ApiJsonMiddleware:
    """Under /api/, an error answer that is an HTML page becomes JSON with the same status: with
    DEBUG on Django answers a 404 and a 500 with its technical pages instead of calling the
    handlers. DRF's answers (its browsable API included) are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        svar = self.get_response(request)
        if (
            svar.status_code >= 400
            and _api(request)
            and svar.get("Content-Type", "").startswith("text/html")
            and getattr(svar, "accepted_renderer", None) is None
        ):
            ny = JsonResponse({"detail": api_melding(svar.status_code)}, status=svar.status_code)
            for navn in ("Retry-After", "Cache-Control", "Vary", "X-Request-ID"):
                if navn in svar:
                    ny[navn] = svar[navn]
            return ny
        return svar


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
