"""HTML pages, fed by the same search, selectors and serializers as the API.

The search page renders exactly what `/api/v1/tilbud/` answers for the same query string
(tilbud.sok.svar.sok_svar). static/js/sok.js fetches the same page's results as an HTML fragment
(header `X-Sok-Fragment`), so the page with and without JavaScript renders one template.
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import ValidationError as DrfValidationError

from helsearbeid.sikkerhet import klientadresse

from . import selectors
from .api.serializers import TilbudDetaljSerializer
from .forms import FeilmeldingForm
from .models import Malgruppe, MalgruppeKode, Tilbud
from .models.ventetid import DEFINISJON
from .services.feilmelding import (
    ForMangeMeldinger,
    feilmelding_bekreft_epost,
    feilmelding_opprett,
)
from .sok.filtre import TilbudFilter
from .sok.parametere import FLERE_VALG
from .sok.side import valgfelt, vis_bydel
from .sok.svar import sok_svar

SIDESTORRELSE = 25
# The header static/js/sok.js sends for the results alone (templates/tilbud/_resultater.html).
FRAGMENT = "X-Sok-Fragment"


def _sok_svar(request: HttpRequest) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """The API's answer for this query string (tilbud.sok.sok_svar), or the errors per
    parameter."""
    try:
        return sok_svar(request), {}
    except DrfValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail}
        return None, {k: [str(m) for m in _liste(v)] for k, v in detail.items()}


def _tekster() -> dict[str, str]:
    """Translated strings for static/js/sok.js, handed over with json_script (no inline JS)."""
    return {
        "nettfeil": _("Kunne ikke hente resultatene. Trykk «Søk» for å prøve igjen."),
        "forslag_antall": _("%(antall)s forslag. Bruk pil opp og ned, og Enter for å velge."),
        "kommune_valgt": _("%(navn)s (%(nummer)s), %(fylke)s – %(rhf)s"),
        "ingen_treff": _("gir ingen tilbud"),
        "ugyldig": _("Ingen tilbud vist: rett feilen i skjemaet."),
        "utdatert": _("Resultatene under gjelder ikke det du skriver nå."),
        "ingen_treff_her": _("gir ingen tilbud der pasienten bor"),
    }


def _med_datoer(tilbud: dict[str, Any]) -> dict[str, Any]:
    """ISO dates from the serializer as dates, so templates format them (dd.mm.åååå)."""
    ny = dict(tilbud)
    for navn in ("sist_bekreftet", "startdato"):
        if isinstance(ny.get(navn), str):
            ny[navn] = date.fromisoformat(ny[navn])
    for navn in ("ventetid", "ventetid_vist", "tar_imot_nye"):
        ny[navn] = _datoer_i(ny.get(navn))
    if isinstance(ny.get("ventetider"), list):
        ny["ventetider"] = [_datoer_i(v) for v in ny["ventetider"]]
    mottak = ny.get("mottak")
    if isinstance(mottak, dict) and isinstance(mottak.get("ar_kontrollert"), str):
        ny["mottak"] = {**mottak, "ar_kontrollert": date.fromisoformat(mottak["ar_kontrollert"])}
    return ny


def _datoer_i(verdi: Any) -> Any:
    if not isinstance(verdi, dict):
        return verdi
    return {
        k: date.fromisoformat(v) if k in ("dato", "til_og_med") and isinstance(v, str) else v
        for k, v in verdi.items()
    }


def _liste(verdi: Any) -> list[Any]:
    return verdi if isinstance(verdi, list) else [verdi]


def _sidenummer(params: QueryDict) -> int:
    # sok_svar has already refused a bad page number with a 400.
    raw = params.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def _lenke(params: QueryDict, **endre: Any) -> str:
    """This query with some parameters replaced; `None` removes one."""
    ny = params.copy()
    for navn, verdi in endre.items():
        ny.pop(navn, None)
        if verdi is not None:
            ny[navn] = str(verdi)
    return "?" + ny.urlencode()


def _forslag_lenker(tomt_svar: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not tomt_svar:
        return []
    lenker = []
    for forslag in tomt_svar.get("forslag") or []:
        spor = QueryDict(mutable=True)
        for navn, verdi in (forslag.get("parametere") or {}).items():
            if verdi not in (None, ""):
                spor[navn] = str(verdi)
        lenker.append({**forslag, "href": "?" + spor.urlencode()})
    return lenker


# The search a tilbud page was opened from rides along in its address (`?sok=`, put there by
# the result cards), so that «Til søket» returns to the same query and page.
TILBAKE = "sok"
MAKS_TILBAKE = 2000


def _kort_spor(params: QueryDict) -> str:
    """The query string of the result cards' links: the diagnosis (the referral form fills it
    in) and the search itself, page included."""
    spor = QueryDict(mutable=True)
    if params.get("diagnose"):
        spor["diagnose"] = params["diagnose"]
    if params:
        spor[TILBAKE] = params.urlencode()
    return spor.urlencode()


def _tilbake_til_sok(params: QueryDict) -> str:
    """The search page with the query the tilbud page was opened from: only the search's own
    parameters, and always this site's search page (never an address from outside)."""
    sendt = (params.get(TILBAKE) or "")[:MAKS_TILBAKE]
    spor = QueryDict(sendt)
    rent = QueryDict(mutable=True)
    for navn in [*TilbudFilter.base_filters, "page", "page_size"]:
        verdi = spor.get(navn)
        if verdi:
            rent[navn] = verdi
    return reverse("sok") + ("?" + rent.urlencode() if rent else "")


def _diagnose_grunn(tomt_svar: dict[str, Any] | None) -> dict[str, Any] | None:
    """Why the diagnosis found nothing (tilbud.sok.dekning), with the link of the nearest
    målgruppe search."""
    grunn = (tomt_svar or {}).get("diagnose")
    if not grunn:
        return None
    malgruppe = grunn.get("malgruppe")
    if malgruppe:
        spor = QueryDict(mutable=True)
        spor.update(malgruppe["parametere"])
        return {**grunn, "href": "?" + spor.urlencode()}
    return grunn


@require_http_methods(["GET", "HEAD"])
def sok(request: HttpRequest) -> HttpResponse:
    """Home page: the search form and, when a query is given, its results."""
    params = request.GET
    # A plain form submit (no JavaScript) sends every field, also the empty ones; drop them so
    # the URL that a GP copies or bookmarks holds only the actual query.
    if any(not v.strip() for _navn, verdier in params.lists() for v in verdier):
        renset = QueryDict(mutable=True)
        for navn, verdier in params.lists():
            renset.setlist(navn, [v for v in verdier if v.strip()])
            if not renset.getlist(navn):
                del renset[navn]
        return HttpResponseRedirect(reverse("sok") + ("?" + renset.urlencode() if renset else ""))

    filtre = TilbudFilter.base_filters
    fragment = request.headers.get(FRAGMENT) == "1"
    context: dict[str, Any] = {
        "data": params,
        "feil": {},
        "tekster": _tekster(),
        "stotter": set(filtre),
        # «Flere valg» is opened when one of the parameters behind it is set.
        "flere_valg_apne": any(params.get(p) for p in FLERE_VALG),
    }
    status = 200
    if any(navn in filtre or navn == "page" for navn in params):
        svar, feil = _sok_svar(request)
        if svar is None:
            context["feil"] = feil
            status = 400
        else:
            side = _sidenummer(params)
            context.update(
                svar=svar,
                treff=[_med_datoer(t) for t in svar.get("results") or []],
                forslag=_forslag_lenker(svar.get("tomt_svar")),
                diagnose_grunn=_diagnose_grunn(svar.get("tomt_svar")),
                forrige=_lenke(params, page=side - 1 if side > 2 else None)
                if svar.get("previous")
                else None,
                neste=_lenke(params, page=side + 1) if svar.get("next") else None,
                sidenummer=side,
                kort_spor=_kort_spor(params),
            )
    if fragment:
        # The results alone, or the errors per field as the API gives them.
        if status == 400:
            svar_ut: HttpResponse = JsonResponse(context["feil"], status=400)
        else:
            svar_ut = render(request, "tilbud/_resultater.html", context)
        patch_vary_headers(svar_ut, [FRAGMENT])
        return svar_ut
    context["valgfelt"] = valgfelt(params, context["feil"])
    context["vis_bydel"] = vis_bydel(params)
    svar_ut = render(request, "tilbud/sok.html", context, status=status)
    patch_vary_headers(svar_ut, [FRAGMENT])
    return svar_ut


def _detalj_context(
    tilbud: Tilbud, form: FeilmeldingForm | None, tilbake: str | None = None
) -> dict[str, Any]:
    malgrupper = Malgruppe.objects.filter(tilbud=tilbud).prefetch_related(
        Prefetch("koder", queryset=MalgruppeKode.objects.order_by("kodeverk", "fra"))
    )
    return {
        "tilbud": _med_datoer(TilbudDetaljSerializer(tilbud).data),
        "objekt": tilbud,
        "ventetid_definisjon": DEFINISJON,
        # A start date ahead is told as such («starter»), not as if the tilbud ran already.
        "ikke_startet": tilbud.startdato is not None and tilbud.startdato > timezone.localdate(),
        "malgrupper": malgrupper,
        # Ended tilbud are shown for the record but take no error reports.
        "form": form if tilbud.status != Tilbud.Status.AVSLUTTET else None,
        # A form sent back with errors was posted to «meld-feil/», which takes only POST: the
        # language switch goes back to the tilbud page instead.
        "sprak_neste": reverse("tilbud-detalj", kwargs={"pk": tilbud.pk})
        if form is not None and form.is_bound
        else None,
        "tilbake": tilbake or reverse("sok"),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def tilbud_detalj(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return meld_feil(request, pk)
    tilbud = get_object_or_404(selectors.tilbud_qs(), pk=pk)
    return render(
        request,
        "tilbud/detalj.html",
        _detalj_context(tilbud, FeilmeldingForm(), _tilbake_til_sok(request.GET)),
    )


@never_cache  # a form sent back with its errors holds the reporter's e-mail address
@require_POST
def meld_feil(request: HttpRequest, pk: int) -> HttpResponse:
    """«Meld feil»: store the report with the tilbud for the coordinators (post/redirect/get)."""
    # An ended or unknown tilbud cannot be reported on: 404, as for any missing page.
    tilbud = get_object_or_404(selectors.tilbud_qs().exclude(status=Tilbud.Status.AVSLUTTET), pk=pk)
    form = FeilmeldingForm(request.POST)
    if not form.is_valid():
        return render(request, "tilbud/detalj.html", _detalj_context(tilbud, form), status=400)
    try:
        feilmelding_opprett(
            tilbud=tilbud, data=form.cleaned_data, klientadresse=klientadresse(request)
        )
    except ForMangeMeldinger as kvote:
        # 429 with the reason on the form (nothing stored), not a silent drop.
        form.add_error(None, str(kvote))
        svar = render(request, "tilbud/detalj.html", _detalj_context(tilbud, form), status=429)
        svar["Retry-After"] = str(kvote.sekunder)
        return svar
    except DjangoValidationError as feil:
        form.add_error(None, feil)
        return render(request, "tilbud/detalj.html", _detalj_context(tilbud, form), status=400)
    messages.success(
        request,
        _("Takk! Meldingen er sendt til den regionale koordinatoren, som retter opplysningene."),
    )
    return redirect("tilbud-detalj", pk=tilbud.pk)


@require_http_methods(["GET", "POST"])
def bekreft_epost(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the «Meld feil» confirmation mail. GET shows a button, POST confirms: a mail
    scanner that fetches every link must not confirm an address on its owner's behalf."""
    if request.method == "GET":
        return render(request, "tilbud/bekreft_epost.html", {"token": token})
    try:
        feilmelding_bekreft_epost(token=token)
    except DjangoValidationError as feil:
        return render(request, "tilbud/bekreft_epost.html", {"feil": feil.messages}, status=400)
    return render(request, "tilbud/bekreft_epost.html", {"bekreftet": True})
