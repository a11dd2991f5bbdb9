"""Reads: code resolution, geography look-ups and the tilbud search used by API and HTML alike."""

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from .models import (
    Avtale,
    Diagnosekode,
    Kommune,
    Malgruppe,
    MalgruppeKode,
    Opptaksomrade,
    Sokerad,
    Synonym,
    Tilbud,
)
from .models.diagnose import Kodeverk
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
    """The whole mapping table (a few dozen rows): one query, matched in Python."""
    return list(MalgruppeKode.objects.all())


def diagnose_slaa_opp(tekst: str) -> DiagnoseOppslag:
    """Resolve a typed code in both code lists.

    ICPC-2 codes and ICD-10 categories share a shape (L03 is both 'korsryggsymptomer' and
    'cellulitt'), so both readings are returned; målgrupper are the union, which is right because
    the målgruppe ranges of the two code lists do not overlap in meaning.
    """
    kode = normaliser_kode(tekst)
    treff = [
        KodeTreff(d.kodeverk, d.kode, d.tittel)
        for d in Diagnosekode.objects.filter(sokekode=kode).order_by("-kodeverk")
    ]
    if not any(t.kodeverk == Kodeverk.ICD10 for t in treff) and len(kode) == 3:
        # ICD-10 lists only leaf codes; a category such as F41 stands for its sub-codes.
        barn = list(
            Diagnosekode.objects.filter(
                kodeverk=Kodeverk.ICD10, sokekode__startswith=kode
            ).order_by("kode")[:50]
        )
        if barn:
            treff.append(
                KodeTreff(
                    Kodeverk.ICD10,
                    kode,
                    f"Kategori med {len(barn)} underkoder, f.eks. {barn[0].kode} {barn[0].tittel}",
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
    for kommune in Kommune.objects.all():
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


def ranger_for_kommune(qs: QuerySet, kommune: Kommune) -> QuerySet:
    """The tilbud serving the patient's kommune, with `niva_rang` and `avstand2`, ordered by
    tier, relevance, distance.

    Serving the kommune: the tilbud of its RHF (HF tilbud and private providers with an
    agreement serve the whole region) and the few of other regions with a site in it. The two
    are a UNION ALL rather than one OR, so the region part stays one index range (the search
    table's covering index on PostgreSQL).

    The tiers are column comparisons against short id lists worked out first (the kommune's own
    HF(s), the private providers with an agreement with its RHF), and the distance is plain
    arithmetic on the tilbud's stored site point (squared, in degrees of latitude,
    equirectangular): no subquery per candidate, and it runs on SQLite too."""
    egne_hf = list(
        Opptaksomrade.objects.filter(kommune=kommune).values_list("helseforetak_id", flat=True)
    )
    med_avtale = list(
        Avtale.objects.filter(rhf_id=kommune.rhf_id).values_list("leverandor_id", flat=True)
    )
    lat0, lon0 = float(kommune.lat), float(kommune.lon)
    coslat2 = math.cos(math.radians(lat0)) ** 2
    rangering = {
        "niva_rang": Case(
            When(organisasjon_id__in=egne_hf, then=Value(1)),
            When(organisasjon_id__in=med_avtale, then=Value(2)),
            When(rhf_id=kommune.rhf_id, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        ),
        "avstand2": ExpressionWrapper(
            (F("sted_lat") - lat0) * (F("sted_lat") - lat0)
            + (F("sted_lon") - lon0) * (F("sted_lon") - lon0) * coslat2,
            output_field=FloatField(),
        ),
    }
    rekkefolge = [
        *etter_relevans(qs, "niva_rang"),
        F("avstand2").asc(nulls_last=True),
        "navn",
        "pk",
    ]
    # (No ordering inside the parts: SQLite refuses ORDER BY in a compound's subqueries.)
    i_regionen = qs.filter(rhf_id=kommune.rhf_id).annotate(**rangering).order_by()
    andre = andre_regioners_tilbud_i(kommune)
    if not andre:
        return i_regionen.order_by(*rekkefolge)
    utenfor = qs.filter(pk__in=andre).annotate(**rangering).order_by()
    return i_regionen.union(utenfor, all=True).order_by(*rekkefolge)


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
    til_hf = (
        f"Send henvisning til {tilbud.organisasjon.navn}."
        if tilbud.organisasjon.type != tilbud.organisasjon.Type.PRIVAT
        else "Send henvisning til helseforetaket (Helse og arbeid-poliklinikken eller DPS), "
        f"som vurderer og henviser videre til {tilbud.organisasjon.navn}."
    )
    til = {
        Tilbud.HenvisningTil.HF: til_hf,
        Tilbud.HenvisningTil.REGIONAL_VURDERING: (
            "Send henvisning til regional vurderingsenhet (RKE/RVE), som vurderer retten "
            "til behandling."
        ),
        Tilbud.HenvisningTil.LEVERANDOR: f"Send henvisning direkte til {tilbud.organisasjon.navn}.",
    }.get(tilbud.henvisning_til, f"Ukjent – kontakt {tilbud.rhf.navn}.")
    if tilbud.henvisere:
        til += " Kan henvise: " + ", ".join(tilbud.henvisere) + "."
    return til


def avstand_km(tilbud: Tilbud, kommune: Kommune | None) -> float | None:
    """Distance from the patient's kommune to the tilbud's nearest site, in km (equirectangular;
    good to a few percent at these distances). Uses the prefetched sites."""
    if kommune is None:
        return None
    lat0, lon0 = float(kommune.lat), float(kommune.lon)
    coslat = math.cos(math.radians(lat0))
    avstander = [
        math.hypot(float(lok.kommune.lat) - lat0, (float(lok.kommune.lon) - lon0) * coslat)
        for lok in tilbud.lokasjoner.all()
    ]
    return round(min(avstander) * _KM_PER_GRAD, 1) if avstander else None


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
    reads the search table's site kommuner (GIN index); SQLite the tilbud–site links."""
    if connection.vendor == "postgresql":
        qs = Sokerad.objects.filter(kommuner__contains=[kommune.nummer])
    else:
        qs = Tilbud.objects.filter(lokasjoner__kommune=kommune).distinct()
    return list(qs.exclude(rhf_id=kommune.rhf_id).values_list("pk", flat=True))


def kommune_betjent(kommune: Kommune) -> Q:
    """Tilbud serving a kommune: those of its RHF, and those of other regions with a site in
    it. (The patient's own kommune is served by ranger_for_kommune, which also ranks.)"""
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
    """tilbud_qs without the long text columns, for search result lists."""
    return tilbud_qs().defer(*_IKKE_I_LISTER)


def sokegrunnlag() -> QuerySet:
    """What the search filters, ranks and pages: on PostgreSQL the narrow search table (one
    short row per tilbud, see tilbud.models.sokerad), elsewhere the tilbud themselves. Turn a
    page of it into tilbud with `tilbud_for_treff`."""
    if connection.vendor == "postgresql":
        return Sokerad.objects.all()
    return tilbud_liste_qs()


_RANGERING = ("niva_rang", "relevans", "avstand2")


def tilbud_for_treff(treff: list[Any]) -> list[Tilbud]:
    """The tilbud of a page of search rows, in the page's order, with the ranking annotations
    (tier, relevance) carried over: one query plus the list prefetches, whatever the page size."""
    if not treff or isinstance(treff[0], Tilbud):
        return treff
    tilbud = tilbud_liste_qs().in_bulk([rad.pk for rad in treff])
    ut = []
    for rad in treff:
        if (t := tilbud.get(rad.pk)) is None:
            continue  # the search table is kept in the same transaction; defensive only
        for navn in _RANGERING:
            if hasattr(rad, navn):
                setattr(t, navn, getattr(rad, navn))
        ut.append(t)
    return ut


def tilbud_historikk(tilbud: Tilbud) -> list[dict[str, Any]]:
    """Every recorded version of a tilbud, newest first, with what changed from the one before,
    who changed it and why. Empty where no history is kept (SQLite)."""
    if not settings.HISTORIKK_AKTIV:
        return []
    hendelser = list(
        Tilbud.pgh_event_model.objects.filter(pgh_obj_id=tilbud.pk)
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
