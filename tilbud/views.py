"""HTML pages, fed by the same FilterSet, selectors and serializers as the API."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import selectors
from .api.serializers import TilbudDetaljSerializer, TilbudListeSerializer
from .filters import TilbudFilter
from .models import Behandlingsform, Malgruppe, Organisasjon
from .models.tilbud import Fagomrade

SIDESTORRELSE = 25


def sok(request: HttpRequest) -> HttpResponse:
    """Home page: the search form and, when a query is given, its results."""
    filterset = TilbudFilter(request.GET, queryset=selectors.tilbud_qs())
    context = {
        "filterset": filterset,
        "feil": {},
        "valg": {
            "rhf": Organisasjon.objects.rhf().order_by("kode"),
            "fagomrader": Fagomrade.choices,
            "behandlingsformer": Behandlingsform.objects.all(),
            "malgrupper": Malgruppe.objects.all(),
        },
    }
    status = 200
    if filterset.is_valid():
        side = Paginator(filterset.qs, SIDESTORRELSE).get_page(request.GET.get("page"))
        context["side"] = side
        context["treff"] = TilbudListeSerializer(side.object_list, many=True).data
        spor = request.GET.copy()
        spor.pop("page", None)
        context["sporring"] = spor.urlencode()
    else:
        context["feil"] = filterset.errors
        status = 400
    return render(request, "tilbud/sok.html", context, status=status)


def tilbud_detalj(request: HttpRequest, pk: int) -> HttpResponse:
    tilbud = get_object_or_404(selectors.tilbud_qs(), pk=pk)
    return render(
        request,
        "tilbud/detalj.html",
        {"tilbud": TilbudDetaljSerializer(tilbud).data, "objekt": tilbud},
    )
