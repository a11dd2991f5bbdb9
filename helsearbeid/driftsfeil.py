"""handler500: a database that is down or restarting is a 503 with a friendly Norwegian page
(JSON under /api/) and Retry-After, never a traceback; every other error is the styled 500 of
helsearbeid.feil (JSON under /api/).

Django calls the handler from inside its `except` block, so the exception is still in
sys.exc_info(). The page renders without the request (no context processors, no session, no
user): it must not need the database that just failed. The connection recovers by itself:
CONN_HEALTH_CHECKS makes the next request test a reused connection and open a new one.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Seconds a client (or a proxy) should wait before trying again.
PROV_IGJEN_OM = 30


def database_utilgjengelig(feil: BaseException | None) -> bool:
    """Connection refused, terminated by a restart, or lost: OperationalError/InterfaceError."""
    return isinstance(feil, OperationalError | InterfaceError)


def melding() -> str:
    return _(
        "Tjenesten er midlertidig utilgjengelig. Vi får ikke kontakt med katalogen akkurat nå. "
        "Prøv igjen om litt."
    )


def utilgjengelig(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        svar: HttpResponse = JsonResponse({"detail": melding()}, status=503)
    else:
        svar = HttpResponse(render_to_string("503.html", {"melding": melding()}), status=503)
    svar["Retry-After"] = str(PROV_IGJEN_OM)
    svar["Cache-Control"] = "no-store"
    return svar


def serverfeil(request: HttpRequest) -> HttpResponse:
    if database_utilgjengelig(sys.exc_info()[1]):
        return utilgjengelig(request)
    from helsearbeid.feil import serverfeil as annen_feil

    return annen_feil(request)
