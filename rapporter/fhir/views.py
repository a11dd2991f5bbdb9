"""The /fhir/ endpoints: thin views over sok, historikk and kapabilitet. Every answer is
application/fhir+json; every error an OperationOutcome."""

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from rapporter.api.autentisering import ApiNokkelAutentisering
from rapporter.api.struping import AnonymStruping, ApiNokkelStruping

from . import historikk as historikk_
from . import kapabilitet, sok
from .feil import FhirFeil, operation_outcome
from .ressurser import ENDEPUNKTARTER

MEDIETYPE = "application/fhir+json"
TYPER = set(sok.TYPER)


def _svar(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type=f"{MEDIETYPE}; charset=utf-8",
    )


def fhir_visning(
    visning: Callable[..., dict[str, Any]], *, metoder: tuple[str, ...] = ("GET", "HEAD")
) -> Callable[..., HttpResponse]:
    """GET only (or `metoder`); FhirFeil (and an unknown type) become OperationOutcome."""

    @wraps(visning)
    def innpakket(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method not in metoder:
            feil = FhirFeil("Katalogen er skrivebeskyttet: bare GET.", kode="not-supported")
            svar = _svar(operation_outcome([feil]), status=405)
            svar["Allow"] = ", ".join(metoder)
            return svar
        if "type_" in kwargs and kwargs["type_"] not in TYPER:
            feil = FhirFeil(
                f"Ukjent ressurstype «{kwargs['type_']}». Katalogen har "
                f"{', '.join(sorted(TYPER))}.",
                status=404,
                kode="not-supported",
            )
            return _svar(operation_outcome([feil]), status=404)
        try:
            _struping(request)
            return _svar(visning(request, **kwargs))
        except FhirFeil as feil:
            svar = _svar(operation_outcome([feil]), status=feil.status)
            if feil.status == 429:
                svar["Retry-After"] = feil.uttrykk or "60"
            return svar

    return innpakket


def _struping(request: HttpRequest) -> None:
    """The analyst API's quotas (rapporter.api.struping): a key gets its own bucket, clients
    without one share a bucket per IP. A bad key is a 401, an exhausted quota a 429."""
    drf = Request(request, authenticators=[ApiNokkelAutentisering()])
    try:
        drf.auth  # noqa: B018 - authenticates (a bad key raises here)
    except AuthenticationFailed as feil:
        raise FhirFeil(str(feil.detail), status=401, kode="login") from None
    for struping in (ApiNokkelStruping(), AnonymStruping()):
        if not struping.allow_request(drf, None):  # type: ignore[arg-type]
            vent = struping.wait()
            raise FhirFeil(
                "For mange forespørsler. Prøv igjen senere.",
                status=429,
                kode="throttled",
                uttrykk=str(int(vent or 60) + 1),
            )


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


def _streng(request: HttpRequest) -> bool:
    """`Prefer: handling=strict` (RFC 7240; FHIR's default is lenient)."""
    preferanser = [p.strip() for p in request.headers.get("Prefer", "").split(";")]
    return any(p.replace(" ", "") == "handling=strict" for d in preferanser for p in d.split(","))


@fhir_visning
def metadata(request: HttpRequest) -> dict[str, Any]:
    return kapabilitet.kapabilitet(_base(request))


@fhir_visning
def les(request: HttpRequest, type_: str, id_: str) -> dict[str, Any]:
    return sok.les(type_, id_)


def _oppforing(base: str, ressurs: dict[str, Any], modus: str) -> dict[str, Any]:
    return {
        "fullUrl": f"{base}/{ressurs['resourceType']}/{ressurs['id']}",
        "resource": ressurs,
        "search": {"mode": modus},
    }


@fhir_visning
def sok_type(request: HttpRequest, type_: str) -> dict[str, Any]:
    return _sok(request, type_, [(k, v) for k, vs in request.GET.lists() for v in vs])


def _sok_post(request: HttpRequest, type_: str) -> dict[str, Any]:
    parametere = [(k, v) for k, vs in request.GET.lists() for v in vs]
    if request.method == "POST":
        if request.content_type != "application/x-www-form-urlencoded":
            raise FhirFeil(
                "POST _search tar application/x-www-form-urlencoded.", status=415, kode="invalid"
            )
        parametere += [(k, v) for k, vs in request.POST.lists() for v in vs]
    return _sok(request, type_, parametere)


# FHIR's POST search (mCSD asks for it): a read with its parameters in the body, so no CSRF
# token (nothing changes, and no session or cookie gives it any right).
sok_post = csrf_exempt(fhir_visning(_sok_post, metoder=("GET", "HEAD", "POST")))


def _sok(request: HttpRequest, type_: str, parametere: list[tuple[str, str]]) -> dict[str, Any]:
    if type_ not in sok.TYPER:
        raise FhirFeil(f"{type_} kan bare leses, ikke søkes i.", kode="not-supported")
    svar = sok.sok(sok.TYPER[type_], parametere, streng=_streng(request))
    base = _base(request)

    def side(offset: int | None) -> str:
        par = list(svar.brukt)
        if offset:
            par.append((sok.SIDEPARAMETER, str(offset)))
        return f"{base}/{type_}" + (f"?{urlencode(par)}" if par else "")

    lenker = [{"relation": "self", "url": side(svar.offset)}]
    lenker.append({"relation": "first", "url": side(None)})
    if svar.offset:
        lenker.append({"relation": "previous", "url": side(max(svar.offset - svar.antall, 0))})
    if svar.flere:
        lenker.append({"relation": "next", "url": side(svar.offset + svar.antall)})
    bunt: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset"}
    if svar.total is not None:
        bunt["total"] = svar.total
    bunt["link"] = lenker
    bunt["entry"] = [_oppforing(base, r, "match") for r in svar.treff] + [
        _oppforing(base, r, "include") for r in svar.inkludert
    ]
    if svar.ignorert:
        bunt["entry"].append(
            {
                "resource": operation_outcome(
                    [
                        FhirFeil(
                            f"Ukjent søkeparameter ignorert: {n}.",
                            kode="not-supported",
                            uttrykk=n,
                        )
                        for n in svar.ignorert
                    ],
                    alvorlighet="warning",
                ),
                "search": {"mode": "outcome"},
            }
        )
    if not bunt["entry"]:
        del bunt["entry"]
    return bunt


_HISTORIKKPARAMETERE = {"_since", "_count", "_til", "_etter", "_format"}


@fhir_visning
def historikk_ressurs(request: HttpRequest, type_: str, id_: str) -> dict[str, Any]:
    """One resource's versions (history-instance); 404 when there is no such id."""
    endepunktart = None
    if type_ == "Endpoint":
        # tilbud-<id>-<kind>: the tilbud's change log, that kind's entries.
        m = re.fullmatch(r"tilbud-(\d{1,9})-(\w+)", id_)
        if m is None or m.group(2) not in ENDEPUNKTARTER:
            raise FhirFeil(f"{type_}/{id_} finnes ikke.", status=404, kode="not-found")
        id_, endepunktart = m.group(1), m.group(2)
    if not id_.isdigit() or len(id_) > 9:
        raise FhirFeil(f"{type_}/{id_} finnes ikke.", status=404, kode="not-found")
    if type_ in historikk_.MODELLER and (
        not historikk_.MODELLER[type_].objects.filter(pk=int(id_)).exists()
    ):
        raise FhirFeil(f"{type_}/{id_} finnes ikke.", status=404, kode="not-found")
    return _historikk(request, type_, int(id_), endepunktart)


@fhir_visning
def historikk(request: HttpRequest, type_: str) -> dict[str, Any]:
    return _historikk(request, type_, None)


def _historikk(
    request: HttpRequest, type_: str, objekt_id: int | None, endepunktart: str | None = None
) -> dict[str, Any]:
    if type_ not in historikk_.MODELLER:
        raise FhirFeil(f"{type_} har ingen historikk her.", kode="not-supported")
    ukjente = sorted(set(request.GET) - _HISTORIKKPARAMETERE)
    if ukjente and _streng(request):
        raise FhirFeil(
            f"Ukjent parameter for _history: {', '.join(ukjente)}. Gyldige: _since, _count.",
            kode="not-supported",
        )

    def en(navn: str) -> str | None:
        verdier = request.GET.getlist(navn)
        if len(verdier) > 1:
            raise FhirFeil(f"{navn} kan bare gis én gang.", uttrykk=navn)
        return verdier[0] if verdier and verdier[0] != "" else None

    siden = sok.tidspunkt(s, "_since") if (s := en("_since")) else None
    til = sok.tidspunkt(s, "_til") if (s := en("_til")) else None
    antall = sok.STANDARD_ANTALL
    if (s := en("_count")) is not None:
        if not s.isdigit() or int(s) < 1:
            raise FhirFeil("_count: et heltall fra 1 (sidene er på høyst 100).", uttrykk="_count")
        antall = min(int(s), sok.MAKS_ANTALL)
    etter = None
    if (s := en("_etter")) is not None:
        if not s.isdigit() or len(s) > 18:
            raise FhirFeil("_etter: bruk next-lenken uendret.", uttrykk="_etter")
        etter = int(s)
    side = historikk_.historikk(
        type_,
        siden=siden,
        til=til,
        etter=etter,
        antall=antall,
        objekt_id=objekt_id,
        endepunktart=endepunktart,
    )
    ressurs_id = f"tilbud-{objekt_id}-{endepunktart}" if endepunktart else objekt_id
    sti = f"{type_}/{ressurs_id}/_history" if objekt_id is not None else f"{type_}/_history"
    base = _base(request)
    felles = [("_since", siden.isoformat())] if siden else []
    felles += [("_til", side.til.isoformat()), ("_count", str(antall))]
    egen = felles + ([("_etter", str(etter))] if etter else [])
    lenker = [{"relation": "self", "url": f"{base}/{sti}?{urlencode(egen)}"}]
    if side.flere:
        neste = [*felles, ("_etter", str(side.siste_hendelse))]
        lenker.append({"relation": "next", "url": f"{base}/{sti}?{urlencode(neste)}"})
    bunt: dict[str, Any] = {
        "resourceType": "Bundle",
        "meta": {"lastUpdated": side.til.isoformat()},
        "type": "history",
        "link": lenker,
    }
    if side.oppforinger:
        bunt["entry"] = [
            {**({"fullUrl": f"{base}/{o['request']['url']}"} if "resource" in o else {}), **o}
            for o in side.oppforinger
        ]
    return bunt
