"""Bokmål, nynorsk and English on the public GP pages.

The catalogues (locale/{nn,en}) are complete, not fuzzy, and their committed .mo files are what
msgfmt makes of the .po files. Every public page (the search with results, an empty answer and
errors, the tilbud page anonymous and for a GP, «Meld feil» with errors and after sending, the
e-mail confirmation page, 403, 404 and 500) is rendered in bokmål and in each other language,
and every visible text and attribute text (aria-label, placeholder, title, alt, button values,
the strings handed to the page's JavaScript) that comes out the same in both is refused unless
it is data (names, codes, numbers and the catalogue's own texts, which stay as registered) or a
word the translation itself uses.
"""

import gettext
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import models
from django.test import Client, override_settings
from django.urls import path

from tests.factories import bruker_med_rolle
from tilbud.models import Behandlingsform, Fylke, Malgruppe, Opptaksomrade, Organisasjon, Tilbud

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"
SPRAK = ("nn", "en")
MSGFMT = shutil.which("msgfmt") or "/usr/bin/msgfmt"


# --------------------------------------------------------------------------- the catalogues


def _po(sprak: str) -> Path:
    return LOCALE / sprak / "LC_MESSAGES" / "django.po"


def _oppforinger(sprak: str) -> list[dict[str, Any]]:
    """The .po file's entries: msgid, msgid_plural, the msgstr(s) and their flags."""
    tekst = _po(sprak).read_text(encoding="utf-8")
    ut = []
    for blokk in tekst.strip().split("\n\n"):
        felt: dict[str, Any] = {"flagg": "", "msgstr": []}
        naa = None
        for linje in blokk.splitlines():
            if linje.startswith("#,"):
                felt["flagg"] += linje
            if linje.startswith("#"):
                continue
            m = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', linje)
            if m:
                naa = m.group(1)
                verdi = m.group(2)
                if naa.startswith("msgstr"):
                    felt["msgstr"].append(verdi)
                else:
                    felt[naa] = verdi
            elif naa is not None:
                if naa.startswith("msgstr"):
                    felt["msgstr"][-1] += linje[1:-1]
                else:
                    felt[naa] += linje[1:-1]
        if "msgid" in felt:
            ut.append(felt)
    return ut


def _uescape(tekst: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), tekst)


@pytest.mark.parametrize("sprak", SPRAK)
def test_catalogue_is_complete_and_not_fuzzy(sprak: str) -> None:
    oppforinger = [o for o in _oppforinger(sprak) if o["msgid"]]
    assert len(oppforinger) > 200  # the public pages' strings, not an empty file
    tomme = [o["msgid"] for o in oppforinger if not all(o["msgstr"])]
    uklare = [o["msgid"] for o in oppforinger if "fuzzy" in o["flagg"]]
    assert tomme == [], f"untranslated in {sprak}: {tomme}"
    assert uklare == [], f"fuzzy in {sprak}: {uklare}"
    topp = _oppforinger(sprak)[0]
    assert topp["msgid"] == "" and "fuzzy" not in topp["flagg"]
    assert f"Language: {sprak}\\n" in topp["msgstr"][0]


@pytest.mark.parametrize("sprak", SPRAK)
def test_committed_mo_matches_the_po(sprak: str, tmp_path: Path) -> None:
    ny = tmp_path / "django.mo"
    # --check: the format strings agree with the msgids, the header is whole.
    subprocess.run([MSGFMT, "--check", "-o", str(ny), str(_po(sprak))], check=True)  # noqa: S603
    with ny.open("rb") as f:
        fra_po = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    with (_po(sprak).with_suffix(".mo")).open("rb") as f:
        lagret = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    assert lagret == fra_po, "run `make sprak` and commit the .mo files"


# ------------------------------------------------------------------------ reading a page

# Attributes a user hears or sees; `value` only on buttons made of <input>.
TEKSTATTRIBUTTER = ("aria-label", "placeholder", "title", "alt", "data-tittel")
TOMME_ELEMENTER = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
TOMME_ELEMENTER |= {"source", "track", "wbr", "param"}


class _Tekster(HTMLParser):
    """The page's texts: text nodes (not in script/style), attribute texts, the strings of the
    JSON handed to the search's JavaScript. Elements with a lang of their own (the language
    switch names each language in itself) are left out: they are meant to be in that language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tekster: list[str] = []
        self.lang = ""
        self._stabel: list[tuple[str, bool, bool]] = []  # (tag, hide, json)

    def _skjult(self) -> bool:
        return any(skjul for _tag, skjul, _json in self._stabel)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        er_json = tag == "script" and a.get("type") == "application/json"
        skjul = (tag in ("script", "style") and not er_json) or ("lang" in a and tag != "html")
        if not skjul and not self._skjult():
            for navn in TEKSTATTRIBUTTER:
                if a.get(navn):
                    self.tekster.append(a[navn])
            if tag == "input" and a.get("type") in ("submit", "button", "reset"):
                self.tekster.append(a.get("value", ""))
        if tag not in TOMME_ELEMENTER:
            self._stabel.append((tag, skjul, er_json))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stabel) - 1, -1, -1):
            if self._stabel[i][0] == tag:
                del self._stabel[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._stabel and self._stabel[-1][2]:
            self.tekster.extend(str(v) for v in json.loads(data).values())
        elif not self._skjult():
            self.tekster.append(data)


def _tekster(side: str) -> tuple[str, set[str]]:
    leser = _Tekster()
    leser.feed(side)
    ut = {" ".join(t.split()) for t in leser.tekster}
    return leser.lang, {t for t in ut if re.search(r"[^\W\d_]", t)}


ORD = re.compile(r"[^\W\d_]+")


def _ord(tekst: str) -> set[str]:
    return {o.lower() for o in ORD.findall(tekst)}


def _ordforrad(sprak: str) -> set[str]:
    """The words the translation itself uses (placeholders left out)."""
    ord_: set[str] = set()
    for o in _oppforinger(sprak):
        for msgstr in o["msgstr"]:
            ord_ |= _ord(re.sub(r"%\(\w+\)s", " ", _uescape(msgstr)))
    return ord_


def _endret(sprak: str) -> set[str]:
    """Whole bokmål strings (no placeholders) that the translation changes."""
    return {
        _uescape(o["msgid"])
        for o in _oppforinger(sprak)
        if o["msgid"] and "%(" not in o["msgid"] and o["msgstr"][0] != o["msgid"]
    }


# --------------------------------------------------------------------- what counts as data


def _strenger(obj: models.Model) -> set[str]:
    """An object's own texts: character, text and JSON fields, not choice codes."""
    ut: set[str] = set()

    def samle(verdi: Any) -> None:
        if isinstance(verdi, str):
            ut.add(verdi)
        elif isinstance(verdi, dict):
            for v in verdi.values():
                samle(v)
        elif isinstance(verdi, list | tuple):
            for v in verdi:
                samle(v)

    for felt in obj._meta.concrete_fields:
        tekstfelt = isinstance(felt, models.CharField | models.TextField | models.JSONField)
        if tekstfelt and not getattr(felt, "choices", None):
            samle(getattr(obj, felt.attname))
    return ut


def _data(tilbud_ider: set[int], ekstra: set[str]) -> list[str]:
    """The texts a page shows as data: the shown tilbud's own texts and those of their
    organisation, region, sites, target groups and forms of treatment; the names in the search
    form's selects; what the user typed. Longest first (removed from a text one by one)."""
    data = set(ekstra)
    for t in Tilbud.objects.filter(pk__in=tilbud_ider).select_related("organisasjon", "rhf"):
        data |= _strenger(t) | _strenger(t.organisasjon) | _strenger(t.rhf)
        for lok in t.lokasjoner.select_related("kommune"):
            data |= _strenger(lok) | {lok.kommune.navn}
        for m in t.malgrupper.prefetch_related("koder"):
            data |= {m.navn, m.navn.lower()} | {str(k) for k in m.koder.all()}
        data |= {b.navn for b in t.behandlingsformer.all()}
    data |= {f.navn for f in Fylke.objects.all()}
    # Oslo's bydeler: place names, in the search page's bydel choice.
    data |= set(Opptaksomrade.objects.exclude(bydelsnavn="").values_list("bydelsnavn", flat=True))
    data |= {o.navn for o in Organisasjon.objects.rhf()}
    data |= {m.navn for m in Malgruppe.objects.all()}
    data |= {b.navn for b in Behandlingsform.objects.all()}
    data |= {b.navn.lower() for b in Behandlingsform.objects.all()}
    return sorted((d for d in data if d and d.strip()), key=len, reverse=True)


def _uoversatt(tekst: str, data: list[str], ordforrad: set[str]) -> set[str]:
    """The words of a text left the same in both languages that are neither data, codes
    (capitals: RHF, NAV, ICPC) nor words the translation uses."""
    # The JavaScript's strings carry their placeholders.
    tekst = re.sub(r"%\(\w+\)s", " ", tekst)
    for d in data:
        if d in tekst:
            # Whole words only: a data word inside a longer word («gruppe» in «Målgruppe»)
            # must not hide the rest of it.
            tekst = re.sub(rf"(?<!\w){re.escape(d)}(?!\w)", " ", tekst)
    return {
        o
        for o in ORD.findall(tekst)
        if len(o) > 1 and not o.isupper() and o.lower() not in ordforrad
    }


# ----------------------------------------------------------------------------- the pages


def _boom(request: Any) -> Any:
    raise RuntimeError("test: noe gikk galt")


urlpatterns = [
    path("boom/", _boom),
    *__import__("helsearbeid.urls", fromlist=["urlpatterns"]).urlpatterns,
]
handler500 = "helsearbeid.driftsfeil.serverfeil"


def _tilbud(kilde_id: str) -> Tilbud:
    return Tilbud.objects.get(kilde_id=kilde_id)


def _sider() -> list[tuple[str, Any, set[str]]]:
    """(name, how to fetch it with a client, what the user typed)."""
    bodo = _tilbud("s4_6_9_3")
    ukjent_ventetid = _tilbud("s4_6_1_1_1")
    fra_2019 = _tilbud("t4_21_r05")
    feil_i_skjema = {"felt": "", "beskrivelse": "  ", "epost": "ikke-en-adresse"}
    gyldig = {"felt": "ventetid", "beskrivelse": "Ventetiden er nå 8 uker.", "epost": ""}
    return [
        ("søkesiden", lambda k: k.get("/"), set()),
        ("treff", lambda k: k.get("/", {"kommune": "1804", "diagnose": "L86"}), {"L86"}),
        (
            "tomt svar",
            lambda k: k.get("/", {"kommune": "Bodø", "diagnose": "angst", "q": "qxzqxz"}),
            {"angst", "qxzqxz"},
        ),
        (
            "feil i søket",
            lambda k: k.get("/", {"kommune": "9999", "diagnose": "qxzqxz", "postnummer": "12"}),
            {"9999", "qxzqxz", "12"},
        ),
        ("tilbudssiden", lambda k: k.get(f"/tilbud/{bodo.pk}/"), set()),
        ("ukjent ventetid", lambda k: k.get(f"/tilbud/{ukjent_ventetid.pk}/"), set()),
        ("fra 2019", lambda k: k.get(f"/tilbud/{fra_2019.pk}/"), set()),
        (
            "meld feil med feil",
            lambda k: k.post(f"/tilbud/{bodo.pk}/meld-feil/", feil_i_skjema),
            {"ikke-en-adresse"},
        ),
        (
            "meld feil sendt",
            lambda k: k.post(f"/tilbud/{bodo.pk}/meld-feil/", gyldig, follow=True),
            set(),
        ),
        ("bekreft e-post", lambda k: k.get("/tilbud/meld-feil/bekreft/x/"), set()),
        ("ugyldig lenke", lambda k: k.post("/tilbud/meld-feil/bekreft/x/"), set()),
        ("ugyldig tegn", lambda k: k.get("/", {"q": "a\x00b"}), {"q"}),
        ("404", lambda k: k.get("/finnes/ikke/"), set()),
        ("500", lambda k: k.get("/boom/"), set()),
    ]


def _hent(hent: Any, sprak: str, bruker: Any = None) -> tuple[str, set[str], str]:
    klient = Client(HTTP_ACCEPT_LANGUAGE=sprak, raise_request_exception=False)
    if bruker is not None:
        klient.force_login(bruker)
    svar = hent(klient)
    assert svar.status_code < 500 or svar.request["PATH_INFO"] == "/boom/"
    side = svar.content.decode()
    lang, tekster = _tekster(side)
    return lang, tekster, side


def _sjekk_side(navn: str, hent: Any, typet: set[str], sprak: str, bruker: Any = None) -> None:
    nb_lang, nb, nb_side = _hent(hent, "nb", bruker)
    lang, oversatt, _side = _hent(hent, sprak, bruker)
    assert (nb_lang, lang) == ("nb", sprak), navn
    # Not vacuous: a real page, and most of it changed.
    assert len(oversatt) >= 8, (navn, oversatt)
    assert len(oversatt - nb) >= 6, (navn, oversatt - nb)
    ider = {int(i) for i in re.findall(r"/tilbud/(\d+)/", nb_side)}
    data = _data(ider, typet | {html.unescape(t) for t in typet})
    ordforrad = _ordforrad(sprak)
    endret = _endret(sprak)
    funn = {}
    for tekst in oversatt & nb:
        if tekst in data:
            continue  # a name that is also a word of the interface (målgruppe «Kreft»)
        if tekst in endret:
            funn[tekst] = "a translated string shown in bokmål"
        elif rest := _uoversatt(tekst, data, ordforrad):
            funn[tekst] = f"untranslated words {sorted(rest)}"
    assert funn == {}, f"{navn} in {sprak}: {funn}"


@pytest.fixture
def _uten_kvote(settings) -> None:
    # Each page is fetched twice per language from one client address.
    settings.FEILMELDING_STRUPING_ADRESSE = None
    settings.FEILMELDING_STRUPING_TILBUD = None


@pytest.mark.usefixtures("_uten_kvote")
@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("sprak", SPRAK)
def test_public_pages_have_no_bokmal_left(sprak: str) -> None:
    for navn, hent, typet in _sider():
        _sjekk_side(navn, hent, typet, sprak)


@pytest.mark.parametrize("sprak", SPRAK)
def test_pages_for_a_logged_in_gp_have_no_bokmal_left(sprak: str) -> None:
    """The header with the GP's name, role and menu; «Henvis pasienten»; the styled 403."""
    fastlege = bruker_med_rolle("henviser", henvisertype="fastlege")
    navn = {fastlege.get_full_name(), fastlege.get_username()}
    bodo = _tilbud("s4_6_9_3")
    _sjekk_side("tilbudssiden", lambda k: k.get(f"/tilbud/{bodo.pk}/"), navn, sprak, fastlege)
    _sjekk_side("403", lambda k: k.get("/koordinator/feilmeldinger/"), navn, sprak, fastlege)


def test_the_check_finds_a_bokmal_string_left_on_a_page() -> None:
    """The checker itself: a bokmål sentence the catalogue does not know is reported, data and
    the words of the translation are not."""
    ordforrad = _ordforrad("nn")
    assert _uoversatt("Fant ikke siden", [], ordforrad) == {"Fant", "ikke", "siden"}
    assert _uoversatt("Bodø · ca. 12 km unna", ["Bodø"], ordforrad) == set()
    assert (
        _uoversatt("Valnesfjord Helsesportsenter", ["Valnesfjord Helsesportsenter"], set()) == set()
    )
    assert "Fann ikkje sida" not in _endret("nn") and "Fant ikke siden" in _endret("nn")


# --------------------------------------------------------------------- choosing a language


def test_the_browser_language_chooses_and_html_lang_follows() -> None:
    for header, lang in [("nn-NO,nn;q=0.9", "nn"), ("en-GB,en;q=0.8", "en"), ("nb", "nb")]:
        side = Client(HTTP_ACCEPT_LANGUAGE=header).get("/").content.decode()
        assert f'<html lang="{lang}">' in side
    side = Client(HTTP_ACCEPT_LANGUAGE="nn").get("/").content.decode()
    assert "Finn tilbod for pasienten" in side and "Kommunen til pasienten" in side
    side = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    assert "Find services for the patient" in side


def test_the_switch_keeps_the_page_and_the_query_and_overrides_the_browser() -> None:
    klient = Client(HTTP_ACCEPT_LANGUAGE="nb")
    side = klient.get("/", {"kommune": "1804", "diagnose": "L86"}).content.decode()
    # The switch: one button per language, named in itself, the current one marked.
    assert 'name="next" value="/?kommune=1804&amp;diagnose=L86"' in side
    assert 'value="nn" lang="nn">Nynorsk</button>' in side
    assert 'value="nb" lang="nb" aria-current="true">Bokmål</button>' in side
    svar = klient.post("/i18n/setlang/", {"language": "nn", "next": "/?kommune=1804&diagnose=L86"})
    assert svar.status_code == 302 and svar["Location"] == "/?kommune=1804&diagnose=L86"
    side = klient.get(svar["Location"]).content.decode()
    assert '<html lang="nn">' in side and "Slik tilviser du:" in side
    assert 'value="nn" lang="nn" aria-current="true">Nynorsk</button>' in side


def test_api_field_names_stay_and_its_messages_follow_the_language() -> None:
    nb = Client(HTTP_ACCEPT_LANGUAGE="nb").get("/api/v1/tilbud/", {"kommune": "9999"})
    nn = Client(HTTP_ACCEPT_LANGUAGE="nn").get("/api/v1/tilbud/", {"kommune": "9999"})
    assert nb.status_code == nn.status_code == 400
    assert list(nb.json()) == list(nn.json()) == ["kommune"]
    assert nn.json()["kommune"] == ["Ingen kommune har nummer 9999."]  # the same in nynorsk
    en = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/tilbud/", {"kommune": "Atlantis"})
    assert en.json()["kommune"] == [
        "Found no municipality called «Atlantis». Enter the name or the municipality number."
    ]
    ok = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/tilbud/", {"kommune": "1804"}).json()
    assert set(ok) >= {"count", "results"} and "fagomrade" in ok["results"][0]


def test_the_switch_after_a_form_sent_back_returns_to_a_page_that_answers_get() -> None:
    tilbud = Tilbud.objects.get(kilde_id="s4_6_9_3")
    klient = Client(HTTP_ACCEPT_LANGUAGE="nb")
    svar = klient.post(f"/tilbud/{tilbud.pk}/meld-feil/", {"felt": "", "beskrivelse": ""})
    assert svar.status_code == 400
    neste = f"/tilbud/{tilbud.pk}/"
    assert f'name="next" value="{neste}"' in svar.content.decode()
    svar = klient.post("/i18n/setlang/", {"language": "en", "next": neste})
    assert svar["Location"] == neste
    side = klient.get(neste)
    assert side.status_code == 200 and "Report an error" in side.content.decode()
