"""Getting in, and knowing who you are: where each role lands after logging in (/start/), the
chooser for people with several roles, the analyst's API page (/konto/api/), the login view
that sends everybody through /start/, and the header's name and roles.

Nothing here remembers a choice: the chooser is a list of links, and every page checks its own
access as before. A `next` address wins only when it is on this site and the user may open it
(`kan_se`): otherwise the user lands on their own start page, never on a 403.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from helsearbeid.tokens.models import ApiToken
from helsearbeid.tokens.services import token_opprett, token_trekk_tilbake
from helsearbeid.typer import MuligBruker
from tilbud.models import Rolle
from tilbud.rules import _roller

# Short labels for the header («Kari Nordmann · Koordinator, Helse Nord»); the model's choices
# are long explanations meant for the admin.
ROLLENAVN = {
    Rolle.Type.HENVISER: gettext_lazy("Henviser"),
    Rolle.Type.MOTTAKER: gettext_lazy("Mottak av henvisninger"),
    Rolle.Type.KOORDINATOR: gettext_lazy("Koordinator"),
    Rolle.Type.TILBUDSREDAKTOR: gettext_lazy("Tilbudsredaktør"),
    Rolle.Type.ANALYTIKER: gettext_lazy("Analytiker"),
    Rolle.Type.ADMINISTRATOR: gettext_lazy("Administrator"),
}


def roller_for(bruker: MuligBruker) -> list[Rolle]:
    """The user's roles, once per request: shared with tilbud.rules' cache on the user object,
    so a page that already checked access pays no query for the header."""
    return _roller(bruker)


def rolletyper(bruker: MuligBruker) -> set[str]:
    typer = {r.type for r in roller_for(bruker)}
    if getattr(bruker, "is_superuser", False):
        typer.add(Rolle.Type.ADMINISTRATOR)
    return typer


def rolle_etiketter(bruker: MuligBruker) -> list[str]:
    """«Fastlege», «Koordinator», … in a fixed order, for the header."""
    typer = rolletyper(bruker)
    etiketter = []
    for type_, navn in ROLLENAVN.items():
        if type_ not in typer:
            continue
        if type_ == Rolle.Type.HENVISER:
            rolle = next((r for r in roller_for(bruker) if r.type == type_), None)
            if rolle and rolle.henvisertype:
                etiketter.append(str(rolle.get_henvisertype_display()))
                continue
        etiketter.append(str(navn))
    return etiketter


@dataclass(frozen=True)
class Startvalg:
    """One place a role starts from: the chooser shows these as links, the header as its menu."""

    nokkel: str
    tittel: str
    beskrivelse: str
    url: str


def startvalg(bruker: MuligBruker) -> list[Startvalg]:
    """The start pages of the user's roles, in a fixed order, without duplicates (a coordinator
    who is also a tilbudsredaktør has one «Mine tilbud»)."""
    typer = rolletyper(bruker)
    valg: list[Startvalg] = []
    if Rolle.Type.HENVISER in typer:
        valg.append(
            Startvalg(
                "henviser",
                _("Finn tilbud og henvis"),
                _("Søket etter tilbud, med «Mine henvisninger» i menyen."),
                reverse("sok"),
            )
        )
    if Rolle.Type.MOTTAKER in typer:
        valg.append(
            Startvalg(
                "mottaker",
                _("Innboks for henvisninger"),
                _("Henvisninger til enheten din, de som har passert fristen først."),
                reverse("henvisning:innboks"),
            )
        )
    if typer & {Rolle.Type.KOORDINATOR, Rolle.Type.TILBUDSREDAKTOR, Rolle.Type.ADMINISTRATOR}:
        valg.append(
            Startvalg(
                "redigering",
                _("Mine tilbud"),
                _("Tilbudene du holder oppdatert, med feilmeldinger og forslag."),
                reverse("koordinator:mine-tilbud"),
            )
        )
    if Rolle.Type.ANALYTIKER in typer:
        valg.append(
            Startvalg(
                "analytiker",
                _("API-nøkler og tall"),
                _("Dine API-tokener, hvordan du får en API-nøkkel, og API-dokumentasjonen."),
                reverse("start-api"),
            )
        )
    if Rolle.Type.ADMINISTRATOR in typer:
        valg.append(
            Startvalg(
                "rapporter",
                _("Rapporter"),
                _("Tilbud og henvisninger per region."),
                reverse("rapporter:oversikt"),
            )
        )
    if getattr(bruker, "is_staff", False):
        # Django's admin lets staff in only; for others the link would be a dead end.
        valg.append(
            Startvalg(
                "admin",
                _("Administrasjon"),
                _("Brukere, roller, API-nøkler og innloggingssperrer."),
                reverse("admin:index"),
            )
        )
    return valg


def _har(bruker: MuligBruker, *typer: str) -> bool:
    return bool(rolletyper(bruker) & set(typer))


def _kan_redigere(bruker: MuligBruker) -> bool:
    from tilbud.tilgang import har_redigeringsrolle

    return har_redigeringsrolle(bruker)


def _er_koordinator(bruker: MuligBruker) -> bool:
    from tilbud.tilgang import er_koordinator_eller_admin

    return er_koordinator_eller_admin(bruker)


def _ser_antall(bruker: MuligBruker) -> bool:
    from henvisning.tilgang import ser_antall

    return ser_antall(bruker)


# Pages that refuse (403) a logged-in user without the right role, by URL name; the checks are
# the views' own. Everything else is public, or answers 404 for an object out of reach (which
# the user then sees with the way back). Pages that are only a POST are never a landing place.
_SIDEKRAV = {
    "koordinator:mine-tilbud": _kan_redigere,
    "koordinator:tilbud-rediger": _kan_redigere,
    "koordinator:forslag-detalj": _kan_redigere,
    "henvisning:forfalte-per-enhet": _ser_antall,
}
# The rest of the coordinator area is for coordinators (and administrators).
_NAVNEROM_KRAV = {"koordinator": _er_koordinator}


def kan_se(bruker: MuligBruker, sti: str) -> bool:
    """Whether `bruker` may open the page at `sti` (a local path) with a GET."""
    try:
        treff = resolve(urlsplit(sti).path)
    except Resolver404:
        return False
    if treff.url_name in {"login", "logout", "start"}:
        return False
    if treff.namespace == "admin" or treff.route.startswith("admin/"):
        return bool(getattr(bruker, "is_staff", False) and bruker.is_active)
    krav = _SIDEKRAV.get(treff.view_name) or _NAVNEROM_KRAV.get(treff.namespace)
    return krav(bruker) if krav else True


def trygg_neste(request: HttpRequest, neste: str | None) -> str | None:
    """`neste` when it is an address on this site that the user may open, else None."""
    if not neste or not url_has_allowed_host_and_scheme(
        neste, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return neste if kan_se(request.user, neste) else None


# ------------------------------------------------------------------------------------ views


class Innlogging(auth_views.LoginView):
    """Django's login: to `next` when the user may see it, otherwise through /start/."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # «Ny her?»: how each role gets a login.
        return {**super().get_context_data(**kwargs), "kontakt": KONTAKT}

    def get_success_url(self) -> str:
        neste = self.request.POST.get("next") or self.request.GET.get("next")
        if trygg := trygg_neste(self.request, neste):
            return trygg
        # /start/ says why `next` was not followed, and picks the role's page.
        url = reverse("start")
        return f"{url}?{urlencode({'next': neste})}" if neste else url


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where a person lands after logging in: `next` if safe and allowed, the start page of the
    only role, or a choice between the roles' start pages."""
    neste = request.GET.get("next")
    if trygg := trygg_neste(request, neste):
        return HttpResponseRedirect(trygg)
    if neste:
        messages.info(
            request,
            _(
                "Siden du var på vei til, er ikke tilgjengelig med rollen din. Her er "
                "startsiden din i stedet."
            ),
        )
    valg = startvalg(request.user)
    if len(valg) == 1:
        return redirect(valg[0].url)
    return render(
        request,
        "start/velg.html",
        {"valg": valg, "roller": rolle_etiketter(request.user), "kontakt": KONTAKT},
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_side(request: HttpRequest) -> HttpResponse:
    """The analyst's start page: their own API tokens (made and revoked here with the same
    services as /api/v1/token/; a new one is shown once), how to get an API key for the
    summaries, and the API documentation."""
    bruker = request.user
    assert isinstance(bruker, User)  # login_required
    ny_klartekst = ""
    feil = ""
    if request.method == "POST":
        if prefiks := request.POST.get("trekk_tilbake"):
            token = ApiToken.objects.filter(
                bruker=bruker, prefiks=prefiks, trukket_tilbake__isnull=True
            ).first()
            if token is None:
                feil = _("Fant ikke tokenet; det kan alt være trukket tilbake.")
            else:
                token_trekk_tilbake(token=token, grunn=ApiToken.Grunn.UTLOGGET)
                messages.success(
                    request, _("Tokenet %(prefiks)s… er trukket tilbake.") % {"prefiks": prefiks}
                )
                return redirect("start-api")
        else:
            navn = (request.POST.get("navn") or "").strip()
            if len(navn) > 100:
                feil = _("Navnet kan ha høyst 100 tegn.")
            else:
                _token, ny_klartekst = token_opprett(bruker=bruker, navn=navn)
    tokener = ApiToken.objects.filter(
        bruker=bruker, trukket_tilbake__isnull=True, gyldig_til__gt=timezone.now()
    ).order_by("-opprettet", "id")
    svar = render(
        request,
        "start/api.html",
        {
            "tokener": tokener,
            "ny_klartekst": ny_klartekst,
            "feil": feil,
            "timer": settings.API_TOKEN_TIMER,
            "kontakt": KONTAKT,
            "er_analytiker": _har(request.user, Rolle.Type.ANALYTIKER),
        },
        status=400 if feil else 200,
    )
    svar["Cache-Control"] = "no-store"
    return svar


# Who gives which login (see ../shared/DOMAIN.md: the RHF run the scheme and its coordinators
# keep the catalogue; the portal's administrator gives roles and API keys). Used by the login
# page, the chooser and the error pages.
KONTAKT = {
    "henviser": gettext_lazy(
        "Fastleger og andre henvisere logger inn med HelseID når det er slått på. Tilgang til å "
        "henvise gis av portalens administrator; be om den fra kontoret ditt."
    ),
    "mottaker": gettext_lazy(
        "Mottak av henvisninger (en klinikk, et DPS, en privat leverandør eller RKE/RVE): "
        "koordinatoren for Helse og arbeid i ditt regionale helseforetak (RHF) ber "
        "administratoren gi enheten din tilgang."
    ),
    "koordinator": gettext_lazy(
        "RHF-koordinatorer og tilbudsredaktører: koordinatoren for Helse og arbeid i ditt RHF "
        "(Helse Sør-Øst, Helse Vest, Helse Midt-Norge eller Helse Nord) gir tilbudsredaktører "
        "tilgang; nye koordinatorer meldes av RHF-et til portalens administrator."
    ),
    "analytiker": gettext_lazy(
        "Analytikere: be portalens administrator om en analytikerrolle og en API-nøkkel. "
        "Henvisningstall vises bare som antall, aldri personer."
    ),
}


def inngang(request: HttpRequest) -> dict[str, Any]:
    """Template context for the header. Callables, so that a page that does not show the header
    (or an anonymous visitor) computes nothing and queries nothing."""

    def logg_inn_url() -> str:
        url = reverse("login")
        # Back to the page after logging in, except from the front page and the login page.
        if request.path in ("/", url) or request.method != "GET":
            return url
        return f"{url}?{urlencode({'next': request.get_full_path()})}"

    return {
        "inngang_roller": lambda: rolle_etiketter(request.user),
        "inngang_valg": lambda: startvalg(request.user),
        "inngang_har_henviser": lambda: Rolle.Type.HENVISER in rolletyper(request.user),
        "inngang_mine_url": lambda: reverse("henvisning:mine"),
        "inngang_logg_inn_url": logg_inn_url,
    }
