"""A referral that cannot be decrypted, or a key that does not fit the database, is an
operational alarm: one ERROR log line (no key, no personal data) and a clear 503 (JSON under
/api/, the styled page elsewhere) instead of a 500. Nothing has been written: the services run in
a transaction, and nothing is encrypted before the key has passed the check value
(henvisning.krypto)."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .krypto import Dekrypteringsfeil, Nokkelfeil

logger = logging.getLogger("henvisning.nokkelfeil")


def melding() -> str:
    return _(
        "Henvisningene kan ikke leses eller lagres akkurat nå på grunn av en feil i oppsettet "
        "av krypteringsnøkkelen. Driften er varslet. Ingenting er lagret; prøv igjen senere."
    )


def svar(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        respons: HttpResponse = JsonResponse(
            {"detail": melding(), "code": "nokkelfeil"}, status=503
        )
    else:
        respons = HttpResponse(render_to_string("503.html", {"melding": melding()}), status=503)
    respons["Cache-Control"] = "no-store"
    return respons


class NokkelfeilMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Dekrypteringsfeil):
            logger.error(
                "Henvisningsdata kan ikke dekrypteres med HENVISNING_NOKKEL (%s %s): sjekk "
                "nøklene, og at roter_henvisningsnokkel er kjørt ferdig før en gammel nøkkel "
                "fjernes.",
                request.method,
                request.path,
            )
            return svar(request)
        if isinstance(exception, Nokkelfeil):
            logger.error(
                "Henvisningsnøkkelen er feil (%s %s): %s", request.method, request.path, exception
            )
            return svar(request)
        return None
