"""Getting in, and knowing who you are (issue 13): the header's «Logg inn» / name, roles and
«Logg ut»; the login page's advice to newcomers; each role's landing page after a real login
(never a 403); `next`; the 403/404/500 pages (JSON under /api/, also with DEBUG on); the demo
users and referrals of `make run` and the deploy check against them; and `make run` without
spurious warnings."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.utils import timezone

from helsearbeid import feil
from helsearbeid.driftsfeil import serverfeil
from helsearbeid.tokens.models import ApiToken
from henvisning.demodata import DEMO_HPR, DEMO_SJEKK_ID, demobrukernavn, sjekk_demobrukere
from henvisning.models import Henvisning
from tests.factories import BrukerFactory, bruker_med_rolle
from tilbud.models import Organisasjon, Rolle, Tilbud

pytestmark = pytest.mark.django_db

PASSORD = "hemmelig-passord-123"  # BrukerFactory's
ROT = Path(__file__).resolve().parents[1]


def _hf() -> str:
    return Organisasjon.objects.filter(type="hf").order_by("pk").first().navn


def _logg_inn(brukernavn: str, passord: str = PASSORD, neste: str = "") -> tuple[Client, object]:
    """Logs in through the real login form and follows every redirect."""
    klient = Client()
    data = {"username": brukernavn, "password": passord}
    if neste:
        data["next"] = neste
    svar = klient.post("/konto/login/", data, follow=True)
    return klient, svar


def _med_roller(*roller: tuple[str, dict]) -> object:
    bruker = BrukerFactory()
    for type_, omfang in roller:
        Rolle.objects.create(bruker=bruker, type=type_, **omfang)
    return bruker


# --------------------------------------------------------------------------------- header


def test_every_page_offers_logg_inn_to_an_anonymous_visitor_and_returns_to_the_page() -> None:
    tilbud = Tilbud.objects.aktive().first()
    forside = Client().get("/").content.decode()
    assert re.search(r'<a class="konto-inn" href="/konto/login/">Logg inn</a>', forside)
    side = Client().get(f"/tilbud/{tilbud.pk}/").content.decode()
    assert f'href="/konto/login/?next=%2Ftilbud%2F{tilbud.pk}%2F">Logg inn</a>' in side
    assert "Logg ut" not in side
    # The report page and the error pages have the same header.
    assert "konto-inn" in Client().get("/rapporter/").content.decode()
    assert "konto-inn" in Client().get("/finnes-ikke/").content.decode()


def test_a_logged_in_user_sees_name_roles_and_a_logg_ut_button_that_posts_with_csrf() -> None:
    bruker = _med_roller(
        ("henviser", {"henvisertype": "fastlege"}),
        ("mottaker", {"organisasjon": Organisasjon.objects.get(navn=_hf())}),
    )
    klient = Client(enforce_csrf_checks=True)
    klient.force_login(bruker)
    html = klient.get("/").content.decode()
    topp = html[html.index('<header class="topp">') : html.index("</header>")]
    assert bruker.get_full_name() in topp
    assert "Fastlege, Mottak av henvisninger" in topp
    assert '<a href="/henvisninger/">Mine henvisninger</a>' in topp
    assert '<a href="/henvisninger/innboks/">Innboks for henvisninger</a>' in topp
    skjema = re.search(r'<form method="post" action="/konto/logout/".*?</form>', topp, re.S)
    assert skjema and 'name="csrfmiddlewaretoken"' in skjema.group(0)
    assert "Logg ut</button>" in skjema.group(0)
    assert "konto-inn" not in topp
    # Without the token the logout is refused; with it the user is logged out.
    assert klient.post("/konto/logout/").status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', skjema.group(0)).group(1)
    svar = klient.post("/konto/logout/", {"csrfmiddlewaretoken": token})
    assert svar.status_code == 302
    assert "konto-inn" in klient.get("/").content.decode()


def test_the_login_page_tells_a_newcomer_how_each_role_gets_a_login() -> None:
    html = Client().get("/konto/login/").content.decode()
    for rolle in (
        "Fastlege eller annen henviser",
        "Enhet som tar imot henvisninger",
        "RHF-koordinator eller tilbudsredaktør",
        "Analytiker",
    ):
        assert f"<dt>{rolle}</dt>" in html
    assert "koordinatoren for Helse og arbeid i ditt regionale helseforetak" in html
    assert "portalens administrator" in html


# --------------------------------------------------------------------------------- landing

ORG = object()  # placeholder: the test's HF


@pytest.mark.parametrize(
    ("roller", "lander", "kjennetegn"),
    [
        ([("henviser", {"henvisertype": "fastlege"})], "/", "Mine henvisninger"),
        ([("mottaker", {"organisasjon": ORG})], "/henvisninger/innboks/", "Innboks"),
        ([("koordinator", {"rhf": "HN"})], "/koordinator/", "Mine tilbud"),
        ([("tilbudsredaktor", {"organisasjon": ORG})], "/koordinator/", "Mine tilbud"),
        ([("analytiker", {})], "/konto/api/", "API-dokumentasjonen"),
        ([("administrator", {})], "/start/", "Hva vil du gjøre?"),
        ([], "/start/", "Du har ingen rolle i portalen ennå"),
        (
            [("koordinator", {"rhf": "HN"}), ("tilbudsredaktor", {"organisasjon": ORG})],
            "/koordinator/",
            "Mine tilbud",
        ),
        (
            [("henviser", {"henvisertype": "fastlege"}), ("mottaker", {"organisasjon": ORG})],
            "/start/",
            "Du har flere roller",
        ),
    ],
    ids=[
        "henviser",
        "mottaker",
        "koordinator",
        "redaktor",
        "analytiker",
        "administrator",
        "ingen-rolle",
        "koordinator+redaktor",
        "henviser+mottaker",
    ],
)
def test_each_role_lands_on_its_own_start_page_after_a_real_login(
    roller, lander, kjennetegn
) -> None:
    hf = Organisasjon.objects.get(navn=_hf())
    bruker = _med_roller(
        *(
            (
                t,
                {
                    k: (hf if v is ORG else Organisasjon.objects.get(kode=v) if k == "rhf" else v)
                    for k, v in o.items()
                },
            )
            for t, o in roller
        )
    )
    klient, svar = _logg_inn(bruker.username)
    assert svar.status_code == 200
    assert svar.request["PATH_INFO"] == lander
    assert kjennetegn in svar.content.decode()
    # Every choice on a chooser opens (nobody ever lands on a 403).
    if lander == "/start/":
        for url in re.findall(r'class="startvalg-lenke" href="([^"]+)"', svar.content.decode()):
            assert klient.get(url, follow=True).status_code == 200, url


def test_the_chooser_offers_every_start_page_of_a_user_with_several_roles() -> None:
    bruker = _med_roller(
        ("henviser", {"henvisertype": "fastlege"}),
        ("mottaker", {"organisasjon": Organisasjon.objects.get(navn=_hf())}),
        ("analytiker", {}),
    )
    _klient, svar = _logg_inn(bruker.username)
    lenker = re.findall(r'class="startvalg-lenke" href="([^"]+)"', svar.content.decode())
    assert lenker == ["/", "/henvisninger/innboks/", "/konto/api/"]


def test_a_superuser_without_roles_is_an_administrator_with_the_admin_on_the_chooser() -> None:
    get_user_model().objects.create_superuser("sjef", "sjef@example.no", PASSORD)
    klient, svar = _logg_inn("sjef")
    lenker = re.findall(r'class="startvalg-lenke" href="([^"]+)"', svar.content.decode())
    assert lenker == ["/koordinator/", "/rapporter/", "/admin/"]
    assert "Du er logget inn med rollen Administrator." in svar.content.decode()
    for url in lenker:
        assert klient.get(url).status_code == 200, url


def test_next_wins_when_it_is_local_and_the_user_may_see_it() -> None:
    koordinator = bruker_med_rolle("koordinator", rhf="HN")
    _k, svar = _logg_inn(koordinator.username, neste="/koordinator/feilmeldinger/")
    assert svar.request["PATH_INFO"] == "/koordinator/feilmeldinger/"
    assert svar.status_code == 200


@pytest.mark.parametrize(
    "neste",
    ["/koordinator/feilmeldinger/", "/koordinator/", "https://angriper.example/", "//x.example/"],
)
def test_next_the_user_may_not_see_gives_the_start_page_instead_of_a_403(neste) -> None:
    fastlege = bruker_med_rolle("henviser", henvisertype="fastlege")
    _k, svar = _logg_inn(fastlege.username, neste=neste)
    assert svar.status_code == 200
    assert svar.request["PATH_INFO"] == "/"
    if neste.startswith("/koordinator"):
        assert "ikke tilgjengelig med rollen din" in svar.content.decode()


def test_a_tilbudsredaktor_is_not_sent_to_a_coordinator_only_page() -> None:
    redaktor = _med_roller(
        ("tilbudsredaktor", {"organisasjon": Organisasjon.objects.get(navn=_hf())})
    )
    _k, svar = _logg_inn(redaktor.username, neste="/koordinator/forslag/")
    assert svar.request["PATH_INFO"] == "/koordinator/"
    assert svar.status_code == 200


def test_an_already_logged_in_user_opening_the_login_page_goes_to_the_start_page() -> None:
    klient, _svar = _logg_inn(bruker_med_rolle("analytiker").username)
    svar = klient.get("/konto/login/", follow=True)
    assert svar.request["PATH_INFO"] == "/konto/api/"


# ----------------------------------------------------------------------------- API page


def test_the_analyst_page_makes_shows_once_and_revokes_an_api_token() -> None:
    analytiker = bruker_med_rolle("analytiker")
    klient = Client()
    klient.force_login(analytiker)
    side = klient.get("/konto/api/")
    assert side["Cache-Control"].startswith("no-store") or "no-store" in side["Cache-Control"]
    assert 'href="/api/docs/"' in side.content.decode()
    assert "Du har ingen gyldige tokener." in side.content.decode()
    ny = klient.post("/konto/api/", {"navn": "R-skript"})
    assert ny.status_code == 200 and "no-store" in ny["Cache-Control"]
    klartekst = re.search(r'<code class="hemmelighet">([^<]+)</code>', ny.content.decode())
    token = ApiToken.objects.get(bruker=analytiker)
    assert klartekst.group(1).startswith(token.prefiks + ".")
    # The token works against the API, and is never shown again.
    assert (
        Client().get("/api/v1/token/", HTTP_AUTHORIZATION=f"Token {klartekst.group(1)}").status_code
        == 200
    )
    igjen = klient.get("/konto/api/").content.decode()
    assert klartekst.group(1) not in igjen and f"{token.prefiks}…" in igjen
    assert klient.post("/konto/api/", {"trekk_tilbake": token.prefiks}).status_code == 302
    token.refresh_from_db()
    assert token.trukket_tilbake is not None
    assert "Du har ingen gyldige tokener." in klient.get("/konto/api/").content.decode()


def test_the_analyst_page_refuses_a_too_long_name_with_a_message_and_someone_elses_token() -> None:
    analytiker = bruker_med_rolle("analytiker")
    annen = bruker_med_rolle("analytiker")
    from helsearbeid.tokens.services import token_opprett

    andres, _ = token_opprett(bruker=annen)
    klient = Client()
    klient.force_login(analytiker)
    svar = klient.post("/konto/api/", {"navn": "x" * 101})
    assert svar.status_code == 400
    assert "Navnet kan ha høyst 100 tegn." in svar.content.decode()
    assert not ApiToken.objects.filter(bruker=analytiker).exists()
    svar = klient.post("/konto/api/", {"trekk_tilbake": andres.prefiks})
    assert svar.status_code == 400
    andres.refresh_from_db()
    assert andres.trukket_tilbake is None


# --------------------------------------------------------------------------------- errors


def test_403_is_a_norwegian_page_with_the_ways_on_also_with_debug() -> None:
    fastlege = bruker_med_rolle("henviser", henvisertype="fastlege")
    klient = Client()
    klient.force_login(fastlege)
    for debug in (False, True):
        with override_settings(DEBUG=debug):
            svar = klient.get("/koordinator/feilmeldinger/")
        html = svar.content.decode()
        assert svar.status_code == 403
        assert "Du har ikke tilgang til denne siden" in html
        assert "Rollene dine: Fastlege." in html
        assert 'href="/start/">Gå til startsiden din' in html
        assert "Logg ut og logg inn med en annen bruker" in html
        assert '<link rel="stylesheet"' in html


def test_403_under_api_is_json() -> None:
    svar = feil.ingen_tilgang(RequestFactory().get("/api/v1/noe/"), Exception())
    assert svar.status_code == 403 and svar["Content-Type"] == "application/json"


def test_404_is_a_norwegian_page_that_offers_the_search_and_login() -> None:
    svar = Client().get("/finnes/ikke/")
    html = svar.content.decode()
    assert svar.status_code == 404
    assert "Fant ikke siden" in html and 'href="/">Søk etter tilbud</a>' in html
    assert 'href="/konto/login/?next=%2Ffinnes%2Fikke%2F">Logg inn</a>' in html


@pytest.mark.parametrize("debug", [False, True], ids=["uten-debug", "med-debug"])
def test_404_under_api_is_json_also_with_debug(debug) -> None:
    with override_settings(DEBUG=debug):
        svar = Client().get("/api/v1/finnes-ikke/")
    assert svar.status_code == 404
    assert svar["Content-Type"] == "application/json"
    assert svar.json() == {"detail": "Ikke funnet."}


def _boom(request):
    raise RuntimeError("test: noe gikk galt")


urlpatterns = [
    path("boom/", _boom),
    path("api/v1/boom/", _boom),
    *__import__("helsearbeid.urls", fromlist=["urlpatterns"]).urlpatterns,
]
handler500 = "helsearbeid.driftsfeil.serverfeil"


@pytest.mark.parametrize("debug", [False, True], ids=["uten-debug", "med-debug"])
@override_settings(ROOT_URLCONF=__name__)
def test_500_is_a_page_without_debug_and_json_under_api_also_with_debug(debug) -> None:
    klient = Client(raise_request_exception=False)
    with override_settings(DEBUG=debug):
        api = klient.get("/api/v1/boom/")
        side = klient.get("/boom/")
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert "Det oppsto en feil hos oss" in api.json()["detail"]
    assert side.status_code == 500
    if not debug:
        assert "Noe gikk galt hos oss" in side.content.decode()


def test_the_500_page_needs_no_database(django_assert_num_queries) -> None:
    foresporsel = RequestFactory().get("/noe/")
    with django_assert_num_queries(0):
        svar = serverfeil(foresporsel)
    html = svar.content.decode()
    assert svar.status_code == 500
    assert "Noe gikk galt hos oss" in html and 'href="/">Gå til søket etter tilbud</a>' in html
    assert "Logg ut" not in html


def test_the_browsable_api_keeps_its_own_html_error_pages() -> None:
    # DRF's answers under /api/ are its own (JSON, or its browsable HTML for a browser).
    svar = Client().get("/api/v1/tilbud/999999/", HTTP_ACCEPT="text/html")
    assert svar.status_code == 404
    assert svar["Content-Type"].startswith("text/html")


# ------------------------------------------------------------------------------ demo data


def _demo(settings) -> str:
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ut = StringIO()
    call_command("lag_demodata", stdout=ut)
    return ut.getvalue()


def test_lag_demodata_makes_every_role_and_referrals_in_every_state(settings) -> None:
    utskrift = _demo(settings)
    assert "+ bruker koordinator-nord" in utskrift and "Demodata klar" in utskrift
    brukere = {
        b.username: b for b in get_user_model().objects.filter(username__in=demobrukernavn())
    }
    assert sorted(brukere) == sorted(demobrukernavn())
    assert len(demobrukernavn()) == 15
    for navn, bruker in brukere.items():
        assert bruker.check_password("demo"), navn
    roller = {r.bruker.username: r for r in Rolle.objects.select_related("bruker", "rhf")}
    assert roller["koordinator-nord"].rhf.kode == "HN"
    assert roller["koordinator-sor-ost"].rhf.kode == "HSO"
    assert roller["fastlege"].henvisertype == "fastlege"
    assert brukere["admin"].is_staff
    statuser = set(Henvisning.objects.values_list("status", flat=True))
    assert {"utkast", "sendt", "mottatt", "vurdert", "avvist", "startet"} <= statuser
    # Each region's receiving unit has referrals in its inbox; two are overdue.
    for r in ("sor-ost", "vest", "midt", "nord"):
        mottak = roller[f"mottaker-{r}"].organisasjon
        assert Henvisning.objects.filter(mottaker=mottak).exclude(status="utkast").exists(), r


def test_lag_demodata_is_idempotent(settings) -> None:
    _demo(settings)
    antall = (get_user_model().objects.count(), Henvisning.objects.count(), Rolle.objects.count())
    utskrift = _demo(settings)
    assert "0 nye brukere, 0 nye henvisninger" in utskrift
    assert antall == (
        get_user_model().objects.count(),
        Henvisning.objects.count(),
        Rolle.objects.count(),
    )


def test_lag_demodata_refuses_without_debug(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="bare i utvikling"):
        call_command("lag_demodata", stdout=StringIO())
    assert not get_user_model().objects.filter(username="fastlege").exists()


def test_every_demo_user_logs_in_with_demo_and_lands_on_a_page_that_opens(settings) -> None:
    _demo(settings)
    for navn in demobrukernavn():
        _klient, svar = _logg_inn(navn, "demo")
        assert svar.status_code == 200, navn
        # Exactly one «Logg ut»: the header's (the coordinator area once had its own as well).
        assert svar.content.decode().count("Logg ut</button>") == 1, navn


def test_the_demo_inbox_shows_the_overdue_referral_first(settings) -> None:
    _demo(settings)
    _klient, svar = _logg_inn("mottaker-nord", "demo")
    html = svar.content.decode()
    assert svar.request["PATH_INFO"] == "/henvisninger/innboks/"
    forfalt = Henvisning.objects.get(
        mottaker__navn="Finnmarkssykehuset",
        status="sendt",
        vurderingsfrist__lt=timezone.localdate(),
    )
    forfalte = html[html.index('id="forfalte"') : html.index('id="alle"')]
    assert f"Nr. {forfalt.pk}" in forfalte
    # Who referred: the demo GP's (made-up) HPR-nummer is on the inbox.
    assert DEMO_HPR in forfalte


def test_check_deploy_fails_while_a_demo_user_exists(settings) -> None:
    assert sjekk_demobrukere() == []
    # A real user called admin with a real password is no demo user.
    get_user_model().objects.create_user("admin", "drift@example.no", "et-ekte-passord-42")
    assert sjekk_demobrukere() == []
    _demo(settings)
    funn = sjekk_demobrukere()
    assert [f.id for f in funn] == [DEMO_SJEKK_ID]
    assert "fastlege" in funn[0].msg and "koordinator-nord" in funn[0].msg
    # The real "admin" made before was kept (get_or_create): not listed, as its password isn't demo.
    assert "admin," not in funn[0].msg and not funn[0].msg.endswith("admin.")
    with pytest.raises(SystemCheckError, match=DEMO_SJEKK_ID):
        call_command("check", deploy=True, stdout=StringIO(), stderr=StringIO())
    # Deactivated demo users cannot log in: no longer refused (referrals point to them, so
    # they cannot simply be deleted).
    get_user_model().objects.filter(email__endswith="@demo.invalid").update(is_active=False)
    assert sjekk_demobrukere() == []


# ------------------------------------------------------------------------------ make run


def test_make_run_steps_print_no_spurious_warnings_or_repeated_start_up_lines(tmp_path) -> None:
    """The steps of `make run` against a fresh SQLite file, each in its own process as make runs
    them (migrate, import, demo data, then the server's start-up through `runserver` with its
    autoreloader, stopped after the first page)."""
    miljo = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL"}
    }
    miljo |= {
        "DJANGO_SETTINGS_MODULE": "helsearbeid.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_RUNSERVER_HIDE_WARNING": "true",
        "PYTHONUNBUFFERED": "1",
    }
    utskrift = []
    for steg in (["migrate", "--noinput"], ["importer_katalog"], ["lag_demodata"]):
        kjoring = subprocess.run(  # noqa: S603 - this interpreter and manage.py
            [sys.executable, "manage.py", *steg],
            cwd=ROT,
            env=miljo,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert kjoring.returncode == 0, kjoring.stderr
        utskrift.append(kjoring.stdout + kjoring.stderr)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "127.0.0.1:0"],
        cwd=ROT,
        env=miljo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        linjer = []
        for linje in server.stdout:
            linjer.append(linje)
            if "Quit the server" in linje:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    utskrift.append("".join(linjer))
    alt = "\n".join(utskrift)
    assert "No hostname was supplied" not in alt
    assert "WARNING" not in alt.upper().replace("WARNINGS", "")
    assert "System check identified some issues" not in alt
    assert "AXES: BEGIN" not in alt
    # Every start-up line of the server once, though the autoreloader loads Django twice.
    oppstart = [linje for linje in linjer if linje.strip()]
    assert len(oppstart) == len(set(oppstart)), oppstart
    assert "Demodata klar" in utskrift[2]


def test_make_run_makes_the_demo_data_and_its_banner_lists_every_login() -> None:
    """The Makefile's `run` target runs the steps the test above runs, with the same
    environment, and its banner names every demo login once."""
    make = (ROT / "Makefile").read_text(encoding="utf-8")
    run = make[make.index("\nrun: ") : make.index("\nimport: ")]
    steg = re.findall(r"manage\.py (\w+)", run)
    assert steg == ["migrate", "importer_katalog", "lag_demodata", "runserver"], steg
    assert "run: export DJANGO_RUNSERVER_HIDE_WARNING := true" in run
    banner = re.search(r"^DEMOBRUKERE := (.*)$", make, re.M).group(1)
    for stamme in ("fastlege", "koordinator-", "mottaker-", "redaktor-", "analytiker", "admin"):
        assert stamme in banner
    for region in ("sor-ost", "vest", "midt", "nord"):
        assert region in banner
    assert "passord «demo»" in run
