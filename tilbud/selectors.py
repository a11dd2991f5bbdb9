"""Reads: code resolution (ICPC-2/ICD-10 and words), synonyms, kommune names, the code
type-ahead and the base of the tilbud pages. The search itself is tilbud.sok; display texts are
tilbud.visning; a tilbud's history is tilbud.historikk."""

import re
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from .models import (
    Diagnosekode,
    Kommune,
    Malgruppe,
    MalgruppeKode,
    Synonym,
    Tilbud,
)
from .models.diagnose import Kodeverk
from .referanse import referanse

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


def tilbud_qs() -> QuerySet[Tilbud]:
    """The base of every tilbud list and page; the search is tilbud.sok."""
    return Tilbud.objects.med_relasjoner().order_by("navn", "id")
