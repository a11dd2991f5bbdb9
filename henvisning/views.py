"""HTML pages for referrals: the form from a tilbud page, «Mine henvisninger», the receiver's
inbox with the overdue worklist, a referral with the actions the user's part allows, and the
counts per unit for coordinators and analysts. Thin: access in henvisning.tilgang, rules in
henvisning.services and henvisning.livssyklus."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tilbud.models import Tilbud

from . import his1206, selectors, services, tilgang
from .forms import (
    AvvisForm,
    BegrunnelseForm,
    ForesporselForm,
    HenvisningForm,
    SjekklisteForm,
    SokForm,
    SvarForm,
    VurderForm,
)
from .livssyklus import Avvisningsgrunn, Handling, Part, Utfall

HANDLINGER = {
    "send": (Handling.SEND, Part.SENDER, None),
    "motta": (Handling.MOTTA, Part.MOTTAKER, None),
    "vurder": (Handling.VURDER, Part.MOTTAKER, VurderForm),
    "venter": (Handling.VENTER, Part.MOTTAKER, None),
    "start": (Handling.START, Part.MOTTAKER, None),
    "avslutt": (Handling.AVSLUTT, Part.MOTTAKER, None),
    "trekk": (Handling.TREKK, Part.SENDER, BegrunnelseForm),
    "avvis": (Handling.AVVIS, Part.MOTTAKER, AvvisForm),
}


def innlogget(view: Any) -> Any:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _feil_til_form(form: Any, feil: ValidationError) -> None:
    if not hasattr(feil, "error_dict"):  # a rule for the whole referral (an empty draft)
        form.add_error(None, feil.messages)
        return
    for felt, meldinger in feil.message_dict.items():
        form.add_error(felt if felt in form.fields else None, meldinger)


@innlogget
def ny(request: HttpRequest, tilbud_id: int) -> HttpResponse:
    """«Henvis pasienten»: a new referral to this tilbud, saved as a draft or sent at once."""
    tilbud = tilgang.tilbud_for_henvisning(bruker=request.user, tilbud_id=tilbud_id)
    start: dict[str, Any] = {}
    if request.method != "POST":
        # The diagnosis from the search the GP came from (?diagnose=Z73.0): known codes are
        # filled in, anything else is left out with a message. Nothing is stored yet.
        koder, ukjente = selectors.diagnosekoder_fra_sok(request.GET.getlist("diagnose"))
        if koder:
            start["diagnosekoder"] = ", ".join(koder)
        if ukjente:
            messages.warning(
                request,
                _("Fra søket ble ikke fylt inn (ukjent diagnosekode): %(koder)s")
                % {"koder": ", ".join(ukjente)},
            )
    form = HenvisningForm(
        request.POST or None, initial=start, sjekkliste=selectors.sjekkliste_for(tilbud)
    )
    if request.method == "POST" and form.is_valid():
        return _lagre_eller_send(request, form, tilbud=tilbud)
    return _skjema(request, tilbud, form, None, status=400 if form.errors else 200)


@innlogget
def endre(request: HttpRequest, pk: int) -> HttpResponse:
    h, part = tilgang.henvisning_for(
        bruker=request.user, henvisning_id=pk, handling="endre", part=Part.SENDER
    )
    if part != Part.SENDER or h.status != "utkast":
        # Only drafts are edited: everything else is shown as it stands.
        return redirect("henvisning:detalj", pk=h.pk)
    start = {
        "fodselsnummer": h.fodselsnummer,
        "navn": h.navn,
        "diagnosekoder": ", ".join(k["kode"] for k in h.diagnosekoder),
        "sykmeldt": {True: "ja", False: "nei"}.get(h.sykmeldt, ""),
        "sykmelding_prosent": h.sykmelding_prosent,
        "sykmeldt_fra": h.sykmeldt_fra,
        "sporsmal": h.sporsmal,
        "arbeidssituasjon": h.arbeidssituasjon,
        "arbeidsgiverkontakt": h.arbeidsgiverkontakt,
        "nav_kontakt": h.nav_kontakt,
        "samtykke": h.samtykke,
        "sjekkliste": [s["punkt"] for s in h.sjekkliste if s.get("avkrysset")],
    }
    form = HenvisningForm(
        request.POST or None, initial=start, sjekkliste=selectors.sjekkliste_for(h.tilbud)
    )
    if request.method == "POST" and form.is_valid():
        return _lagre_eller_send(request, form, henvisning=h, part=part)
    return _skjema(request, h.tilbud, form, h, status=400 if form.errors else 200)


def _lagre_eller_send(
    request: HttpRequest,
    form: HenvisningForm,
    *,
    tilbud: Tilbud | None = None,
    henvisning: Any = None,
    part: Part = Part.SENDER,
) -> HttpResponse:
    """«Lagre utkast» stores the draft (not an empty one); «Send henvisningen» stores nothing
    unless the referral is complete and sent."""
    tilbud = tilbud or henvisning.tilbud
    data = form.data_for_tjeneste()
    try:
        if "send" in request.POST:
            h = services.henvisning_lagre_og_send(
                sender=request.user, data=data, tilbud=tilbud, henvisning=henvisning, part=part
            )
        elif henvisning is None:
            h = services.henvisning_opprett(sender=request.user, tilbud=tilbud, data=data)
        else:
            h = services.henvisning_oppdater(
                henvisning=henvisning, bruker=request.user, part=part, data=data
            )
    except ValidationError as feil:
        _feil_til_form(form, feil)
        if "send" in request.POST:
            messages.warning(
                request,
                _(
                    "Henvisningen er ikke sendt, og ingenting er lagret: rett feilene under, "
                    "eller trykk «Lagre utkast» for å lagre det du har skrevet."
                ),
            )
        return _skjema(request, tilbud, form, henvisning, status=400)
    except services.Konflikt as feil:
        # Only a draft can be changed: someone sent or withdrew it meanwhile.
        if henvisning is None:
            raise
        messages.error(request, str(feil))
        return redirect("henvisning:detalj", pk=henvisning.pk)
    if "send" in request.POST:
        messages.success(request, _("Henvisningen er sendt."))
        return redirect("henvisning:detalj", pk=h.pk)
    messages.success(request, _("Utkastet er lagret."))
    return redirect("henvisning:endre", pk=h.pk)


def _skjema(
    request: HttpRequest, tilbud: Tilbud, form: HenvisningForm, h: Any, *, status: int
) -> HttpResponse:
    return render(
        request,
        "henvisning/skjema.html",
        {
            "tilbud": tilbud,
            "form": form,
            "henvisning": h,
            "mottaker": services.mottaker_for(tilbud),
            # A saved draft with the patient's number: warn before it is sent.
            "advarsler": selectors.advarsler_for(h, Part.SENDER) if h is not None else [],
            # Asked only when the tilbud takes no new patients now (the reason shown with it).
            "kapasitet_grunn": services.kapasitet_grunn(tilbud, services.idag()),
        },
        status=status,
    )


SIDESTORRELSE = 25


def _side(request: HttpRequest, qs: Any, parameter: str) -> Any:
    """One page of a list (25 rows); a missing or bad page number gives the first or last."""
    return Paginator(qs, SIDESTORRELSE).get_page(request.GET.get(parameter))


@innlogget
def mine(request: HttpRequest) -> HttpResponse:
    """«Mine henvisninger» for the sender."""
    return render(
        request,
        "henvisning/mine.html",
        {
            "henvisninger": _side(request, selectors.henvisninger_sendt_av(request.user), "side"),
            "idag": services.idag(),
        },
    )


@innlogget
def innboks(request: HttpRequest) -> HttpResponse:
    """The receiving unit's inbox, with the overdue worklist first."""
    idag = services.idag()
    return render(
        request,
        "henvisning/innboks.html",
        {
            "forfalte": _side(
                request, selectors.forfalte(request.user, idag=idag), "forfalte_side"
            ),
            "henvisninger": _side(request, selectors.innboks(request.user), "side"),
            "idag": idag,
        },
    )


@innlogget
def forfalte_per_enhet(request: HttpRequest) -> HttpResponse:
    if not tilgang.ser_antall(request.user):
        raise PermissionDenied
    return render(
        request,
        "henvisning/forfalte_per_enhet.html",
        {"rader": selectors.forfalte_per_enhet(request.user, idag=services.idag())},
    )


@innlogget
def detalj(request: HttpRequest, pk: int) -> HttpResponse:
    h, part = tilgang.henvisning_for(bruker=request.user, henvisning_id=pk, handling="les")
    return _detalj(request, h, part)


@innlogget
def utskrift(request: HttpRequest, pk: int) -> HttpResponse:
    """A sent referral on one A4 page (print CSS in portal.css). A draft has nothing to print
    yet: its page is the form."""
    h, _part = tilgang.henvisning_for(bruker=request.user, henvisning_id=pk, handling="utskrift")
    if h.status == "utkast":
        return redirect("henvisning:detalj", pk=h.pk)
    return render(
        request, "henvisning/utskrift.html", {"henvisning": h, "henviser": selectors.henviser(h)}
    )


def _detalj(
    request: HttpRequest, h: Any, part: Part, *, status: int = 200, **skjemaer: Any
) -> HttpResponse:
    handlinger = selectors.handlinger_for(h, part)
    context = {
        "henvisning": h,
        "part": part.value,
        "handlinger": handlinger,
        "forfalt": selectors.er_forfalt(h, idag=services.idag()),
        "nasjonal": his1206.status_for(h),
        "advarsler": selectors.advarsler_for(h, part),
        "status_i_ord": his1206.i_ord(h, idag=services.idag(), mottaker=part == Part.MOTTAKER),
        "foresporsler": h.foresporsler.all(),
        "statuslogg": selectors.statuslogg(h),
        "henviser": selectors.henviser(h),
        "kan_sporre": part == Part.MOTTAKER and h.status in {"sendt", "mottatt"},
        "vurder_form": skjemaer.get("vurder_form")
        or (_vurder_form(h, None) if "vurder" in handlinger else None),
        "avvis_form": skjemaer.get("avvis_form") or AvvisForm(),
        "trekk_form": skjemaer.get("trekk_form") or BegrunnelseForm(),
        "foresporsel_form": skjemaer.get("foresporsel_form") or ForesporselForm(),
        "svar_form": SvarForm(),
    }
    return render(request, "henvisning/detalj.html", context, status=status)


def _vurder_form(h: Any, data: Any) -> VurderForm:
    return VurderForm(data, videresending=selectors.videresending_valg(h))


@innlogget
@require_POST
def handling(request: HttpRequest, pk: int, navn: str) -> HttpResponse:
    if navn not in HANDLINGER:
        raise Http404("Finnes ikke.")
    valgt, krevd_part, skjema_klasse = HANDLINGER[navn]
    h, part = tilgang.henvisning_for(
        bruker=request.user, henvisning_id=pk, handling=navn, part=krevd_part
    )
    if skjema_klasse is VurderForm:
        form = _vurder_form(h, request.POST)
    else:
        form = skjema_klasse(request.POST) if skjema_klasse else None
    skjemanavn = {"vurder": "vurder_form", "avvis": "avvis_form", "trekk": "trekk_form"}.get(navn)
    if form is not None and not form.is_valid():
        return _detalj(request, h, part, status=400, **{skjemanavn: form})
    d = form.cleaned_data if form is not None else {}
    vurdering = services.Vurdering(
        utfall=Utfall(d["utfall"]) if d.get("utfall") else None,
        frist=d.get("frist"),
        begrunnelse=d.get("begrunnelse", "") or "",
        videresendt_til=selectors.videresending_tilbud(h, d.get("videresendt_til")),
        avvisningsgrunn=Avvisningsgrunn(d["avvisningsgrunn"]) if d.get("avvisningsgrunn") else None,
    )
    try:
        services.henvisning_overgang(
            henvisning=h, bruker=request.user, part=part, handling=valgt, vurdering=vurdering
        )
    except services.Konflikt as feil:
        messages.error(request, str(feil))
        return _detalj(request, h, part, status=409)
    except ValidationError as feil:
        if form is None:
            messages.error(request, " ".join(feil.messages))
            return _detalj(request, h, part, status=400)
        _feil_til_form(form, feil)
        return _detalj(request, h, part, status=400, **{skjemanavn: form})
    messages.success(request, _("Henvisningen er oppdatert."))
    return redirect("henvisning:detalj", pk=h.pk)


@innlogget
@require_POST
def foresporsel(request: HttpRequest, pk: int) -> HttpResponse:
    h, part = tilgang.henvisning_for(
        bruker=request.user, henvisning_id=pk, handling="foresporsel", part=Part.MOTTAKER
    )
    form = ForesporselForm(request.POST)
    if not form.is_valid():
        return _detalj(request, h, part, status=400, foresporsel_form=form)
    try:
        services.foresporsel_opprett(
            henvisning=h, bruker=request.user, part=part, sporsmal=form.cleaned_data["sporsmal"]
        )
    except services.Konflikt as feil:
        messages.error(request, str(feil))
        return _detalj(request, h, part, status=409)
    messages.success(request, _("Forespørselen er sendt til henviseren."))
    return redirect("henvisning:detalj", pk=h.pk)


@innlogget
@require_POST
def svar(request: HttpRequest, pk: int, foresporsel_id: int) -> HttpResponse:
    h, part = tilgang.henvisning_for(
        bruker=request.user, henvisning_id=pk, handling="svar", part=Part.SENDER
    )
    form = SvarForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv et svar."))
        return _detalj(request, h, part, status=400)
    try:
        services.foresporsel_besvar(
            henvisning=h,
            foresporsel_id=foresporsel_id,
            bruker=request.user,
            part=part,
            svar=form.cleaned_data["svar"],
        )
    except services.Konflikt as feil:
        messages.error(request, str(feil))
        return _detalj(request, h, part, status=409)
    messages.success(request, _("Svaret er sendt."))
    return redirect("henvisning:detalj", pk=h.pk)


@innlogget
def sjekkliste(request: HttpRequest, tilbud_id: int) -> HttpResponse:
    """The region's coordinator edits what a referral to the tilbud should contain."""
    tilbud = tilgang.tilbud_for_sjekkliste(bruker=request.user, tilbud_id=tilbud_id, endre=True)
    punkter = selectors.sjekkliste_for(tilbud)
    form = SjekklisteForm(request.POST or None, initial={"punkter": "\n".join(punkter)})
    if request.method == "POST" and form.is_valid():
        try:
            services.sjekkliste_lagre(tilbud=tilbud, bruker=request.user, punkter=form.liste())
        except ValidationError as feil:
            _feil_til_form(form, feil)
        else:
            messages.success(request, _("Sjekklisten for henvisninger er lagret."))
            return redirect("tilbud-detalj", pk=tilbud.pk)
    return render(
        request,
        "henvisning/sjekkliste.html",
        {"tilbud": tilbud, "form": form, "punkter": punkter},
        status=400 if form.errors else 200,
    )


@innlogget
def sok(request: HttpRequest) -> HttpResponse:
    """Find the referrals for one person (own, or sent to the user's unit) by fødselsnummer. The
    number comes by POST and the answer is rendered here: never a redirect with it in the URL."""
    form = SokForm(request.POST or None)
    treff = None
    if request.method == "POST" and form.is_valid():
        treff = tilgang.henvisninger_for_fodselsnummer(
            bruker=request.user, fodselsnummer=form.cleaned_data["fodselsnummer"]
        )
    return render(
        request,
        "henvisning/sok.html",
        {"form": form, "treff": treff},
        status=400 if form.errors else 200,
    )
