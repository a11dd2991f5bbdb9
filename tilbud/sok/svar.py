"""The search's entry: the answer to a query string, shared by `/api/v1/tilbud/` and the HTML
search page so the two can never disagree; and what an empty search answers: which filter
removed everything, and the nearest searches that do find something ("Ingen tilbud i Finnmark
for hodepine; 3 tilbud i hele landet").

The engine (PostgreSQL search table or the ORM) is chosen here, once per search, and handed
down (tilbud.sok.motor)."""

from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from helsearbeid.api.filtering import ALLTID_TILLATT, avvis_ukjente_parametere
from tilbud.selectors import ord_i

from .dekning import diagnose_uten_treff
from .filtre import Sokefilter, TilbudFilter
from .kort import kortdata_for_treff, resultatkort
from .motor import Motor, velg_motor
from .paginering import TilbudPagination
from .parametere import RELAKSERINGER, beskriv

MAKS_FORSLAG = 3

__all__ = ["RELAKSERINGER", "beskriv", "sok_svar", "tomt_svar"]


def sok_svar(request: HttpRequest | Request) -> dict[str, Any]:
    """The search answer for a request's query string: `count` (capped at 1000, with
    `count_er_minst`), `next`/`previous` links, `results`, `skrivefeil` when a word of the free
    text was taken as a typo, and `tomt_svar` when nothing matched.

    Raises rest_framework's ValidationError with a message per bad parameter.
    """
    drf_request = request if isinstance(request, Request) else Request(request)
    params = drf_request.query_params
    avvis_ukjente_parametere(params, ALLTID_TILLATT | set(TilbudFilter.base_filters))
    motor = velg_motor()
    filterset = TilbudFilter(params, queryset=motor.grunnlag(), motor=motor)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    paginering = TilbudPagination()
    side = kortdata_for_treff(
        paginering.paginate_queryset(filterset.treff, drf_request), motor.kortdata
    )
    idag = timezone.localdate()
    uten_bydel = filterset.uten_bydel
    resultater = [
        resultatkort(kort, filterset.pasientkommune, idag=idag, uten_bydel=uten_bydel)
        for kort in side
    ]
    svar = dict(paginering.get_paginated_response(resultater).data)
    svar.update(rangering(filterset))
    svar["skrivefeil"] = skrivefeil(filterset.form.cleaned_data.get("q") or "", filterset.rettet)
    svar["tomt_svar"] = tomt_svar(params, filterset, motor) if svar["count"] == 0 else None
    return svar


def rangering(filterset: Sokefilter) -> dict[str, Any]:
    """What the order of the answer is by: `rangert_etter` ("bydel", "kommune" or null when no
    place was given), and `rangering_merknad`, a sentence for the GP when the order is not what
    they may expect (Oslo without a bydel)."""
    if filterset.pasientkommune is None:
        etter = None
    else:
        etter = "bydel" if filterset.bydel is not None else "kommune"
    merknad = None
    if filterset.uten_bydel:
        merknad = gettext(
            "Rekkefølgen er ikke etter bydel: uten bydel står alle sykehusene med "
            "opptaksområde i Oslo først. Velg pasientens bydel for å få pasientens eget "
            "sykehus først."
        )
    return {"rangert_etter": etter, "rangering_merknad": merknad}


def skrivefeil(tekst: str, rettet: dict[str, list[str]]) -> dict[str, Any] | None:
    """What the free text was searched as when a word of it was a typo: the text as typed
    (`sokt`), the text searched (`viser`: each corrected word by its closest catalogue word,
    'depresjom' → 'depresjon') and every corrected word with the words searched instead."""
    if not rettet:
        return None
    viser = " ".join(rettet.get(o, [o])[0] for o in ord_i(tekst))
    return {"sokt": tekst, "viser": viser, "rettet": rettet}


def tomt_svar(
    params: QueryDict, filterset: Sokefilter, motor: Motor | None = None
) -> dict[str, Any]:
    """For a valid search with no result: the message, up to three relaxed searches, and, when
    the diagnosis is why, why and the nearest målgruppe search (tilbud.sok.dekning)."""
    motor = motor or filterset.motor
    forslag = []
    for navn, _hva in RELAKSERINGER:
        if not any(params.get(n) for n in navn):
            continue
        lettere = params.copy()
        for n in (*navn, "page"):
            lettere.pop(n, None)
        alternativ = TilbudFilter(lettere, queryset=motor.grunnlag(), motor=motor)
        if not alternativ.is_valid():
            continue
        antall = alternativ.qs.order_by().values("pk")[:1000].count()
        if antall:
            forslag.append(
                {
                    "tekst": ngettext(
                        "%(antall)s tilbud %(beskrivelse)s",
                        "%(antall)s tilbud %(beskrivelse)s",
                        antall,
                    )
                    % {"antall": antall, "beskrivelse": beskriv(alternativ.form.cleaned_data)},
                    "antall": antall,
                    "parametere": {k: v for k, v in lettere.items() if v},
                }
            )
        if len(forslag) == MAKS_FORSLAG:
            break
    data = filterset.form.cleaned_data
    oppslag = data.get("diagnose")
    return {
        "melding": gettext("Ingen tilbud %(beskrivelse)s.") % {"beskrivelse": beskriv(data)},
        "forslag": forslag,
        "diagnose": diagnose_uten_treff(params, oppslag, data, motor) if oppslag else None,
    }
