"""The tilbud search as one answer, shared by `/api/v1/tilbud/` and the HTML search page so the
two can never disagree; and what an empty search answers: which filter removed everything, and
the nearest searches that do find something ("Ingen tilbud i Finnmark for hodepine; 3 tilbud i
hele landet")."""

from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from helsearbeid.api.filtering import ALLTID_TILLATT, avvis_ukjente_parametere

from .api.pagination import TilbudPagination
from .api.serializers import resultatkort
from .filters import TilbudFilter
from .models.tilbud import Fagomrade
from .selectors import kortdata_for_treff, sokegrunnlag


def sok_svar(request: HttpRequest | Request) -> dict[str, Any]:
    """The search answer for a request's query string: `count` (capped at 1000, with
    `count_er_minst`), `next`/`previous` links, `results`, and `tomt_svar` when nothing matched.

    Raises rest_framework's ValidationError with a message per bad parameter.
    """
    drf_request = request if isinstance(request, Request) else Request(request)
    params = drf_request.query_params
    avvis_ukjente_parametere(params, ALLTID_TILLATT | set(TilbudFilter.base_filters))
    filterset = TilbudFilter(params, queryset=sokegrunnlag())
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    paginering = TilbudPagination()
    side = kortdata_for_treff(paginering.paginate_queryset(filterset.treff, drf_request))
    idag = timezone.localdate()
    resultater = [resultatkort(kort, filterset.pasientkommune, idag=idag) for kort in side]
    svar = dict(paginering.get_paginated_response(resultater).data)
    svar["tomt_svar"] = tomt_svar(params, filterset) if svar["count"] == 0 else None
    return svar


# Relaxations in the order a GP would accept them: geography first (tilbud elsewhere are rarely
# available, but better than nothing), then the narrowing options, the diagnosis last.
RELAKSERINGER: list[tuple[tuple[str, ...], str]] = [
    (("kommune", "postnummer", "fylke", "rhf"), "geografi"),
    (("behandlingsform",), "behandlingsform"),
    (("alder",), "alder"),
    (("q",), "fritekst"),
    (("fagomrade",), "fagomrade"),
    (("diagnose", "malgruppe"), "diagnose"),
]
MAKS_FORSLAG = 3


def beskriv(data: dict[str, Any]) -> str:
    """'for hodepine i Bodø med døgn/opphold' from a filterset's cleaned data."""
    deler = []
    if data.get("diagnose"):
        deler.append(f"for «{data['diagnose'].sokt}»")
    if data.get("malgruppe"):
        deler.append(f"for {data['malgruppe'].navn.lower()}")
    if data.get("q"):
        deler.append(f"som nevner «{data['q']}»")
    sted = data.get("kommune") or data.get("postnummer") or data.get("fylke")
    if sted is not None:
        deler.append(f"i {sted.navn}")
    elif data.get("rhf"):
        deler.append(f"i {data['rhf'].navn.removesuffix(' RHF')}")
    else:
        deler.append("i hele landet")
    if data.get("fagomrade"):
        deler.append(f"innen {Fagomrade(data['fagomrade']).label.lower()}")
    if data.get("behandlingsform"):
        deler.append(f"som {data['behandlingsform'].navn.lower()}")
    if data.get("alder") is not None:
        deler.append(f"for {int(data['alder'])} år")
    return " ".join(deler)


def tomt_svar(params: QueryDict, filterset: TilbudFilter) -> dict[str, Any]:
    """For a valid search with no result: the message and up to three relaxed searches."""
    forslag = []
    for navn, _hva in RELAKSERINGER:
        if not any(params.get(n) for n in navn):
            continue
        lettere = params.copy()
        for n in (*navn, "page"):
            lettere.pop(n, None)
        alternativ = TilbudFilter(lettere, queryset=sokegrunnlag())
        if not alternativ.is_valid():
            continue
        antall = alternativ.qs.order_by().values("pk")[:1000].count()
        if antall:
            forslag.append(
                {
                    "tekst": f"{antall} tilbud {beskriv(alternativ.form.cleaned_data)}",
                    "antall": antall,
                    "parametere": {k: v for k, v in lettere.items() if v},
                }
            )
        if len(forslag) == MAKS_FORSLAG:
            break
    return {"melding": f"Ingen tilbud {beskriv(filterset.form.cleaned_data)}.", "forslag": forslag}
