"""Conditional and cached answers for anonymous reads of the public catalogue (issue 20).

The public catalogue changes a few times a day and is the same for every anonymous GP, so an
answer is made once per catalogue version (tilbud.katalogversjon) and served from the cache
(Redis in production, local memory on `make run`) until the version moves:

- the key is the catalogue version, the language (`get_language()`), today's date (badges say
  «bekreftet for 3 måneder siden»), scheme and host (the API's absolute links), the path, the
  normalised query (parameters sorted by name), and for the API the `Accept` header, for the
  search page its fragment header;
- each answer carries a strong `ETag` made from that key (the tilbud API detail keeps its own,
  which writes check with If-Match); `If-None-Match` that matches is answered 304 after one
  primary-key read of the version, before the view runs;
- `Cache-Control: public, max-age=OFFENTLIG_CACHE_MAKS_ALDER` (seconds), so a coordinator's change
  is seen within that time by browsers and proxies, and at once by anyone who asks the server;
- nothing personal: a request with `Authorization`, a session cookie or pending messages, and
  every route not listed in OFFENTLIGE_VISNINGER (referrals, coordinator area, writes), pass
  by untouched; only 200 answers that set no cookie are stored.

A page with the «Meld feil» form holds a CSRF token: it is stored with a placeholder, a fresh
token for the client is put in on the way out, and the page is `private` and its ETag weak (the
bytes differ per client). The anonymous API quota still counts cached answers.

One middleware (after the user, the language and the input checks are known); views stay as
they are. Off with OFFENTLIG_CACHE=False (the benchmark's «before»).
"""

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from . import katalogversjon

# URL name → kind. «side»: an HTML page; «api»: a DRF answer.
OFFENTLIGE_VISNINGER = {
    "sok": "side",
    "tilbud-detalj": "side",
    "tilbud-list": "api",
    "tilbud-detail": "api",
    "malgruppe-list": "api",
    "malgruppe-detail": "api",
    "kommune-list": "api",
    "kommune-detail": "api",
    "diagnosekode-list": "api",
}
FRAGMENT = "X-Fragment"  # the search page's «results only» request (tilbud/views.py)
CSRF_PLASS = b"__offentlig_cache_csrf__"
_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
_UTELATT = {"set-cookie", "vary", "etag", "cache-control", "expires", "content-length"}
STATUS = "X-Offentlig-Cache"  # treff / bom: for the benchmark and the operators


def _personlig(request: HttpRequest) -> bool:
    """Could the answer depend on who asks? Then it is never cached."""
    return (
        "HTTP_AUTHORIZATION" in request.META
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES
    )


def _nokkel(request: HttpRequest, slag: str) -> str:
    deler = [
        katalogversjon.gjeldende(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        request.scheme or "",
        request.get_host(),
        request.path,
        "&".join(f"{k}={v}" for k, verdier in sorted(request.GET.lists()) for v in verdier),
    ]
    if slag == "api":
        deler.append(" ".join(request.headers.get("Accept", "").lower().split()))
    else:
        deler.append(request.headers.get(FRAGMENT, ""))
    return hashlib.sha256("\x1f".join(deler).encode()).hexdigest()


def _etags(verdi: str) -> set[str]:
    return {t.strip() for t in verdi.split(",") if t.strip()}


def _anonym_kvote_brukt(request: HttpRequest) -> bool:
    """The anonymous API quota counts cached answers too; over it, the view answers 429."""
    from helsearbeid.api.struping import AnonymStruping

    return not AnonymStruping().allow_request(request, None)  # type: ignore[arg-type]


class OffentligCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        svar = self.get_response(request)
        nokkel = getattr(request, "_offentlig_nokkel", None)
        if nokkel is not None:
            self._lagre(request, svar, nokkel)
        return svar

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not getattr(settings, "OFFENTLIG_CACHE", False) or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        slag = OFFENTLIGE_VISNINGER.get(match.view_name if match else "")
        if slag is None or _personlig(request):
            return None
        if slag == "api" and _anonym_kvote_brukt(request):
            return None
        nokkel = _nokkel(request, slag)
        egen_tag = f'"{nokkel[:40]}"'
        spurt = _etags(request.headers.get("If-None-Match", ""))
        if egen_tag in spurt:
            return self._uendret(egen_tag, slag)
        lagret = cache.get(f"offentlig:{nokkel}")
        if lagret is None:
            request._offentlig_nokkel = nokkel  # type: ignore[attr-defined]
            return None
        status, innhold, hoder, tag, privat = lagret
        if tag in spurt:
            return self._uendret(tag, slag, privat=privat)
        if privat:
            innhold = innhold.replace(CSRF_PLASS, get_token(request).encode())
        svar = HttpResponse(innhold, status=status)
        for navn, verdi in hoder:
            svar[navn] = verdi
        self._hoder(svar, tag, slag, privat)
        svar[STATUS] = "treff"
        return svar

    def _uendret(self, tag: str, slag: str, *, privat: bool = False) -> HttpResponse:
        svar = HttpResponseNotModified()
        self._hoder(svar, tag, slag, privat)
        return svar

    def _hoder(self, svar: HttpResponse, tag: str, slag: str, privat: bool) -> None:
        svar["ETag"] = tag
        synlighet = "private" if privat else "public"
        svar["Cache-Control"] = f"{synlighet}, max-age={settings.OFFENTLIG_CACHE_MAKS_ALDER}"
        if slag == "api":
            patch_vary_headers(svar, ["Accept", "Accept-Language", "Authorization"])
        else:
            patch_vary_headers(svar, ["Accept-Language", "Cookie", FRAGMENT])

    def _lagre(self, request: HttpRequest, svar: HttpResponse, nokkel: str) -> None:
        slag = OFFENTLIGE_VISNINGER[request.resolver_match.view_name]  # type: ignore[union-attr]
        if svar.status_code != 200 or svar.streaming or svar.cookies:
            return
        innhold = svar.content
        innhold, antall = _CSRF.subn(rb"\g<1>" + CSRF_PLASS + rb"\g<2>", innhold)
        privat = antall > 0
        egen = svar.get("ETag")
        tag = egen or f'"{nokkel[:40]}"'
        if privat and not tag.startswith("W/"):
            tag = "W/" + tag
        hoder = [(n, v) for n, v in svar.items() if n.lower() not in _UTELATT]
        cache.set(
            f"offentlig:{nokkel}",
            (svar.status_code, innhold, hoder, tag, privat),
            timeout=settings.OFFENTLIG_CACHE_LEVETID,
        )
        self._hoder(svar, tag, slag, privat)
        svar[STATUS] = "bom"
