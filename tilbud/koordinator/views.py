"""HTML views of the coordinator area. Thin: access through tilbud.tilgang (404 out of scope),
reads through selectors, writes through services."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tilbud import tilgang
from tilbud.historikk import tilbud_historikk
from tilbud.models import Endringsforslag, Lokasjon, Organisasjon, Tilbud
from tilbud.services import redigering
from tilbud.services import ventetid as tjenester_ventetid
from tilbud.services.feilmelding import feilmelding_los
from tilbud.services.organisasjon import (
    lokasjon_oppdater,
    lokasjon_opprett,
    organisasjon_oppdater,
    organisasjon_opprett,
)
from tilbud.services.redigering import M2M_FELT, REDIGERBARE_FELT, Samtidighetskonflikt
from tilbud.tilgang import (
    er_koordinator_eller_admin,
    feilmelding_for_losning,
    forslag_for_beslutning,
    krev_koordinator,
    krev_redigeringsrolle,
)
from tilbud.visning import ferskhet, ventetid_visning, ventetidrad

from . import selectors
from .forms import (
    AvsluttForm,
    AvvisForm,
    GodkjennForm,
    LokasjonForm,
    LosFeilmeldingForm,
    NyOrganisasjonForm,
    NyttTilbudForm,
    OrganisasjonForm,
    TilbudForm,
    VentetidForm,
    grunnlag_for,
    normaliser,
    verdier_for,
)
from .visning import endringsliste, etikett, vis

innlogget = login_required(login_url=reverse_lazy("login"))

FILTRE = {
    "ikke_bekreftet": "ikke_bekreftet",
    "ventetid": "gammel_ventetid",
    "feilmeldinger": "har_feilmeldinger",
    "forslag": "har_forslag",
    "avsluttede": "avsluttede",
}


def _side(
    request: HttpRequest, mal: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context["er_koordinator_meny"] = er_koordinator_eller_admin(request.user)
    return render(request, mal, context, status=status)


def _krev_endre(bruker: Any, obj: Any) -> None:
    if not tilgang.kan_endre(bruker, obj):
        raise PermissionDenied(_("Bare regionens koordinator kan gjøre dette."))


@innlogget
@require_GET
def mine_tilbud(request: HttpRequest) -> HttpResponse:
    """«Mine tilbud»: freshness, open error reports and pending proposals per tilbud."""
    krev_redigeringsrolle(request.user)
    valgt = {param: request.GET.get(param) in ("1", "on", "ja") for param in FILTRE}
    filtre = selectors.MineTilbudFiltre(**{FILTRE[p]: v for p, v in valgt.items()})
    rader = [
        {
            "tilbud": t,
            "ferskhet": ferskhet(t.sist_bekreftet),
            # Bulk «Bekreft uendret» only for what this user changes directly.
            "kan_bekrefte": tilgang.kan_endre(request.user, t),
        }
        for t in selectors.mine_tilbud(request.user, filtre)
    ]
    # A tilbudsredaktør's own proposals, with the outcome and the coordinator's comment.
    forslag = (
        [
            {"forslag": f, "felt": [etikett(n) for n in f.endringer]}
            for f in selectors.mine_forslag(request.user)
        ]
        if tilgang.redigerte_organisasjoner(request.user)
        else []
    )
    return _side(
        request,
        "koordinator/mine_tilbud.html",
        {
            "meny": "mine",
            "rader": rader,
            "mine_forslag": forslag,
            "valgt": valgt,
            "filtrert": any(valgt.values()),
            "filtre_query": _filtre_query(request.GET),
            "kan_bekrefte_noen": any(rad["kan_bekrefte"] for rad in rader),
            "maneder": settings.FERSKHET_ELDRE_MANEDER,
            "ventetid_maneder": selectors.VENTETID_GAMMEL_MANEDER,
            "er_koordinator": er_koordinator_eller_admin(request.user),
        },
    )


def _filtre_query(data: Any) -> str:
    """The «Mine tilbud» filters as a query string, only the known ones (to come back to the
    same list after the bulk confirmation)."""
    valgte = [p for p in FILTRE if data.get(p) in ("1", "on", "ja")]
    return "&".join(f"{p}=1" for p in valgte)


@innlogget
@require_POST
def tilbud_bekreft_flere(request: HttpRequest) -> HttpResponse:
    """Bulk «Bekreft uendret» on «Mine tilbud»: one POST with the selected tilbud."""
    krev_koordinator(request.user)
    filtre = _filtre_query(request.POST)
    tilbake = reverse("koordinator:mine-tilbud") + (f"?{filtre}" if filtre else "")
    verdier = request.POST.getlist("tilbud")
    if any(not v.isdigit() for v in verdier):
        messages.error(request, _("Ugyldig utvalg av tilbud. Last siden på nytt og prøv igjen."))
        return redirect(tilbake)
    try:
        utfall = redigering.tilbud_bekreft_flere(
            bruker=request.user, tilbud_ider=[int(v) for v in verdier]
        )
    except ValidationError:
        messages.error(request, _("Velg minst ett tilbud å bekrefte."))
        return redirect(tilbake)
    if utfall.avvist:
        messages.error(
            request,
            _(
                "Ingenting er bekreftet. Du kan bare bekrefte tilbud i regionen du er "
                "koordinator for, og disse kan du ikke bekrefte: %(liste)s."
            )
            % {"liste": ", ".join(utfall.avvist.values())},
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s tilbud er bekreftet uendret i dag.",
                "%(n)s tilbud er bekreftet uendret i dag.",
                utfall.bekreftet,
            )
            % {"n": utfall.bekreftet},
        )
    return redirect(tilbake)


def _lokasjoner(tilbud: Tilbud) -> Any:
    return selectors.lokasjoner_for_tilbud(tilbud)


def _rediger_context(request: HttpRequest, tilbud: Tilbud, form: TilbudForm) -> dict[str, Any]:
    kan_endre = tilgang.kan_endre(request.user, tilbud)
    # The same check as GET /api/v1/tilbud/{id}/historikk/.
    kan_se_historikk = tilgang.kan_se_historikk(request.user, tilbud)
    historikk = tilbud_historikk(tilbud) if kan_se_historikk else []
    # Open «Meld feil» reports are the coordinator's to resolve (the same scope as the list).
    kan_se_feilmeldinger = er_koordinator_eller_admin(request.user) and kan_endre
    for versjon in historikk:
        versjon["rader"] = endringsliste(versjon["endringer"])
    return {
        "tilbud": tilbud,
        "form": form,
        "kan_endre": kan_endre,
        "kan_se_historikk": kan_se_historikk,
        "kan_se_feilmeldinger": kan_se_feilmeldinger,
        "apne_feilmeldinger": selectors.antall_apne_feilmeldinger(tilbud)
        if kan_se_feilmeldinger
        else 0,
        "ferskhet": ferskhet(tilbud.sist_bekreftet),
        "historikk": historikk,
        "historikk_aktiv": settings.HISTORIKK_AKTIV,
        "avsluttet": tilbud.status == Tilbud.Status.AVSLUTTET,
    }


def _ny_form(tilbud: Tilbud, **initial: Any) -> TilbudForm:
    return TilbudForm(
        instance=tilbud,
        initial={
            "versjon": tilbud.versjon,
            "grunnlag": TilbudForm.signer(grunnlag_for(tilbud)),
            **initial,
        },
        lokasjoner=_lokasjoner(tilbud),
    )


def _konflikt(
    request: HttpRequest,
    konflikt: Samtidighetskonflikt,
    grunnlag: dict[str, Any],
    mine: dict[str, Any],
    grunn: str,
) -> HttpResponse:
    """Refused: someone saved in between. The form comes back with this user's changes on top
    of the newest values, and a box with what the other person changed (409)."""
    naa = Tilbud.objects.med_relasjoner().get(pk=konflikt.tilbud.pk)
    naa_verdier = verdier_for(naa)
    andres = [
        {
            "felt": etikett(navn),
            "fra": vis(navn, grunnlag.get(navn)),
            "til": vis(navn, naa_verdier[navn]),
            "ogsa_min": navn in mine,
        }
        for navn in [*REDIGERBARE_FELT, *M2M_FELT]
        if normaliser(grunnlag.get(navn)) != normaliser(naa_verdier[navn])
    ]
    form = _ny_form(naa, grunn=grunn, **mine)
    context = _rediger_context(request, naa, form)
    context["konflikt"] = {
        "endret_av": konflikt.endret_av,
        "fra_versjon": konflikt.grunnversjon,
        "versjon": naa.versjon,
        "endringer": andres,
    }
    return _side(request, "koordinator/tilbud_rediger.html", context, status=409)


@innlogget
@require_http_methods(["GET", "HEAD", "POST"])
def tilbud_rediger(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a tilbud: coordinators save directly (version-checked), tilbudsredaktører propose."""
    tilbud = tilgang.tilbud_for_redigering(bruker=request.user, tilbud_id=pk)
    if request.method != "POST":
        return _side(
            request,
            "koordinator/tilbud_rediger.html",
            _rediger_context(request, tilbud, _ny_form(tilbud)),
        )
    # As stored now, before the form writes its values onto the instance; used when the form
    # carries no (valid) snapshot of what the user opened.
    naa_verdier = verdier_for(tilbud)
    form = TilbudForm(request.POST, instance=tilbud, lokasjoner=_lokasjoner(tilbud))
    if not form.is_valid():
        return _ugyldig(request, pk, form)
    grunnlag = form.grunnlaget() or naa_verdier
    endringer = form.endringer(grunnlag)
    grunn = form.cleaned_data["grunn"]
    versjon = form.cleaned_data["versjon"]
    # «Lagre og bekreft»: the second submit button of the same form.
    bekreft = "lagre_og_bekreft" in request.POST
    if not endringer and not bekreft:
        messages.info(request, _("Ingen endringer å lagre."))
        return redirect("koordinator:tilbud-rediger", pk=pk)
    try:
        resultat = redigering.tilbud_endre(
            bruker=request.user,
            tilbud=tilbud,
            versjon=versjon,
            endringer=endringer,
            grunn=grunn,
            bekreft=bekreft,
        )
    except Samtidighetskonflikt as konflikt:
        return _konflikt(request, konflikt, grunnlag, endringer, grunn)
    except ValidationError as feil:
        _legg_til_feil(form, feil)
        return _ugyldig(request, pk, form)
    if isinstance(resultat, Endringsforslag):
        messages.success(
            request,
            _(
                "Forslaget er sendt. Det venter på godkjenning fra koordinatoren i regionen, "
                "og vises for fastlegene først når det er godkjent."
            ),
        )
    elif bekreft and endringer:
        messages.success(
            request,
            _("Endringene er lagret, og opplysningene er bekreftet i dag. Fastlegene ser dem nå."),
        )
    elif bekreft:
        messages.success(request, _("Ingen endringer å lagre. Opplysningene er bekreftet i dag."))
    else:
        messages.success(request, _("Endringene er lagret og vises nå for fastlegene."))
    return redirect("koordinator:tilbud-rediger", pk=pk)


def _legg_til_feil(form: Any, feil: ValidationError) -> None:
    if hasattr(feil, "error_dict"):
        for navn, liste in feil.error_dict.items():
            form.add_error(navn if navn in form.fields else None, liste)
    else:
        form.add_error(None, feil)


def _ugyldig(request: HttpRequest, pk: int, form: TilbudForm) -> HttpResponse:
    frisk = Tilbud.objects.med_relasjoner().get(pk=pk)
    return _side(
        request,
        "koordinator/tilbud_rediger.html",
        _rediger_context(request, frisk, form),
        status=400,
    )


def _versjon(request: HttpRequest) -> int:
    verdi = request.POST.get("versjon", "")
    if not verdi.isdigit():
        raise ValidationError(_("Mangler versjon."))
    return int(verdi)


@innlogget
@require_POST
def tilbud_bekreft(request: HttpRequest, pk: int) -> HttpResponse:
    """«Bekreft opplysningene»: one click records who verified the entry, and today's date."""
    tilbud = tilgang.tilbud_for_redigering(bruker=request.user, tilbud_id=pk)
    _krev_endre(request.user, tilbud)
    try:
        redigering.tilbud_bekreft(bruker=request.user, tilbud_id=pk, versjon=_versjon(request))
    except Samtidighetskonflikt as konflikt:
        messages.error(request, str(konflikt))
    except ValidationError:
        messages.error(request, _("Siden var utdatert. Prøv igjen."))
    else:
        messages.success(request, _("Opplysningene er bekreftet i dag."))
    return redirect("koordinator:tilbud-rediger", pk=pk)


@innlogget
@require_http_methods(["GET", "HEAD", "POST"])
def tilbud_avslutt(request: HttpRequest, pk: int) -> HttpResponse:
    """End a tilbud with date and reason. Nothing is deleted; GPs see it has ended."""
    tilbud = tilgang.tilbud_for_redigering(bruker=request.user, tilbud_id=pk)
    _krev_endre(request.user, tilbud)
    if request.method != "POST":
        form = AvsluttForm(initial={"versjon": tilbud.versjon, "dato": timezone.localdate()})
        return _side(request, "koordinator/tilbud_avslutt.html", {"tilbud": tilbud, "form": form})
    form = AvsluttForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            redigering.tilbud_avslutt(
                bruker=request.user,
                tilbud_id=pk,
                versjon=form.cleaned_data["versjon"],
                dato=form.cleaned_data["dato"],
                grunn=form.cleaned_data["grunn"],
            )
        except Samtidighetskonflikt as konflikt:
            tilbud = konflikt.tilbud
            form = AvsluttForm(initial={**form.cleaned_data, "versjon": tilbud.versjon})
            messages.error(request, str(konflikt))
            status = 409
        except ValidationError as feil:
            _legg_til_feil(form, feil)
        else:
            messages.success(
                request, _("Tilbudet er avsluttet. Fastlegene ser at det er avsluttet.")
            )
            return redirect("koordinator:tilbud-rediger", pk=pk)
    return _side(
        request, "koordinator/tilbud_avslutt.html", {"tilbud": tilbud, "form": form}, status=status
    )


@innlogget
@require_POST
def tilbud_gjenopprett(request: HttpRequest, pk: int, versjon: int) -> HttpResponse:
    """Restore an earlier version as a new change."""
    tilbud = tilgang.tilbud_for_redigering(bruker=request.user, tilbud_id=pk)
    _krev_endre(request.user, tilbud)
    try:
        redigering.tilbud_gjenopprett(
            bruker=request.user, tilbud_id=pk, versjon=_versjon(request), gjenopprett=versjon
        )
    except Samtidighetskonflikt as konflikt:
        messages.error(request, str(konflikt))
    except ValidationError as feil:
        messages.error(request, " ".join(feil.messages))
    else:
        messages.success(
            request, _("Versjon %(n)s er gjenopprettet som en ny endring.") % {"n": versjon}
        )
    return redirect("koordinator:tilbud-rediger", pk=pk)


@innlogget
@require_http_methods(["GET", "HEAD", "POST"])
def tilbud_ny(request: HttpRequest) -> HttpResponse:
    """A new tilbud in the coordinator's region."""
    krev_koordinator(request.user)
    rhf = tilgang.rhf_for_oppretting(request.user)
    valg = {"rhf": rhf, "organisasjoner": selectors.organisasjoner_for_nytt_tilbud(request.user)}
    if request.method != "POST":
        form = NyttTilbudForm(**valg)
        return _side(request, "koordinator/tilbud_ny.html", {"form": form})
    form = NyttTilbudForm(request.POST, **valg)
    if form.is_valid():
        felt = {
            navn: form.cleaned_data[navn]
            for navn in [*REDIGERBARE_FELT, *M2M_FELT]
            if navn in form.cleaned_data and navn != "lokasjoner"
        }
        try:
            ny = redigering.tilbud_opprett(
                bruker=request.user,
                rhf=form.cleaned_data["rhf"],
                organisasjon=form.cleaned_data["organisasjon"],
                felt=felt,
            )
        except ValidationError as feil:
            _legg_til_feil(form, feil)
        else:
            messages.success(request, _("Tilbudet er opprettet. Legg til steder under."))
            return redirect("koordinator:tilbud-rediger", pk=ny.pk)
    return _side(request, "koordinator/tilbud_ny.html", {"form": form}, status=400)


def _lagre_versjonert(
    request: HttpRequest,
    form: OrganisasjonForm | LokasjonForm,
    naa_verdier: dict[str, Any],
    lagre: Any,
) -> tuple[str, dict[str, Any] | None]:
    """Save an organisation or site form through `lagre(versjon=…, endringer=…, grunn=…)`.
    Returns «lagret», «uendret», «ugyldig» or «konflikt»; a conflict comes with the fresh form
    and what the other person changed."""
    grunnlag = form.grunnlaget() or naa_verdier
    endringer = form.endringer(grunnlag)
    if not endringer:
        messages.info(request, _("Ingen endringer å lagre."))
        return "uendret", None
    try:
        lagre(
            versjon=form.cleaned_data["versjon"],
            endringer=endringer,
            grunn=form.cleaned_data["grunn"],
        )
    except Samtidighetskonflikt as konflikt:
        return "konflikt", _versjonert_konflikt(form, konflikt, grunnlag, endringer)
    except ValidationError as feil:
        _legg_til_feil(form, feil)
        return "ugyldig", None
    return "lagret", None


def _versjonert_konflikt(
    form: OrganisasjonForm | LokasjonForm,
    konflikt: Samtidighetskonflikt,
    grunnlag: dict[str, Any],
    mine: dict[str, Any],
) -> dict[str, Any]:
    """The form again on top of the newest values, with this user's changes kept, and what the
    other person changed since the user opened the page."""
    naa = konflikt.objekt
    modell = type(naa)
    naa_verdier = type(form).verdier(naa)
    andres = [
        {
            "felt": etikett(navn, modell),
            "fra": vis(navn, grunnlag.get(navn), modell),
            "til": vis(navn, naa_verdier[navn], modell),
            "ogsa_min": navn in mine,
        }
        for navn in form._meta.fields
        if normaliser(grunnlag.get(navn)) != normaliser(naa_verdier[navn])
    ]
    ny = type(form)(instance=naa, initial={**mine, "grunn": form.cleaned_data["grunn"]})
    return {
        "form": ny,
        "konflikt": {
            "tittel": _("Noen andre har lagret organisasjonen mens du redigerte")
            if modell is Organisasjon
            else _("Noen andre har lagret stedet mens du redigerte"),
            "endret_av": konflikt.endret_av,
            "fra_versjon": konflikt.grunnversjon,
            "versjon": naa.versjon,
            "endringer": andres,
        },
    }


@innlogget
@require_http_methods(["GET", "HEAD", "POST"])
def organisasjon_rediger(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an organisation: version-checked, so a save after someone else's is refused (409)
    with what they changed."""
    organisasjon = tilgang.organisasjon_for_redigering(bruker=request.user, organisasjon_id=pk)
    _krev_endre(request.user, organisasjon)
    lokasjoner = organisasjon.lokasjoner.select_related("kommune")
    context: dict[str, Any] = {"organisasjon": organisasjon, "lokasjoner": lokasjoner}
    if request.method != "POST":
        context["form"] = OrganisasjonForm(instance=organisasjon)
        return _side(request, "koordinator/organisasjon_rediger.html", context)
    naa_verdier = OrganisasjonForm.verdier(organisasjon)  # before the form writes onto it
    form = OrganisasjonForm(request.POST, instance=organisasjon)
    context["form"] = form
    status = 400
    if form.is_valid():
        utfall, konflikt = _lagre_versjonert(
            request,
            form,
            naa_verdier,
            lambda **kw: organisasjon_oppdater(bruker=request.user, organisasjon_id=pk, **kw),
        )
        if utfall == "lagret":
            messages.success(request, _("Organisasjonen er lagret."))
        if utfall in ("lagret", "uendret"):
            return redirect("koordinator:organisasjon-rediger", pk=pk)
        if konflikt:
            context.update(konflikt)
            status = 409
    context["organisasjon"] = Organisasjon.objects.select_related("rhf").get(pk=pk)
    return _side(request, "koordinator/organisasjon_rediger.html", context, status=status)


@innlogget
@require_http_methods(["GET", "HEAD", "POST"])
def organisasjon_ny(request: HttpRequest) -> HttpResponse:
    """Register a provider in the coordinator's region (the same service as
    POST /api/v1/organisasjoner/); then its page, where sites are added."""
    krev_koordinator(request.user)
    form = NyOrganisasjonForm(request.POST or None, rhf=tilgang.rhf_for_oppretting(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            ny = organisasjon_opprett(bruker=request.user, **form.cleaned_data)
        except ValidationError as feil:
            _legg_til_feil(form, feil)
        else:
            messages.success(request, _("Organisasjonen er registrert. Legg til steder under."))
            return redirect("koordinator:organisasjon-rediger", pk=ny.pk)
    return _side(
        request,
        "koordinator/organisasjon_ny.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@innlogget
@require_http_methods(["GET", "HEAD", "POST"])
def lokasjon_ny(request: HttpRequest, pk: int) -> HttpResponse:
    organisasjon = tilgang.organisasjon_for_redigering(bruker=request.user, organisasjon_id=pk)
    _krev_endre(request.user, organisasjon)
    form = LokasjonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lokasjon_opprett(
                bruker=request.user,
                organisasjon_id=pk,
                navn=form.cleaned_data["navn"],
                kommune=form.cleaned_data["kommune"],
                grunn=form.cleaned_data["grunn"],
            )
        except ValidationError as feil:
            _legg_til_feil(form, feil)
        else:
            messages.success(request, _("Stedet er lagt til."))
            return redirect("koordinator:organisasjon-rediger", pk=pk)
    return _side(
        request,
        "koordinator/lokasjon_rediger.html",
        {"organisasjon": organisasjon, "form": form, "ny": True},
        status=400 if request.method == "POST" else 200,
    )


@innlogget
@require_http_methods(["GET", "HEAD", "POST"])
def lokasjon_rediger(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a site, version-checked like organisations and tilbud."""
    lokasjon = tilgang.lokasjon_for_redigering(bruker=request.user, lokasjon_id=pk)
    _krev_endre(request.user, lokasjon)
    context: dict[str, Any] = {"organisasjon": lokasjon.organisasjon, "lokasjon": lokasjon}
    if request.method != "POST":
        context["form"] = LokasjonForm(instance=lokasjon)
        return _side(request, "koordinator/lokasjon_rediger.html", context)
    naa_verdier = LokasjonForm.verdier(lokasjon)
    form = LokasjonForm(request.POST, instance=lokasjon)
    context["form"] = form
    status = 400
    if form.is_valid():
        utfall, konflikt = _lagre_versjonert(
            request,
            form,
            naa_verdier,
            lambda **kw: lokasjon_oppdater(bruker=request.user, lokasjon_id=pk, **kw),
        )
        if utfall == "lagret":
            messages.success(request, _("Stedet er lagret."))
        if utfall in ("lagret", "uendret"):
            return redirect("koordinator:organisasjon-rediger", pk=lokasjon.organisasjon_id)
        if konflikt:
            context.update(konflikt)
            status = 409
    context["lokasjon"] = Lokasjon.objects.select_related("organisasjon", "kommune").get(pk=pk)
    return _side(request, "koordinator/lokasjon_rediger.html", context, status=status)


@innlogget
@require_GET
def forslag_liste(request: HttpRequest) -> HttpResponse:
    krev_koordinator(request.user)
    forslag = [
        {"forslag": f, "felt": [etikett(n) for n in f.endringer]}
        for f in selectors.ventende_forslag(request.user)
    ]
    # The AR synchronisation's flags wait in the same queue (services/adresseregister.py).
    flagg = list(selectors.apne_ar_flagg(request.user))
    return _side(
        request,
        "koordinator/forslag_liste.html",
        {"forslag": forslag, "ar_flagg": flagg, "meny": "forslag"},
    )


def _forslag_side(
    request: HttpRequest,
    forslag: Endringsforslag,
    godkjenn: GodkjennForm | None = None,
    avvis: AvvisForm | None = None,
    status: int = 200,
) -> HttpResponse:
    tilbud = Tilbud.objects.get(pk=forslag.tilbud_id)
    naa = verdier_for(tilbud)
    rader = endringsliste(
        {
            n: {"fra": naa.get(n, getattr(tilbud, n, None)), "til": v}
            for n, v in forslag.endringer.items()
        }
    )
    return _side(
        request,
        "koordinator/forslag_detalj.html",
        {
            "forslag": forslag,
            "tilbud": tilbud,
            "rader": rader,
            "utdatert": forslag.grunnversjon != tilbud.versjon,
            "godkjenn": godkjenn or GodkjennForm(initial={"versjon": tilbud.versjon}),
            "avvis": avvis or AvvisForm(),
            "venter": forslag.status == Endringsforslag.Status.VENTER,
            "kan_beslutte": tilgang.kan_endre(request.user, tilbud),
        },
        status=status,
    )


@innlogget
@require_GET
def forslag_detalj(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal: the coordinator decides on it; the tilbudsredaktør sees the outcome and the
    coordinator's comment."""
    krev_redigeringsrolle(request.user)
    return _forslag_side(request, tilgang.forslag_for_visning(bruker=request.user, forslag_id=pk))


@innlogget
@require_POST
def forslag_godkjenn_view(request: HttpRequest, pk: int) -> HttpResponse:
    krev_koordinator(request.user)
    forslag = forslag_for_beslutning(bruker=request.user, forslag_id=pk)
    form = GodkjennForm(request.POST)
    if not form.is_valid():
        return _forslag_side(request, forslag, godkjenn=form, status=400)
    try:
        redigering.forslag_godkjenn(
            bruker=request.user,
            forslag_id=pk,
            versjon=form.cleaned_data["versjon"],
            kommentar=form.cleaned_data["kommentar"],
        )
    except Samtidighetskonflikt as konflikt:
        messages.error(request, str(konflikt))
        return _forslag_side(request, forslag, status=409)
    except ValidationError as feil:
        messages.error(request, " ".join(feil.messages))
        return _forslag_side(request, forslag, status=400)
    messages.success(request, _("Forslaget er godkjent, og tilbudet er oppdatert."))
    return redirect("koordinator:forslag")


@innlogget
@require_POST
def forslag_avvis_view(request: HttpRequest, pk: int) -> HttpResponse:
    krev_koordinator(request.user)
    forslag = forslag_for_beslutning(bruker=request.user, forslag_id=pk)
    form = AvvisForm(request.POST)
    if form.is_valid():
        try:
            redigering.forslag_avvis(
                bruker=request.user, forslag_id=pk, kommentar=form.cleaned_data["kommentar"]
            )
        except ValidationError as feil:
            _legg_til_feil(form, feil)
        else:
            messages.success(request, _("Forslaget er avvist. Tilbudsredaktøren ser kommentaren."))
            return redirect("koordinator:forslag")
    return _forslag_side(request, forslag, avvis=form, status=400)


@innlogget
@require_GET
def feilmelding_liste(request: HttpRequest) -> HttpResponse:
    """Open reports in the region, oldest first; `?tilbud=<id>` narrows to one tilbud (the link
    from its edit page). A tilbud out of scope is 404, as everywhere in the area."""
    krev_koordinator(request.user)
    tilbud = None
    if "tilbud" in request.GET:
        verdi = request.GET["tilbud"]
        if not verdi.isdigit():
            return _side(
                request,
                "koordinator/feilmelding_liste.html",
                {"feilmeldinger": [], "meny": "feil", "feil": _("Ugyldig tilbud i adressen.")},
                status=400,
            )
        # The same scope as the reports themselves (kan_lose_feilmelding): 404 outside it.
        tilbud = tilgang.tilbud_for_redigering(bruker=request.user, tilbud_id=int(verdi))
        if not tilgang.kan_endre(request.user, tilbud):
            raise Http404("Finnes ikke.")
    return _side(
        request,
        "koordinator/feilmelding_liste.html",
        {
            "feilmeldinger": selectors.apne_feilmeldinger(request.user, tilbud=tilbud),
            "tilbud": tilbud,
            "meny": "feil",
        },
    )


@innlogget
@require_http_methods(["GET", "HEAD", "POST"])
def feilmelding_detalj(request: HttpRequest, pk: int) -> HttpResponse:
    krev_koordinator(request.user)
    feilmelding = feilmelding_for_losning(bruker=request.user, feilmelding_id=pk)
    form = LosFeilmeldingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feilmelding_los(
                bruker=request.user, feilmelding_id=pk, notat=form.cleaned_data["notat"]
            )
        except ValidationError as feil:
            if hasattr(feil, "error_dict"):
                for liste in feil.error_dict.values():
                    form.add_error("notat", liste)
            else:
                form.add_error(None, feil)
        else:
            messages.success(request, _("Feilmeldingen er løst."))
            return redirect("koordinator:feilmeldinger")
    return _side(
        request,
        "koordinator/feilmelding_detalj.html",
        {"feilmelding": feilmelding, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@innlogget
@require_GET
def ventetider_utdatert(request: HttpRequest) -> HttpResponse:
    """The update duty: the waiting times in the user's scope older than 31 days, each with
    «Uendret» (one click: confirmed today) and a field for a new value. The weekly digest
    links here."""
    krev_redigeringsrolle(request.user)
    rader = [
        {"v": v, "vist": ventetid_visning(ventetidrad(v))}
        for v in selectors.utdaterte_ventetider(request.user)
    ]
    return _side(request, "koordinator/ventetider.html", {"rader": rader, "meny": "ventetider"})


@innlogget
@require_POST
def ventetid_oppdater(request: HttpRequest, pk: int) -> HttpResponse:
    """«Uendret» or a new value for one of the tilbud's waiting times: its coordinator and its
    provider's tilbudsredaktør alike, directly (no proposal)."""
    tilbud = tilgang.tilbud_for_redigering(bruker=request.user, tilbud_id=pk)
    form = VentetidForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            tjenester_ventetid.ventetid_oppdater(
                bruker=request.user,
                tilbud_id=tilbud.pk,
                type=d["type"],
                uker_min=d["uker_min"],
                uker_maks=d["uker_maks"],
                uendret=d["uendret"],
            )
        except ValidationError as feil:
            for felt, meldinger in feil.message_dict.items():
                form.add_error(felt if felt in form.fields else None, meldinger)
        else:
            messages.success(
                request,
                _("Ventetiden for %(navn)s er bekreftet i dag.") % {"navn": tilbud.navn}
                if d["uendret"]
                else _("Ny ventetid for %(navn)s er lagret.") % {"navn": tilbud.navn},
            )
            return redirect("koordinator:ventetider")
    rader = [
        {"v": v, "vist": ventetid_visning(ventetidrad(v))}
        for v in selectors.utdaterte_ventetider(request.user)
    ]
    return _side(
        request,
        "koordinator/ventetider.html",
        {"rader": rader, "feil": form.errors, "feil_tilbud": tilbud, "meny": "ventetider"},
        status=400,
    )
