"""Import geography, diagnosis codes and the Helse og arbeid catalogue from `fixtures/`.

Idempotent: every table is synchronised by its natural key, so a second run creates and changes
nothing. All-or-nothing: the whole import runs in one transaction, and the first bad row stops it
with the file, the record and the reason (`ImportFeil`).
"""

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from tilbud import referanse
from tilbud.models import (
    Avtale,
    Behandlingsform,
    Diagnosekode,
    Fylke,
    Kommune,
    Lokasjon,
    Malgruppe,
    MalgruppeKode,
    Opptaksomrade,
    Organisasjon,
    Postnummer,
    Synonym,
    Tilbud,
    Ventetid,
)
from tilbud.models.tilbud import Fagomrade
from tilbud.services.historikk import historikk_kontekst
from tilbud.services.ventetid import Tekstventetid, fjern_tekstventetider, synk_tekstventetider

# The 2020 overview (report section 4.6) describes the tilbud as of autumn/December 2020; the
# 2019 tables were collected in spring 2019. Those are the dates the facts were last confirmed.
BEKREFTET_2020 = date(2020, 12, 1)
BEKREFTET_2019 = date(2019, 6, 1)
KILDE_RAPPORT = "Evalueringsrapport 2021 (SINTEF/NTNU)"

BEHANDLINGSFORMER = [
    ("poliklinisk", "Poliklinisk"),
    ("dag", "Dagbehandling"),
    ("dogn", "Døgn/opphold"),
    ("ambulant", "Ambulant"),
    ("digital", "Digital/video"),
    ("gruppe", "Gruppe"),
    ("individuell", "Individuell"),
]
# The source's delivery vocabulary → our codes (ASCII identifiers).
_LEVERING_TIL_KODE = {"døgn": "dogn"}

# Category as printed in the report → fagområde. An unknown category is a bad row.
# malgruppe_koder.csv: a range deliberately mapped to no målgruppe (with its reason).
UTELATT = "ingen"

KATEGORI_TIL_FAGOMRADE = {
    "psykisk helsevern": Fagomrade.PSYKISK_HELSEVERN,
    "muskel/skjelett": Fagomrade.MUSKEL_SKJELETT,
    "muskel/skjelett og psykisk helse": Fagomrade.KOMBINERT,
    "arbeidsrettet rehabilitering": Fagomrade.ARBEIDSRETTET_REHABILITERING,
    "arbeidsrettet rehabilitering/psykisk helsevern": Fagomrade.ARBEIDSRETTET_REHABILITERING,
    "rehabilitering": Fagomrade.ARBEIDSRETTET_REHABILITERING,
    "kreft": Fagomrade.KREFT,
    "hjernetraume/hjerneslag": Fagomrade.HJERNESLAG,
    "hodepine og nakke/rygg": Fagomrade.HODEPINE,
    "kompetansetjeneste": Fagomrade.KOMPETANSETJENESTE,
    "bedriftstiltak": Fagomrade.BEDRIFTSTILTAK,
    "helseiarbeid": Fagomrade.KOMBINERT,
    "generelt": Fagomrade.GENERELT,
}


class ImportFeil(Exception):
    """A bad row: stops the import, and says where and why."""

    def __init__(self, fil: str, post: str, grunn: str) -> None:
        super().__init__(f"{fil}, {post}: {grunn}")
        self.fil, self.post, self.grunn = fil, post, grunn


@dataclass
class Telling:
    nye: int = 0
    endret: int = 0
    uendret: int = 0

    @property
    def totalt(self) -> int:
        return self.nye + self.endret + self.uendret


@dataclass
class ImportRapport:
    tellinger: dict[str, Telling] = field(default_factory=dict)
    tilbud_per_rhf: dict[str, int] = field(default_factory=dict)
    # How the report's waiting-time texts were read (tilbud.services.ventetid).
    ventetider: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def nye(self) -> int:
        return sum(t.nye for t in self.tellinger.values())

    @property
    def endret(self) -> int:
        return sum(t.endret for t in self.tellinger.values())


def standard_kilde() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


# --------------------------------------------------------------------------- reading files


def _les_csv(kilde: Path, navn: str, kolonner: set[str]) -> list[tuple[str, dict[str, str]]]:
    sti = kilde / navn
    try:
        with sti.open(encoding="utf-8", newline="") as f:
            leser = csv.DictReader(f)
            mangler = kolonner - set(leser.fieldnames or [])
            if mangler:
                raise ImportFeil(
                    navn, "overskrift", f"mangler kolonne(r) {', '.join(sorted(mangler))}"
                )
            # Row numbers as in an editor: the header is line 1.
            return [(f"linje {i}", rad) for i, rad in enumerate(leser, start=2)]
    except FileNotFoundError:
        raise ImportFeil(navn, "fil", f"finnes ikke i {kilde}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportFeil(navn, "fil", f"kan ikke leses som UTF-8 CSV ({exc})") from None


def _les_json(kilde: Path, navn: str) -> Any:
    sti = kilde / navn
    try:
        return json.loads(sti.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportFeil(navn, "fil", f"finnes ikke i {kilde}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFeil(navn, "fil", f"ugyldig JSON ({exc})") from None


def _krev(verdi: Any, fil: str, post: str, felt: str, monster: str | None = None) -> str:
    if verdi is None or not str(verdi).strip():
        raise ImportFeil(fil, post, f"feltet «{felt}» mangler")
    tekst = str(verdi).strip()
    if monster and not re.fullmatch(monster, tekst):
        raise ImportFeil(fil, post, f"feltet «{felt}» har ugyldig verdi «{tekst}»")
    return tekst


# --------------------------------------------------------------------------- synchronising


_M = TypeVar("_M", bound=models.Model)


def _verdi(obj: models.Model, felt: str) -> Any:
    # A foreign key is compared by its id: reading the related object would cost one query
    # per row (thousands for postal codes on every re-import).
    f = obj._meta.get_field(felt)
    if isinstance(f, models.ForeignKey):
        return getattr(obj, f.attname)
    return getattr(obj, felt)


def _verdi_i_rad(verdi: Any) -> Any:
    return verdi.pk if isinstance(verdi, models.Model) else verdi


def _synk(
    modell: type[_M], noekkel: str | tuple[str, ...], rader: Iterable[dict[str, Any]]
) -> tuple[Telling, dict[Any, _M]]:
    """Create or update rows by natural key; rows that are equal are left alone."""
    noekler = (noekkel,) if isinstance(noekkel, str) else noekkel
    eksisterende = {tuple(_verdi(o, k) for k in noekler): o for o in modell._default_manager.all()}
    telling = Telling()
    nye: list[_M] = []
    endrede: list[_M] = []
    endrede_felt: set[str] = set()
    alle: dict[Any, _M] = {}
    for rad in rader:
        k = tuple(_verdi_i_rad(rad[n]) for n in noekler)
        obj = eksisterende.get(k)
        if obj is None:
            obj = modell(**rad)
            nye.append(obj)
            telling.nye += 1
        else:
            diff = [f for f, v in rad.items() if _verdi(obj, f) != _verdi_i_rad(v)]
            if diff:
                for f in diff:
                    setattr(obj, f, rad[f])
                if hasattr(obj, "versjon"):  # editors' If-Match must see the import's change
                    obj.versjon += 1
                    diff.append("versjon")
                endrede.append(obj)
                endrede_felt.update(diff)
                telling.endret += 1
            else:
                telling.uendret += 1
        alle[k[0] if len(k) == 1 else k] = obj
    modell._default_manager.bulk_create(nye, batch_size=2000)
    if endrede:
        modell._default_manager.bulk_update(endrede, sorted(endrede_felt), batch_size=2000)
    return telling, alle


# --------------------------------------------------------------------------- the importer


class KatalogImport:
    def __init__(self, kilde: Path, melding: Callable[[str], None]) -> None:
        self.kilde = kilde
        self.melding = melding
        self.rapport = ImportRapport()
        self.org_etter_navn: dict[str, Organisasjon] = {}
        self.rhf_etter_kode: dict[str, Organisasjon] = {}
        self.kommuner: dict[str, Kommune] = {}
        self.lokasjon_kommune: dict[str, str] = {}
        self.malgrupper: dict[str, Malgruppe] = {}
        self.regler: list[tuple[str, str, str]] = []
        self.kategorier: dict[str, set[str]] = {}  # kodeverk → its 3-character categories

    def _registrer(self, navn: str, telling: Telling) -> None:
        self.rapport.tellinger[navn] = telling
        self.melding(
            f"  {navn:<18} {telling.totalt:>6}  ({telling.nye} nye, "
            f"{telling.endret} endret, {telling.uendret} uendret)"
        )

    def kjor(self) -> ImportRapport:
        self.organisasjoner()
        self.geografi()
        self.diagnosekoder()
        self.malgrupper_og_regler()
        self.behandlingsformer()
        self.synonymer()
        self.tilbud()
        return self.rapport

    # ---- organisations

    def organisasjoner(self) -> None:
        fil = "organisasjoner.csv"
        rader = _les_csv(self.kilde, fil, {"navn", "type", "rhf", "aliaser", "organisasjonsnummer"})
        typer = {t.value for t in Organisasjon.Type}
        rhf_rader: list[tuple[str, dict[str, str], str, str]] = []
        andre: list[tuple[str, dict[str, str], str, str]] = []
        for post, rad in rader:
            navn = _krev(rad["navn"], fil, post, "navn")
            type_ = _krev(rad["type"], fil, post, "type")
            if type_ not in typer:
                raise ImportFeil(fil, f"{post} ({navn})", f"ukjent type «{type_}»")
            (rhf_rader if type_ == "rhf" else andre).append((post, rad, navn, type_))
        # The four RHF first: every other organisation points at one.
        rhf_data = []
        for post, rad, navn, _type in rhf_rader:
            kode = _krev(rad["rhf"], fil, post, "rhf", r"[A-Z]{2,3}")
            rhf_data.append(self._org_rad(fil, post, rad, navn, "rhf", kode=kode, rhf=None))
        telling_rhf, rhf = _synk(Organisasjon, "navn", rhf_data)
        self.rhf_etter_kode = {o.kode: o for o in rhf.values() if o.kode}
        data, agreements = [], []
        for post, rad, navn, type_ in andre:
            koder = [k for k in rad["rhf"].split("|") if k]
            for kode in koder:
                if kode not in self.rhf_etter_kode:
                    raise ImportFeil(fil, f"{post} ({navn})", f"ukjent RHF-kode «{kode}»")
            if type_ in ("hf", "ideell") and len(koder) != 1:
                raise ImportFeil(fil, f"{post} ({navn})", "et HF hører til nøyaktig ett RHF")
            eier = self.rhf_etter_kode[koder[0]] if type_ in ("hf", "ideell") else None
            data.append(self._org_rad(fil, post, rad, navn, type_, kode=None, rhf=eier))
            agreements.append((navn, koder))
        telling, orgs = _synk(Organisasjon, "navn", data)
        telling.nye += telling_rhf.nye
        telling.endret += telling_rhf.endret
        telling.uendret += telling_rhf.uendret
        self._registrer("organisasjoner", telling)
        for org in [*rhf.values(), *orgs.values()]:
            for navn in [org.navn, *org.aliaser]:
                if navn in self.org_etter_navn and self.org_etter_navn[navn] != org:
                    raise ImportFeil(fil, navn, "samme navn brukt for to organisasjoner")
                self.org_etter_navn[navn] = org

    def _org_rad(
        self,
        fil: str,
        post: str,
        rad: dict[str, str],
        navn: str,
        type_: str,
        *,
        kode: str | None,
        rhf: Organisasjon | None,
    ) -> dict[str, Any]:
        orgnr = (rad.get("organisasjonsnummer") or "").replace(" ", "") or None
        verdier = {
            "navn": navn,
            "type": type_,
            "kode": kode,
            "rhf": rhf,
            "organisasjonsnummer": orgnr,
            "aliaser": [a.strip() for a in rad["aliaser"].split("|") if a.strip()],
        }
        try:
            Organisasjon(**verdier).clean_fields(exclude=["navn", "kode", "rhf"])
        except ValidationError as exc:
            feil = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise ImportFeil(fil, f"{post} ({navn})", feil) from None
        return verdier

    def org(self, navn: str, fil: str, post: str) -> Organisasjon:
        org = self.org_etter_navn.get(navn)
        if org is None:
            raise ImportFeil(
                fil, post, f"ukjent organisasjon «{navn}» (mangler i organisasjoner.csv)"
            )
        return org

    def rhf_for_navn(self, navn: str, fil: str, post: str) -> Organisasjon:
        org = self.org(navn, fil, post)
        if org.type != Organisasjon.Type.RHF:
            raise ImportFeil(fil, post, f"«{navn}» er ikke et RHF")
        return org

    # ---- geography

    def geografi(self) -> None:
        fil = "geografi/fylker.csv"
        fylker = []
        for post, rad in _les_csv(self.kilde, fil, {"fylkesnummer", "fylkesnavn", "rhf"}):
            nummer = _krev(rad["fylkesnummer"], fil, post, "fylkesnummer", r"\d{2}")
            rhf = self.rhf_etter_kode.get(rad["rhf"])
            if rhf is None:
                raise ImportFeil(fil, f"{post} (fylke {nummer})", f"ukjent RHF «{rad['rhf']}»")
            fylker.append(
                {"nummer": nummer, "navn": _krev(rad["fylkesnavn"], fil, post, "navn"), "rhf": rhf}
            )
        telling, fylke_etter_nr = _synk(Fylke, "nummer", fylker)
        self._registrer("fylker", telling)

        fil = "geografi/kommuner.csv"
        kommuner = []
        for post, rad in _les_csv(
            self.kilde, fil, {"kommunenummer", "kommunenavn", "fylkesnummer", "rhf", "lat", "lon"}
        ):
            nummer = _krev(rad["kommunenummer"], fil, post, "kommunenummer", r"\d{4}")
            hvor = f"{post} (kommune {nummer})"
            fylke = fylke_etter_nr.get(rad["fylkesnummer"])
            if fylke is None or not nummer.startswith(fylke.nummer):
                raise ImportFeil(fil, hvor, f"ukjent eller feil fylke «{rad['fylkesnummer']}»")
            if fylke.rhf.kode != rad["rhf"]:
                raise ImportFeil(fil, hvor, f"RHF «{rad['rhf']}» stemmer ikke med fylket")
            try:
                lat, lon = Decimal(rad["lat"]), Decimal(rad["lon"])
            except InvalidOperation:
                raise ImportFeil(fil, hvor, "lat/lon er ikke tall") from None
            if not (57 <= lat <= 72 and 4 <= lon <= 32):
                raise ImportFeil(fil, hvor, f"koordinatene {lat}, {lon} ligger utenfor Norge")
            kommuner.append(
                {
                    "nummer": nummer,
                    "navn": _krev(rad["kommunenavn"], fil, post, "navn"),
                    "fylke": fylke,
                    "rhf": fylke.rhf,
                    "lat": lat,
                    "lon": lon,
                }
            )
        telling, self.kommuner = _synk(Kommune, "nummer", kommuner)
        self._registrer("kommuner", telling)

        fil = "geografi/kommune_hf.csv"
        omrader = []
        for post, rad in _les_csv(self.kilde, fil, {"kommunenummer", "hf", "rhf", "note"}):
            kommune = self._kommune(rad["kommunenummer"], fil, post)
            hf = self.org(rad["hf"], fil, post)
            if hf.rhf_id != kommune.rhf_id:
                raise ImportFeil(fil, post, f"{hf} hører ikke til samme RHF som {kommune}")
            bydel = re.match(r"bydel (\d{6}) ([^;]+);?\s*(.*)", rad["note"] or "")
            omrader.append(
                {
                    "kommune": kommune,
                    "bydelsnummer": bydel[1] if bydel else "",
                    "bydelsnavn": bydel[2].strip() if bydel else "",
                    "helseforetak": hf,
                    "merknad": bydel[3].strip() if bydel else (rad["note"] or ""),
                }
            )
        telling, _ = _synk(Opptaksomrade, ("kommune", "bydelsnummer"), omrader)
        self._registrer("opptaksområder", telling)

        fil = "geografi/postnummer.csv"
        postnumre = []
        for post, rad in _les_csv(self.kilde, fil, {"postnummer", "poststed", "kommunenummer"}):
            nummer = _krev(rad["postnummer"], fil, post, "postnummer", r"\d{4}")
            postnumre.append(
                {
                    "nummer": nummer,
                    "poststed": _krev(rad["poststed"], fil, post, "poststed"),
                    "kommune": self._kommune(rad["kommunenummer"], fil, post),
                }
            )
        telling, _ = _synk(Postnummer, "nummer", postnumre)
        self._registrer("postnumre", telling)

        fil = "lokasjoner.csv"
        for post, rad in _les_csv(self.kilde, fil, {"navn", "kommunenummer"}):
            self._kommune(rad["kommunenummer"], fil, post)
            self.lokasjon_kommune[_krev(rad["navn"], fil, post, "navn")] = rad["kommunenummer"]

    def _kommune(self, nummer: str, fil: str, post: str) -> Kommune:
        kommune = self.kommuner.get(nummer)
        if kommune is None:
            raise ImportFeil(fil, post, f"ukjent kommunenummer «{nummer}»")
        return kommune

    # ---- codes and målgrupper

    def diagnosekoder(self) -> None:
        rader = []
        for kodeverk, fil in (
            ("ICPC2", "diagnosekoder/ICPC2.json"),
            ("ICD10", "diagnosekoder/ICD10.json"),
        ):
            data = _les_json(self.kilde, fil)
            if not isinstance(data, list):
                raise ImportFeil(fil, "fil", "forventet en liste av koder")
            for i, rad in enumerate(data):
                if not isinstance(rad, dict):
                    raise ImportFeil(fil, f"element {i}", "forventet et objekt med code og text")
                kode = _krev(rad.get("code"), fil, f"element {i}", "code", r"[A-Za-z0-9-]{2,8}")
                tittel = _krev(rad.get("text"), fil, f"element {i} ({kode})", "text")
                rader.append(
                    {
                        "kodeverk": kodeverk,
                        "kode": kode,
                        "sokekode": kode.upper(),
                        "tittel": tittel[:300],
                    }
                )
        telling, _ = _synk(Diagnosekode, ("kodeverk", "kode"), rader)
        self._registrer("diagnosekoder", telling)
        for rad in rader:
            self.kategorier.setdefault(rad["kodeverk"], set()).add(rad["sokekode"][:3])

    def malgrupper_og_regler(self) -> None:
        fil = "malgrupper.json"
        data = _les_json(self.kilde, fil)
        grupper = []
        for i, g in enumerate(data):
            slug = _krev(g.get("slug"), fil, f"element {i}", "slug", r"[a-z0-9-]+")
            if "koder" in g:
                # One reviewed place for the mapping, with a reason per range.
                raise ImportFeil(fil, slug, "kodespenn hører hjemme i malgruppe_koder.csv")
            grupper.append(
                {
                    "slug": slug,
                    "navn": _krev(g.get("navn"), fil, slug, "navn"),
                    "beskrivelse": g.get("beskrivelse") or "",
                }
            )
        telling, self.malgrupper = _synk(Malgruppe, "slug", grupper)
        self._registrer("målgrupper", telling)
        spenn = self.malgruppe_koder()
        # A målgruppe's ranges are a set: add the missing ones, remove the ones no longer listed.
        koder = Telling()
        for slug, malgruppe in self.malgrupper.items():
            onsket = {(s, f, t) for g, s, f, t in spenn if g == slug}
            naa = set(malgruppe.koder.values_list("kodeverk", "fra", "til"))
            for s, f, t in naa - onsket:
                malgruppe.koder.filter(kodeverk=s, fra=f, til=t).delete()
            MalgruppeKode.objects.bulk_create(
                MalgruppeKode(malgruppe=malgruppe, kodeverk=s, fra=f, til=t)
                for s, f, t in sorted(onsket - naa)
            )
            koder.nye += len(onsket - naa)
            koder.endret += len(naa - onsket)
            koder.uendret += len(onsket & naa)
        self._registrer("målgruppekoder", koder)

        fil = "malgruppe_regler.csv"
        for post, rad in _les_csv(self.kilde, fil, {"felt", "monster", "malgruppe"}):
            if rad["felt"] not in ("kategori", "diagnose"):
                raise ImportFeil(fil, post, f"ukjent felt «{rad['felt']}»")
            if rad["malgruppe"] not in self.malgrupper:
                raise ImportFeil(fil, post, f"ukjent målgruppe «{rad['malgruppe']}»")
            monster = _krev(rad["monster"], fil, post, "monster").lower()
            self.regler.append((rad["felt"], monster, rad["malgruppe"]))

    def malgruppe_koder(self) -> list[tuple[str, str, str, str]]:
        """The reviewed code → målgruppe mapping (malgruppe_koder.csv): inclusive ranges of
        3-character categories, each with its reason. `ingen` records a range left out on
        purpose; a målgruppe range overlapping it, or another range of the same målgruppe, is a
        contradiction the reviewer must settle, so the import stops there."""
        fil = "malgruppe_koder.csv"
        kolonner = {"kodeverk", "fra", "til", "malgruppe", "begrunnelse"}
        rader: list[tuple[str, str, str, str, str]] = []  # (post, kodeverk, fra, til, malgruppe)
        for post, rad in _les_csv(self.kilde, fil, kolonner):
            kodeverk = _krev(rad["kodeverk"], fil, post, "kodeverk")
            if kodeverk not in self.kategorier:
                raise ImportFeil(fil, post, f"ukjent kodeverk «{kodeverk}» (ICPC2 eller ICD10)")
            fra = _krev(rad["fra"], fil, post, "fra", r"[A-Z]\d{2}")
            til = _krev(rad["til"], fil, post, "til", r"[A-Z]\d{2}")
            for kode in (fra, til):
                if kode not in self.kategorier[kodeverk]:
                    raise ImportFeil(fil, post, f"{kode} finnes ikke i {kodeverk}-listen")
            if fra > til:
                raise ImportFeil(fil, post, f"kodespennet {fra}–{til} er baklengs")
            slug = _krev(rad["malgruppe"], fil, post, "malgruppe")
            if slug != UTELATT and slug not in self.malgrupper:
                raise ImportFeil(fil, post, f"ukjent målgruppe «{slug}»")
            _krev(rad["begrunnelse"], fil, post, "begrunnelse")
            for forrige, k, f, t, g in rader:
                if k != kodeverk or t < fra or til < f:
                    continue
                if g == slug:
                    raise ImportFeil(
                        fil, post, f"{fra}–{til} overlapper {f}–{t} for {slug} ({forrige})"
                    )
                if UTELATT in (g, slug):
                    if g == UTELATT:
                        grunn = f"utelatt der, men tilordnet {slug} her"
                    else:
                        grunn = f"tilordnet {g} der, men utelatt her"
                    raise ImportFeil(fil, post, f"{fra}–{til} motsier {f}–{t} ({forrige}): {grunn}")
            rader.append((post, kodeverk, fra, til, slug))
        return [(g, k, f, t) for _, k, f, t, g in rader if g != UTELATT]

    def behandlingsformer(self) -> None:
        rader = [
            {"kode": k, "navn": n, "rekkefolge": i} for i, (k, n) in enumerate(BEHANDLINGSFORMER)
        ]
        telling, _ = _synk(Behandlingsform, "kode", rader)
        self._registrer("behandlingsformer", telling)

    def synonymer(self) -> None:
        fil = "synonymer.csv"
        rader = {}
        for post, rad in _les_csv(self.kilde, fil, {"ord", "synonymer"}):
            ord_ = _krev(rad["ord"], fil, post, "ord")
            if ord_ != ord_.lower() or ord_ in rader:
                raise ImportFeil(fil, post, f"«{ord_}» må stå med små bokstaver og bare én gang")
            synonymer = [s.strip().lower() for s in rad["synonymer"].split("|") if s.strip()]
            if not synonymer:
                raise ImportFeil(fil, post, f"«{ord_}» har ingen synonymer")
            rader[ord_] = {"ord": ord_, "synonymer": synonymer}
        telling, _ = _synk(Synonym, "ord", rader.values())
        self._registrer("synonymer", telling)

    # ---- tilbud

    def tilbud(self) -> None:
        poster_2020 = _les_json(self.kilde, "tilbud_2020.json")
        poster_2019 = _les_json(self.kilde, "tilbud_2019.json")
        rader_2019 = {p["id"]: p for p in poster_2019}
        bygg = TilbudBygger(self)
        onsket = [bygg.fra_2020(p, rader_2019) for p in poster_2020]
        onsket += [bygg.fra_2019(p) for p in poster_2019 if not p.get("related_2020_ids")]
        self._synk_lokasjoner(onsket)
        self._synk_tilbud(onsket)
        self._synk_avtaler(onsket)
        self._synk_ventetider(onsket)
        # The derived search data follows by database triggers (tilbud.services.sokevokter).

    def _synk_lokasjoner(self, onsket: list["TilbudData"]) -> None:
        rader = {
            (t.felt["organisasjon"].pk, navn): {
                "organisasjon": t.felt["organisasjon"],
                "navn": navn,
                "kommune": kommune,
            }
            for t in onsket
            for navn, kommune in t.lokasjoner
        }
        eksisterende = {(lok.organisasjon_id, lok.navn): lok for lok in Lokasjon.objects.all()}
        telling = Telling()
        self.lokasjoner: dict[tuple[int, str], Lokasjon] = {}
        for k, rad in rader.items():
            lok = eksisterende.get(k)
            if lok is None:
                lok = Lokasjon.objects.create(**rad)
                telling.nye += 1
            elif lok.kommune_id != rad["kommune"].pk:
                lok.kommune = rad["kommune"]
                lok.versjon += 1
                lok.save(update_fields=["kommune", "versjon"])
                telling.endret += 1
            else:
                telling.uendret += 1
            self.lokasjoner[k] = lok
        self._registrer("lokasjoner", telling)

    def _synk_tilbud(self, onsket: list["TilbudData"]) -> None:
        eksisterende = {
            t.kilde_id: t
            for t in Tilbud.objects.prefetch_related(
                "malgrupper", "behandlingsformer", "lokasjoner"
            )
        }
        telling = Telling()
        for data in onsket:
            obj = eksisterende.get(data.felt["kilde_id"])
            m2m = {
                "malgrupper": {self.malgrupper[s].pk for s in data.malgrupper},
                "behandlingsformer": set(data.behandlingsformer),
                "lokasjoner": {
                    self.lokasjoner[(data.felt["organisasjon"].pk, n)].pk
                    for n, _k in data.lokasjoner
                },
            }
            if obj is None:
                obj = Tilbud(**data.felt)
                self._valider(obj, data)
                obj.save()
                telling.nye += 1
            else:
                diff = [f for f, v in data.felt.items() if getattr(obj, f) != v]
                m2m_diff = [
                    n for n, ids in m2m.items() if {o.pk for o in getattr(obj, n).all()} != ids
                ]
                if not diff and not m2m_diff:
                    telling.uendret += 1
                    continue
                for f in diff:
                    setattr(obj, f, data.felt[f])
                self._valider(obj, data)
                obj.versjon += 1
                obj.save()
                telling.endret += 1
            for navn, ids in m2m.items():
                getattr(obj, navn).set(ids)
        self._registrer("tilbud", telling)
        for kode, rhf in sorted(self.rhf_etter_kode.items()):
            self.rapport.tilbud_per_rhf[kode] = Tilbud.objects.aktive().filter(rhf=rhf).count()

    def _synk_ventetider(self, onsket: list["TilbudData"]) -> None:
        """The report's waiting times as rows, read from their text the way migration 0017
        read them (tilbud.services.ventetid.synk_tekstventetider): re-importing gives the
        same rows, and leaves newer ones from coordinators and providers alone."""
        ider = dict(
            Tilbud.objects.filter(kilde_id__in=[t.felt["kilde_id"] for t in onsket]).values_list(
                "kilde_id", "pk"
            )
        )
        kilder = [
            Tekstventetid(
                tilbud_id=ider[t.felt["kilde_id"]],
                tekst=t.felt["ventetid_tekst"],
                dato=t.felt["ventetid_dato"],
                kilde=Ventetid.Kilde.RAPPORT,
            )
            for t in onsket
            if t.felt["ventetid_tekst"]
        ]
        telling = synk_tekstventetider(modell=Ventetid, kilder=kilder)
        fjern_tekstventetider(
            modell=Ventetid,
            tilbud_ider=[ider[t.felt["kilde_id"]] for t in onsket if not t.felt["ventetid_tekst"]],
            kilde=Ventetid.Kilde.RAPPORT,
        )
        self.rapport.ventetider = telling
        self.melding(
            f"  {'ventetider':<18} {len(kilder):>6}  ({telling['strukturert']} strukturert, "
            f"{telling['ikke_strukturert']} ikke strukturert)"
        )

    def _valider(self, obj: Tilbud, data: "TilbudData") -> None:
        try:
            obj.full_clean(exclude=["kilde_id"], validate_unique=False)
        except ValidationError as exc:
            feil = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise ImportFeil(data.fil, data.felt["kilde_id"], feil) from None

    def _synk_avtaler(self, onsket: list["TilbudData"]) -> None:
        rader = dict.fromkeys(
            (t.felt["organisasjon"], t.felt["rhf"], a) for t in onsket for a in t.avtaler
        )
        telling, _ = _synk(
            Avtale,
            ("leverandor", "rhf", "type"),
            [{"leverandor": o, "rhf": r, "type": a} for o, r, a in rader],
        )
        self._registrer("avtaler", telling)


@dataclass
class TilbudData:
    fil: str
    felt: dict[str, Any]
    malgrupper: set[str]
    behandlingsformer: list[str]
    lokasjoner: list[tuple[str, Kommune]]
    avtaler: list[str]


_ALDER_MONSTRE = [
    (re.compile(r"^(\d{1,3})\s*[-–]\s*(\d{1,3}) år$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^over (\d{1,3}) år$"), lambda m: (int(m[1]), None)),
    (re.compile(r"^fra (\d{1,3}) år( og oppover)?$"), lambda m: (int(m[1]), None)),
    (re.compile(r"^>\s*(\d{1,3}) år$"), lambda m: (int(m[1]) + 1, None)),
]


def tolk_alder(tekst: str | None) -> tuple[int | None, int | None]:
    """Only unambiguous age limits become numbers; anything else stays as text."""
    if not tekst:
        return None, None
    for monster, tolk in _ALDER_MONSTRE:
        treff = monster.match(tekst.strip())
        if treff:
            return tolk(treff)
    return None, None


def _tekst(verdi: Any) -> str:
    return (verdi or "").strip() if isinstance(verdi, str | type(None)) else str(verdi)


class TilbudBygger:
    """Turns a source record into the fields of a Tilbud; unknown stays unknown."""

    def __init__(self, imp: KatalogImport) -> None:
        self.imp = imp

    def _fagomrade(self, kategori: str, fil: str, post: str) -> str:
        fag = KATEGORI_TIL_FAGOMRADE.get(re.sub(r"\s*/\s*", "/", kategori.strip().lower()))
        if fag is None:
            raise ImportFeil(fil, post, f"ukjent kategori «{kategori}»")
        return fag

    def _malgrupper(
        self, kategori: str, diagnoser: list[str], tekst: str, fil: str, post: str
    ) -> set[str]:
        kategori_l = kategori.lower()
        diagnose_tekster = [d.lower() for d in diagnoser] + [tekst.lower()]
        valgt = set()
        for felt, monster, slug in self.imp.regler:
            i_kategori = felt == "kategori" and monster in kategori_l
            i_diagnose = felt == "diagnose" and any(monster in d for d in diagnose_tekster)
            if i_kategori or i_diagnose:
                valgt.add(slug)
        if not valgt:
            raise ImportFeil(fil, post, "ingen målgruppe passer (se malgruppe_regler.csv)")
        return valgt

    def _lokasjoner(self, navn: list[str], fil: str, post: str) -> list[tuple[str, Kommune]]:
        ut = []
        for n in dict.fromkeys(navn):
            nummer = self.imp.lokasjon_kommune.get(n)
            if nummer is None:
                raise ImportFeil(fil, post, f"lokasjonen «{n}» mangler i lokasjoner.csv")
            ut.append((n, self.imp.kommuner[nummer]))
        return ut

    def _behandlingsformer(self, levering: list[str] | None, fil: str, post: str) -> list[str]:
        kjente = {k for k, _ in BEHANDLINGSFORMER}
        koder = []
        for form in levering or []:
            kode = _LEVERING_TIL_KODE.get(form, form)
            if kode not in kjente:
                raise ImportFeil(fil, post, f"ukjent behandlingsform «{form}»")
            koder.append(kode)
        return koder

    def fra_2020(self, p: dict[str, Any], rader_2019: dict[str, dict]) -> TilbudData:
        fil, post = "tilbud_2020.json", str(p.get("id"))
        imp = self.imp
        org = imp.org(_krev(p.get("hf"), fil, post, "hf"), fil, post)
        rhf = imp.rhf_for_navn(_krev(p.get("rhf"), fil, post, "rhf"), fil, post)
        kategori = _krev(p.get("category"), fil, post, "category")
        koblede = [
            rader_2019[r["id"]] for r in p.get("related_2019_ids") or [] if r["id"] in rader_2019
        ]
        # Sites: as the 2020 text names them; else its sub-offers'; else the 2019 table's.
        steder = list(p.get("locations") or [])
        if not steder:
            steder = [s for d in p.get("sub_offers") or [] for s in d.get("locations") or []]
        if not steder:
            steder = [s for r in koblede for s in r.get("locations") or []]
        ventetid = p.get("waiting_time") or {}
        alder_fra, alder_til = tolk_alder(p.get("age_range"))
        henvisere = p.get("referral_sources") or []
        henvisning_tekst = _tekst(p.get("referral_text"))
        felt = {
            "kilde_id": post,
            "navn": _krev(p.get("tilbud_name"), fil, post, "tilbud_name"),
            "organisasjon": org,
            "rhf": rhf,
            "kategori": kategori,
            "fagomrade": self._fagomrade(kategori, fil, post),
            "malgruppe_tekst": _tekst(p.get("målgruppe")),
            "diagnoser": p.get("diagnoses") or [],
            "alder_fra": alder_fra,
            "alder_til": alder_til,
            "alder_tekst": _tekst(p.get("age_range")),
            "inklusjonskriterier": _tekst(p.get("inclusion_criteria")),
            "eksklusjonskriterier": _tekst(p.get("exclusion_criteria")),
            "behandlingsform_tekst": _tekst(p.get("delivery_text")),
            "varighet": _tekst(p.get("duration")),
            "innhold": _tekst(p.get("content")),
            "deltilbud": [
                {
                    "navn": d.get("name"),
                    "tekst": d.get("text"),
                    "steder": d.get("locations") or [],
                    "etablert": d.get("established"),
                }
                for d in p.get("sub_offers") or []
            ],
            "yrkesgrupper": p.get("professions") or [],
            "nav_samarbeid": _tekst(p.get("nav_collaboration")),
            "helseiarbeid": er_helseiarbeid(p),
            "helseiarbeid_tekst": _tekst(p.get("helseiarbeid")),
            "arbeidsgiverkontakt": _tekst(p.get("employer_contact")),
            # The source's delivery vocabulary lists «digital» only where the text says it is
            # delivered so (video, Skype, internet treatment); its `digital` text also holds
            # plans («undersøke mulighetene …»), so that alone does not count.
            "digital": "digital" in (p.get("delivery") or []),
            "digitalt": _tekst(p.get("digital")),
            "kapasitet": _tekst(p.get("capacity_or_volume")),
            "henvisere": henvisere,
            "henvisning_til": henvisning_til(
                org, henvisning_tekst, henvisere, bool(p.get("referral_is_regional_rule"))
            ),
            "henvisning_tekst": henvisning_tekst,
            "henvisning_regional_regel": bool(p.get("referral_is_regional_rule")),
            "henvisningstidspunkt": _tekst(p.get("preferred_referral_timing")),
            "ventetid_tekst": _tekst(ventetid.get("text")),
            "ventetid_uker": ventetid.get("weeks"),
            "ventetid_type": _tekst(ventetid.get("kind")),
            "ventetid_dato": BEKREFTET_2020 if ventetid else None,
            "ventetid_kilde": f"{KILDE_RAPPORT}, avsnitt {p.get('section')}" if ventetid else "",
            "status": Tilbud.Status.AKTIV,
            "status_merknad": _tekst(p.get("status")),
            "kilde": f"{KILDE_RAPPORT}, avsnitt {p.get('section')}",
            "kilde_linjer": "–".join(str(x) for x in p.get("source_lines") or []),
            "beskrivelse_2019": "\n\n".join(
                r["description"] for r in koblede if r.get("description")
            ),
            "merknader": _tekst(p.get("notes")),
            "sist_bekreftet": BEKREFTET_2020,
            "bekreftet_av": f"{KILDE_RAPPORT}, kartlegging høsten 2020",
        }
        avtaler: list[str] = []
        if org.type == Organisasjon.Type.PRIVAT:
            k = kategori.lower()
            avtaler += [Avtale.Type.ARR] if "rehabilitering" in k else []
            avtaler += [Avtale.Type.PHV] if "psykisk helsevern" in k else []
        return TilbudData(
            fil=fil,
            felt=felt,
            malgrupper=self._malgrupper(
                kategori, p.get("diagnoses") or [], _tekst(p.get("målgruppe")), fil, post
            ),
            behandlingsformer=self._behandlingsformer(p.get("delivery"), fil, post),
            lokasjoner=self._lokasjoner(steder, fil, post),
            avtaler=avtaler,
        )

    def fra_2019(self, p: dict[str, Any]) -> TilbudData:
        """A 2019 row with no 2020 successor: kept, marked as not confirmed since 2019."""
        fil, post = "tilbud_2019.json", str(p.get("id"))
        imp = self.imp
        rhf = imp.rhf_for_navn(_krev(p.get("rhf"), fil, post, "rhf"), fil, post)
        # The Helse Nord "Generelt" row names no provider: it describes the region's own work.
        org = imp.org(p["provider"], fil, post) if p.get("provider") else rhf
        kategori = _krev(p.get("category_normalised"), fil, post, "category_normalised")
        beskrivelse = _krev(p.get("description"), fil, post, "description")
        felt = {
            "kilde_id": post,
            "navn": f"{org.navn}: {beskrivelse[:80].rstrip('.')}"
            if len(beskrivelse) > 80
            else f"{org.navn}: {beskrivelse.rstrip('.')}",
            "organisasjon": org,
            "rhf": rhf,
            "kategori": kategori,
            "fagomrade": self._fagomrade(kategori, fil, post),
            "malgruppe_tekst": beskrivelse,
            "diagnoser": p.get("diagnosis_terms") or [],
            "alder_fra": None,
            "alder_til": None,
            "alder_tekst": "",
            "inklusjonskriterier": "",
            "eksklusjonskriterier": "",
            "behandlingsform_tekst": "",
            "varighet": "",
            "innhold": beskrivelse,
            "deltilbud": [],
            "yrkesgrupper": [],
            "nav_samarbeid": "",
            "helseiarbeid": False,
            "helseiarbeid_tekst": "",
            "arbeidsgiverkontakt": "",
            "digital": False,  # the 2019 tables say nothing about digital delivery
            "digitalt": "",
            "kapasitet": "",
            "henvisere": [],
            "henvisning_til": henvisning_til(org, "", [], regional=False),
            "henvisning_tekst": "",
            "henvisning_regional_regel": False,
            "henvisningstidspunkt": "",
            "ventetid_tekst": "",
            "ventetid_uker": None,
            "ventetid_type": "",
            "ventetid_dato": None,
            "ventetid_kilde": "",
            "status": Tilbud.Status.IKKE_BEKREFTET,
            "status_merknad": "Finnes i oversikten fra 2019, men ikke i beskrivelsen fra 2020.",
            "kilde": f"{KILDE_RAPPORT}, tabell {p.get('table')}",
            "kilde_linjer": "–".join(str(x) for x in p.get("source_lines") or []),
            "beskrivelse_2019": beskrivelse,
            "merknader": _tekst(p.get("notes")),
            "sist_bekreftet": BEKREFTET_2019,
            "bekreftet_av": f"{KILDE_RAPPORT}, kartlegging våren 2019",
        }
        return TilbudData(
            fil=fil,
            felt=felt,
            malgrupper=self._malgrupper(
                kategori, p.get("diagnosis_terms") or [], beskrivelse, fil, post
            ),
            behandlingsformer=[],
            lokasjoner=self._lokasjoner(p.get("locations") or [], fil, post),
            avtaler=[],
        )


_HIA_I_NAVN = re.compile(r"helseiarbeid|helse i arbeid|\bhia\b", re.IGNORECASE)
_HIA_PLANLAGT = re.compile(r"dialog|planlegg|ikke|ønsker|utsatt", re.IGNORECASE)


def er_helseiarbeid(p: dict[str, Any]) -> bool:
    """Part of HelseIArbeid: named so, or the text says it runs the model (not merely plans to)."""
    if _HIA_I_NAVN.search(p.get("tilbud_name") or ""):
        return True
    tekst = p.get("helseiarbeid") or ""
    return bool(tekst) and not _HIA_PLANLAGT.search(tekst)


def henvisning_til(org: Organisasjon, tekst: str, henvisere: list[str], regional: bool) -> str:
    """Where a referral goes, from what the source says; `ukjent` when it says nothing."""
    if org.type in (Organisasjon.Type.HF, Organisasjon.Type.IDEELL, Organisasjon.Type.RHF):
        return Tilbud.HenvisningTil.HF
    alt = " ".join([tekst, *henvisere])
    # In Helse Nord the regional rule is that the HF's Helse i arbeid clinics refer onwards.
    if re.search(r"\bDPS\b|Helse i [Aa]rbeid", alt):
        return Tilbud.HenvisningTil.HF
    if regional or re.search(r"\bRKE\b|\bRVE\b|vurderingsenhet", alt):
        return Tilbud.HenvisningTil.REGIONAL_VURDERING
    if henvisere:
        return Tilbud.HenvisningTil.LEVERANDOR
    return Tilbud.HenvisningTil.UKJENT


def importer_katalog(
    *,
    kilde: Path | None = None,
    dry_run: bool = False,
    melding: Callable[[str], None] = lambda _m: None,
) -> ImportRapport:
    """Run the whole import in one transaction; roll it back on a bad row or a dry run."""
    kilde = kilde or standard_kilde()
    with (
        transaction.atomic(),
        historikk_kontekst(bruker="importer_katalog", grunn=f"Import fra {kilde}"),
    ):
        rapport = KatalogImport(kilde, melding).kjor()
        rapport.dry_run = dry_run
        # Written in bulk, so no signals: the search's copy of the reference tables (the other
        # processes hear of it only if the import commits).
        referanse.endret()
        if dry_run:
            transaction.set_rollback(True)
    return rapport
