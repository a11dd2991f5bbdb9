"""Reads: code resolution, geography look-ups and the tilbud search used by API and HTML alike."""

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from .models import (
    Diagnosekode,
    Kommune,
    Malgruppe,
    MalgruppeKode,
    Organisasjon,
    Sokerad,
    Synonym,
    Tilbud,
)
from .models.diagnose import Kodeverk
from .referanse import referanse
from .services.redigering import REDIGERBARE_FELT

MAKS_ORD = 8

# A code as GPs and hospitals type it: letter + two digits, optionally a dot and up to 4 more.
_KODE_RE = re.compile(r"^[A-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")


class UgyldigKode(ValueError):
    """The text is not shaped like an ICPC-2 or ICD-10 code."""


class UkjentKode(LookupError):
    """Shaped like a code, but in neither code list."""


class IngenDiagnose(LookupError):
    """Words that match no diagnosis title or målgruppe."""


def normaliser_kode(tekst: str) -> str:
    """'f41.1 ' → 'F411'. Raises UgyldigKode when it cannot be a code."""
    kode = tekst.strip().upper()
    if not _KODE_RE.match(kode):
        raise UgyldigKode(tekst)
    return kode.replace(".", "")


@dataclass(frozen=True)
class KodeTreff:
    kodeverk: str
    kode: str
    tittel: str
    er_kategori: bool = False


@dataclass
class DiagnoseOppslag:
    """What a typed code means: its titles (ICPC-2 and/or ICD-10) and the målgrupper it maps to."""

    sokt: str
    treff: list[KodeTreff]
    malgruppe_ider: set[int] = field(default_factory=set)


def _malgrupper_for(kodeverk: str, kode: str, spenn: list[MalgruppeKode]) -> set[int]:
    kategori = kode[:3].upper()
    return {s.malgruppe_id for s in spenn if s.kodeverk == kodeverk and s.fra <= kategori <= s.til}


def malgruppe_spenn() -> list[MalgruppeKode]:
    """The whole mapping table (a few dozen rows), matched in Python: from the in-memory copy
    of the reference tables (tilbud.referanse)."""
    return referanse().malgruppe_spenn


def diagnose_slaa_opp(tekst: str) -> DiagnoseOppslag:
    """Resolve a typed code in both code lists.

    ICPC-2 codes and ICD-10 categories share a shape (L03 is both 'korsryggsymptomer' and
    'cellulitt'), so both readings are returned; målgrupper are the union, which is right because
    the målgruppe ranges of the two code lists do not overlap in meaning.
    """
    kode = normaliser_kode(tekst)
    ref = referanse()  # the code lists in memory
    treff = [KodeTreff(*d) for d in ref.diagnosekoder.get(kode, [])]
    if not any(t.kodeverk == Kodeverk.ICD10 for t in treff) and len(kode) == 3:
        # ICD-10 lists only leaf codes; a category such as F41 stands for its sub-codes.
        kategori = ref.icd10_kategorier.get(kode)
        if kategori is not None:
            antall, forste, tittel = kategori
            treff.append(
                KodeTreff(
                    Kodeverk.ICD10,
                    kode,
                    f"Kategori med {antall} underkoder, f.eks. {forste} {tittel}",
                    er_kategori=True,
                )
            )
    if not treff:
        raise UkjentKode(tekst)
    spenn = malgruppe_spenn()
    ider: set[int] = set()
    for t in treff:
        ider |= _malgrupper_for(t.kodeverk, t.kode, spenn)
    return DiagnoseOppslag(sokt=tekst, treff=treff, malgruppe_ider=ider)


def ord_i(tekst: str) -> list[str]:
    """The words of a search text: letters and digits only (so nothing reaches a tsquery or LIKE
    pattern as syntax), lower case, æ/ø/å kept, at most MAKS_ORD words."""
    return re.findall(r"\w+", tekst.lower())[:MAKS_ORD]


def med_synonymer(ord_: list[str]) -> list[list[str]]:
    """Each word with the words it should also find, from the synonym table (kept as data)."""
    tabell = dict(Synonym.objects.filter(ord__in=ord_).values_list("ord", "synonymer"))
    return [[o, *tabell.get(o, [])] for o in ord_]


def diagnose_fra_ord(tekst: str) -> DiagnoseOppslag:
    """Words a GP types for a diagnosis ('korsrygg', 'angst', 'utbrent', 'skulder') resolved
    through the code titles and målgruppe names to målgrupper."""
    # Short words and numbers say nothing about a diagnosis ("' OR 1=1" must not match "ortopedi").
    ord_ = [o for o in ord_i(tekst) if len(o) >= 3 and not o.isdigit()]
    if not ord_:
        raise IngenDiagnose(tekst)
    spenn = malgruppe_spenn()
    ider: set[int] = set()
    treff: list[KodeTreff] = []
    for alternativer in med_synonymer(ord_):
        titler = Q()
        navn = Q()
        for alt in alternativer:
            titler |= Q(tittel__icontains=alt)
            navn |= Q(navn__icontains=alt)
        koder = list(Diagnosekode.objects.filter(titler).order_by("-kodeverk", "sokekode")[:500])
        ord_ider = set(Malgruppe.objects.filter(navn).values_list("id", flat=True))
        for d in koder:
            ord_ider |= _malgrupper_for(d.kodeverk, d.kode, spenn)
        ider |= ord_ider
        treff += [KodeTreff(d.kodeverk, d.kode, d.tittel) for d in koder[:5]]
    if not ider:
        raise IngenDiagnose(tekst)
    return DiagnoseOppslag(sokt=tekst, treff=treff, malgruppe_ider=ider)


def kommune_fra_tekst(tekst: str) -> list[Kommune]:
    """Kommuner a typed name means: 'Tromsø', 'karasjok' (any part of a multilingual name) or
    'Herøy' (both Herøy kommuner, for the caller to ask which)."""
    soket = tekst.strip().lower()
    treff = []
    for kommune in referanse().kommuner.values():
        deler = [kommune.navn.lower(), *(d.strip().lower() for d in kommune.navn.split(" - "))]
        uten_fylke = [re.sub(r"\s*\(.*\)$", "", d) for d in deler]
        if soket in deler or soket in uten_fylke:
            treff.append(kommune)
    return treff


def tekstsok(qs: QuerySet, tekst: str) -> QuerySet:
    """Every word (or one of its synonyms) must match; adds `relevans` for ordering. `qs` is
    tilbud or the search table's rows (sokegrunnlag); the text columns are the tilbud's.

    PostgreSQL: full-text search with the `norwegian` configuration over the weighted
    `sokevektor` (prefixes, so 'nakk' finds 'nakke'). A word the full-text index does not know
    at all is taken as a typo and replaced by the closest words of the catalogue's vocabulary
    (pg_trgm similarity: 'depresjom' → depresjon), so a typo costs an index look-up, not a
    similarity test of every tilbud. SQLite: substring match on the lower-case `sokeord` and
    the descriptions.
    """
    grupper = med_synonymer(ord_i(tekst))
    if not grupper:
        return qs
    t = "tilbud__" if qs.model is Sokerad else ""
    if connection.vendor != "postgresql":
        for alternativer in grupper:
            treff = Q()
            for alt in alternativer:
                treff |= (
                    Q(**{f"{t}sokeord__contains": alt})
                    | Q(**{f"{t}malgruppe_tekst__icontains": alt})
                    | Q(**{f"{t}innhold__icontains": alt})
                )
            qs = qs.filter(treff)
        return qs
    alle = []
    for alternativer in grupper:
        sporring, uttrykk = _tsquery(alternativer)
        if len(alternativer[0]) >= 4 and not kjent_ord(uttrykk):
            # Unknown to the full-text index: a typo. Search for the closest catalogue words.
            sporring, uttrykk = _tsquery(rettet_skrivefeil(alternativer[0]) or alternativer[:1])
        alle.append(uttrykk)
        qs = qs.filter(**{f"{t}sokevektor": sporring})
    hele = SearchQuery(" | ".join(f"({a})" for a in alle), search_type="raw", config="norwegian")
    return qs.annotate(relevans=SearchRank(F(f"{t}sokevektor"), hele))


def _tsquery(alternativer: list[str]) -> tuple[SearchQuery, str]:
    """Any of the alternatives (each word a prefix), as a `norwegian` tsquery and its text."""
    deler = [" & ".join(f"{w}:*" for w in ord_i(alt)) for alt in alternativer]
    uttrykk = " | ".join(f"({d})" for d in deler if d)
    return SearchQuery(uttrykk, search_type="raw", config="norwegian"), uttrykk


SKRIVEFEIL_LIKHET = 0.4


def kjent_ord(uttrykk: str) -> bool:
    """Whether a raw `norwegian` tsquery matches any lexeme of the catalogue's vocabulary
    (PostgreSQL; a few thousand rows, where the same probe on the tilbud would scan them all
    when nothing matches)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM tilbud_sokeordliste "
            "WHERE array_to_tsvector(ARRAY[ord]) @@ to_tsquery('norwegian', %s))",
            [uttrykk],
        )
        return cursor.fetchone()[0]


def rettet_skrivefeil(ordet: str, *, antall: int = 3) -> list[str]:
    """The catalogue lexemes closest to a mistyped word ('depresjom' → depresjon), by trigram
    similarity over the catalogue's vocabulary (PostgreSQL, kept by triggers: migration 0007)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ord FROM tilbud_sokeordliste WHERE ord %% %s AND similarity(ord, %s) >= %s "
            "ORDER BY similarity(ord, %s) DESC, ord LIMIT %s",
            [ordet, ordet, SKRIVEFEIL_LIKHET, ordet, antall],
        )
        return [rad[0] for rad in cursor.fetchall()]


# Tiers the way a GP thinks: own HF area, private providers with an agreement with the
# patient's RHF, the rest of the RHF, elsewhere.
NIVAER = {
    1: ("eget_hf", "Ditt helseforetak"),
    2: ("avtale", "Privat tilbud med avtale i din helseregion"),
    3: ("regionen", "Andre tilbud i din helseregion"),
    4: ("utenfor", "Utenfor din helseregion"),
}
_KM_PER_GRAD = 111.195


def etter_relevans(qs: QuerySet, *forst: Any) -> list[Any]:
    """Ordering terms: `forst`, then text relevance where the search computed one (PostgreSQL)."""
    if "relevans" in qs.query.annotations:
        return [*forst, F("relevans").desc()]
    return list(forst)


def ferskhet(sist_bekreftet: date, *, idag: date | None = None) -> dict[str, str]:
    """Staleness badge: thresholds are settings (FERSKHET_ELDRE_MANEDER / _GAMMEL_MANEDER)."""
    idag = idag or timezone.localdate()
    maneder = (idag.year - sist_bekreftet.year) * 12 + idag.month - sist_bekreftet.month
    if maneder >= settings.FERSKHET_GAMMEL_MANEDER:
        return {
            "kode": "gammel",
            "navn": f"Ikke bekreftet på over {settings.FERSKHET_GAMMEL_MANEDER} måneder",
        }
    if maneder >= settings.FERSKHET_ELDRE_MANEDER:
        return {
            "kode": "eldre",
            "navn": f"Ikke bekreftet på over {settings.FERSKHET_ELDRE_MANEDER} måneder",
        }
    return {"kode": "fersk", "navn": "Nylig bekreftet"}


def henvisning_kort(tilbud: Tilbud) -> str:
    """'Slik henviser du' in one line, from where the referral goes and who may refer."""
    return henvisning_kort_tekst(
        henvisning_til=tilbud.henvisning_til,
        organisasjon_navn=tilbud.organisasjon.navn,
        organisasjon_type=tilbud.organisasjon.type,
        rhf_navn=tilbud.rhf.navn,
        henvisere=tilbud.henvisere,
    )


def henvisning_kort_tekst(
    *,
    henvisning_til: str,
    organisasjon_navn: str,
    organisasjon_type: str,
    rhf_navn: str,
    henvisere: list[str],
) -> str:
    """henvisning_kort from plain values (the search's result cards are built from rows)."""
    til_hf = (
        f"Send henvisning til {organisasjon_navn}."
        if organisasjon_type != Organisasjon.Type.PRIVAT
        else "Send henvisning til helseforetaket (Helse og arbeid-poliklinikken eller DPS), "
        f"som vurderer og henviser videre til {organisasjon_navn}."
    )
    tekster: dict[str, str] = {
        Tilbud.HenvisningTil.HF: til_hf,
        Tilbud.HenvisningTil.REGIONAL_VURDERING: (
            "Send henvisning til regional vurderingsenhet (RKE/RVE), som vurderer retten "
            "til behandling."
        ),
        Tilbud.HenvisningTil.LEVERANDOR: f"Send henvisning direkte til {organisasjon_navn}.",
    }
    til = tekster.get(henvisning_til, f"Ukjent – kontakt {rhf_navn}.")
    if henvisere:
        til += " Kan henvise: " + ", ".join(henvisere) + "."
    return til


def avstand_km(tilbud: Tilbud, kommune: Kommune | None) -> float | None:
    """Distance from the patient's kommune to the tilbud's nearest site, in km. Uses the
    prefetched sites."""
    steder = [(lok.kommune.lat, lok.kommune.lon) for lok in tilbud.lokasjoner.all()]
    return avstand_km_til(steder, kommune)


def avstand_km_til(steder: list[tuple[Any, Any]], kommune: Kommune | None) -> float | None:
    """Distance from the patient's kommune to the nearest of the sites' (lat, lon), in km
    (equirectangular; good to a few percent at these distances)."""
    if kommune is None or not steder:
        return None
    lat0, lon0 = float(kommune.lat), float(kommune.lon)
    coslat = math.cos(math.radians(lat0))
    naermest = min(
        math.hypot(float(lat) - lat0, (float(lon) - lon0) * coslat) for lat, lon in steder
    )
    return round(naermest * _KM_PER_GRAD, 1)


def diagnosekoder_sok(q: str, *, kodeverk: str | None = None) -> QuerySet[Diagnosekode]:
    """Type-ahead over the full code lists: a code prefix ('F41', 'l0') or words of the title."""
    qs = Diagnosekode.objects.all()
    if kodeverk:
        qs = qs.filter(kodeverk=kodeverk)
    q = q.strip()
    if not q:
        return qs.order_by("kodeverk", "kode")
    kandidat = q.upper().replace(".", "")
    direkte = Q()
    # A code or code prefix: one letter, or a letter then a digit ("L", "L0", "F41", "F411").
    # Words such as "angst" must not be read as codes.
    if re.fullmatch(r"[A-Z](?:\d[0-9A-Z]{0,5})?", kandidat):
        qs = qs.filter(sokekode__startswith=kandidat)
    else:
        # Each word, or one of its synonyms ('utbrent' → nevrasteni), must be in the title;
        # titles with the words as typed come before those found through a synonym.
        for alternativer in med_synonymer(ord_i(q)):
            treff = Q()
            for alt in alternativer:
                treff |= Q(tittel__icontains=alt)
            qs = qs.filter(treff)
            direkte &= Q(tittel__icontains=alternativer[0])
    # GPs type ICPC-2 most: exact code first, then direct title matches, then ICPC-2 before
    # ICD-10, then by code.
    qs = qs.annotate(
        eksakt=Case(
            When(sokekode=kandidat, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    )
    if not direkte:
        return qs.order_by("eksakt", "-kodeverk", "sokekode")
    return qs.annotate(
        direkte=Case(When(direkte, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("eksakt", "direkte", "-kodeverk", "sokekode")


def malgrupper_for_koder(koder: list[Diagnosekode]) -> dict[int, list[Malgruppe]]:
    """Målgrupper for each code of a page of codes, in two queries whatever the page size."""
    spenn = malgruppe_spenn()
    alle = {m.id: m for m in Malgruppe.objects.all()}
    return {
        d.id: [alle[i] for i in sorted(_malgrupper_for(d.kodeverk, d.kode, spenn))] for d in koder
    }


def andre_regioners_tilbud_i(kommune: Kommune) -> list[int]:
    """Tilbud of other regions with a site in the kommune: rare, so an id list. PostgreSQL
    reads the search table's site kommuner outside the own region (GIN index, migration 0010);
    SQLite the tilbud–site links."""
    if connection.vendor == "postgresql":
        # Plain SQL: every ranked search runs it, and compiling it cost more than running it.
        with connection.cursor() as cursor:
            # Other regions' tilbud with a site here are those with the kommune among their
            # sites outside their own region (a small GIN index, migration 0010).
            cursor.execute(
                "SELECT tilbud_id FROM tilbud_sokerad "
                "WHERE kommuner_utenfor @> ARRAY[%s]::varchar(4)[] ORDER BY tilbud_id",
                [kommune.nummer],
            )
            return [rad[0] for rad in cursor.fetchall()]
    qs = Tilbud.objects.filter(lokasjoner__kommune=kommune).distinct()
    return list(qs.exclude(rhf_id=kommune.rhf_id).values_list("pk", flat=True))


def kommune_betjent(kommune: Kommune) -> Q:
    """Tilbud serving a kommune: those of its RHF, and those of other regions with a site in
    it. (The patient's own kommune is served by tilbud.rangering, which also ranks.)"""
    return Q(rhf_id=kommune.rhf_id) | Q(pk__in=andre_regioners_tilbud_i(kommune))


def tilbud_qs() -> QuerySet[Tilbud]:
    """The base of every tilbud list and page; filters come from tilbud.filters.TilbudFilter."""
    return Tilbud.objects.med_relasjoner().order_by("navn", "id")


# Long text a result card never shows: left out of list queries so that sorting a large
# candidate set moves narrow rows.
_IKKE_I_LISTER = [
    "sokevektor", "sokeord", "innhold", "malgruppe_tekst", "behandlingsform_tekst", "varighet",
    "deltilbud", "nav_samarbeid", "helseiarbeid_tekst", "arbeidsgiverkontakt", "digitalt",
    "kapasitet", "henvisning_tekst", "beskrivelse_2019", "merknader", "inklusjonskriterier",
    "eksklusjonskriterier", "diagnoser", "yrkesgrupper",
]  # fmt: skip


def tilbud_liste_qs() -> QuerySet[Tilbud]:
    """The tilbud without the long text columns and without their relations, in name order:
    what a search over the tilbud themselves filters and ranks (the cards are read apart)."""
    return Tilbud.objects.defer(*_IKKE_I_LISTER).order_by("navn", "id")


def sokegrunnlag() -> QuerySet:
    """What the search filters, ranks and pages: on PostgreSQL the narrow search table (one
    short row per tilbud, see tilbud.models.sokerad), elsewhere the tilbud themselves
    (`tilbud_liste_qs`). Turn a page of it into result cards with `kortdata_for_treff`."""
    if connection.vendor == "postgresql":
        return Sokerad.objects.all()
    return tilbud_liste_qs()


_RANGERING = ("niva_rang", "relevans", "avstand2")

# What a result card shows, as `values()` keys (tilbud.api.serializers.resultatkort).
_KORTFELT = (
    "id", "navn", "organisasjon_id", "organisasjon__navn", "organisasjon__type", "rhf__kode",
    "rhf__navn", "fagomrade", "alder_fra", "alder_til", "helseiarbeid", "henvisning_til",
    "henvisere", "ventetid_tekst", "ventetid_uker", "ventetid_type", "ventetid_dato",
    "ventetid_kilde", "status", "sist_bekreftet", "endret",
)  # fmt: skip


def kortdata_for_treff(treff: list[Any]) -> list[dict[str, Any]]:
    """What the result cards of a page of search rows show, in the page's order: the tilbud's
    columns with provider and region, its målgrupper, behandlingsformer and sites (with their
    kommune's point) as lists, and the ranking annotations (tier, relevance) carried over.

    Plain values, no model instances, a fixed number of queries whatever the page size: one
    statement on PostgreSQL (`_kortdata_postgres`), four elsewhere (`kortdata`). Building 25
    tilbud with their related objects through prefetch_related cost more than the search."""
    if not treff:
        return []
    ider = [rad.pk for rad in treff]
    if all(getattr(rad, "kort", None) is not None for rad in treff):
        rader = {rad.pk: rad.kort for rad in treff}  # read with the page (tilbud.rangering)
    elif connection.vendor == "postgresql":
        rader = {r["id"]: r for r in _kortdata_postgres(ider)}
    else:
        rader = {r["id"]: r for r in kortdata(ider)}
    ut = []
    for rad in treff:
        if (kort := rader.get(rad.pk)) is None:
            continue  # the search table is kept in the same transaction; defensive only
        for navn in _RANGERING:
            if hasattr(rad, navn):
                kort[navn] = getattr(rad, navn)
        ut.append(kort)
    return ut


def kortdata(ider: list[int]) -> list[dict[str, Any]]:
    """The result cards' values of the given tilbud, through the ORM (any database)."""
    rader = {r["id"]: r for r in Tilbud.objects.filter(pk__in=ider).values(*_KORTFELT)}
    for rad in rader.values():
        rad.update(malgrupper=[], behandlingsformer=[], lokasjoner=[])
    # Each list in the order of its model's Meta.ordering, as the tilbud detail shows it.
    for tilbud_id, slug, navn in (
        Tilbud.malgrupper.through.objects.filter(tilbud_id__in=ider)
        .order_by("malgruppe__navn", "malgruppe_id")
        .values_list("tilbud_id", "malgruppe__slug", "malgruppe__navn")
    ):
        rader[tilbud_id]["malgrupper"].append({"slug": slug, "navn": navn})
    for tilbud_id, kode, navn in (
        Tilbud.behandlingsformer.through.objects.filter(tilbud_id__in=ider)
        .order_by("behandlingsform__rekkefolge", "behandlingsform_id")
        .values_list("tilbud_id", "behandlingsform_id", "behandlingsform__navn")
    ):
        rader[tilbud_id]["behandlingsformer"].append({"kode": kode, "navn": navn})
    for tilbud_id, *lokasjon in (
        Tilbud.lokasjoner.through.objects.filter(tilbud_id__in=ider)
        .order_by("lokasjon__navn", "lokasjon_id")
        .values_list(
            "tilbud_id",
            "lokasjon_id",
            "lokasjon__navn",
            "lokasjon__kommune__nummer",
            "lokasjon__kommune__navn",
            "lokasjon__kommune__lat",
            "lokasjon__kommune__lon",
        )
    ):
        rader[tilbud_id]["lokasjoner"].append(tuple(lokasjon))
    return list(rader.values())


# `kortdata` as one statement: the lists as JSON built by PostgreSQL, in the same orders.
# `{hvor}` says which tilbud (tilbud.rangering puts the cards of a ranked page in its statement).
KORTDATA_SQL = """
SELECT t.id, t.navn, t.organisasjon_id, o.navn, o.type, r.kode, r.navn, t.fagomrade,
       t.alder_fra, t.alder_til, t.helseiarbeid, t.henvisning_til, t.ventetid_tekst,
       t.ventetid_uker, t.ventetid_type, t.ventetid_dato, t.ventetid_kilde, t.status,
       t.sist_bekreftet, t.endret, t.henvisere::text,
       (SELECT json_agg(json_build_object('slug', m.slug, 'navn', m.navn) ORDER BY m.navn, m.id)
          FROM tilbud_tilbud_malgrupper tm JOIN tilbud_malgruppe m ON m.id = tm.malgruppe_id
         WHERE tm.tilbud_id = t.id)::text,
       (SELECT json_agg(json_build_object('kode', b.kode, 'navn', b.navn)
                        ORDER BY b.rekkefolge, b.kode)
          FROM tilbud_tilbud_behandlingsformer tb
          JOIN tilbud_behandlingsform b ON b.kode = tb.behandlingsform_id
         WHERE tb.tilbud_id = t.id)::text,
       (SELECT json_agg(json_build_array(l.id, l.navn, k.nummer, k.navn, k.lat::text,
                                         k.lon::text) ORDER BY l.navn, l.id)
          FROM tilbud_tilbud_lokasjoner tl JOIN tilbud_lokasjon l ON l.id = tl.lokasjon_id
          JOIN tilbud_kommune k ON k.nummer = l.kommune_id
         WHERE tl.tilbud_id = t.id)::text
  FROM tilbud_tilbud t
  JOIN tilbud_organisasjon o ON o.id = t.organisasjon_id
  JOIN tilbud_organisasjon r ON r.id = t.rhf_id
 WHERE {hvor}
"""


_KORTFELT_UTEN_LISTER = tuple(f for f in _KORTFELT if f != "henvisere")


def _kortdata_postgres(ider: list[int]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(KORTDATA_SQL.format(hvor="t.id = ANY(%s)"), [ider])
        return [kortrad(rad) for rad in cursor.fetchall()]


def kortrad(rad: tuple[Any, ...]) -> dict[str, Any]:
    """A row of KORTDATA_SQL as the values `kortdata` gives."""
    *felt, henvisere, malgrupper, behandlingsformer, lokasjoner = rad
    kort = dict(zip(_KORTFELT_UTEN_LISTER, felt, strict=True))
    kort["henvisere"] = json.loads(henvisere)
    kort["malgrupper"] = json.loads(malgrupper or "[]")
    kort["behandlingsformer"] = json.loads(behandlingsformer or "[]")
    # As the ORM gives them: the point as Decimal, so distances are computed alike.
    kort["lokasjoner"] = [
        (i, navn, nummer, kommune, Decimal(lat), Decimal(lon))
        for i, navn, nummer, kommune, lat, lon in json.loads(lokasjoner or "[]")
    ]
    return kort


def tilbud_historikk(tilbud: Tilbud) -> list[dict[str, Any]]:
    """Every recorded version of a tilbud, newest first, with what changed from the one before,
    who changed it and why. Empty where no history is kept (SQLite)."""
    if not settings.HISTORIKK_AKTIV:
        return []
    hendelser = list(
        # pghistory.track adds pgh_event_model when the class is made; the stubs cannot see it.
        Tilbud.pgh_event_model.objects.filter(pgh_obj_id=tilbud.pk)  # type: ignore[attr-defined]
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    felt = [*REDIGERBARE_FELT, "status", "avsluttet_dato", "avsluttet_grunn", "sist_bekreftet"]
    ut = []
    forrige = None
    for h in hendelser:
        endringer = {
            navn: {"fra": getattr(forrige, navn) if forrige else None, "til": getattr(h, navn)}
            for navn in felt
            if forrige is None or getattr(forrige, navn) != getattr(h, navn)
        }
        kontekst = h.pgh_context.metadata if h.pgh_context else {}
        ut.append(
            {
                "versjon": h.versjon,
                "tidspunkt": h.pgh_created_at,
                "hendelse": "opprettet" if h.pgh_label == "insert" else "endret",
                "bruker": kontekst.get("bruker", ""),
                "grunn": kontekst.get("grunn", ""),
                "endringer": endringer if forrige is not None else {},
            }
        )
        forrige = h
    return list(reversed(ut))
