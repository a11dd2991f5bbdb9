"""Reads: code resolution, geography look-ups and the tilbud search used by API and HTML alike."""

import re
from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from .models import Diagnosekode, Kommune, Lokasjon, Malgruppe, MalgruppeKode, Tilbud
from .models.diagnose import Kodeverk

# A code as GPs and hospitals type it: letter + two digits, optionally a dot and up to 4 more.
_KODE_RE = re.compile(r"^[A-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")


class UgyldigKode(ValueError):
    """The text is not shaped like an ICPC-2 or ICD-10 code."""


class UkjentKode(LookupError):
    """Shaped like a code, but in neither code list."""


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


def diagnosekoder_sok(q: str, *, kodeverk: str | None = None) -> QuerySet[Diagnosekode]:
    """Type-ahead over the full code lists: a code prefix ('F41', 'l0') or words of the title."""
    qs = Diagnosekode.objects.all()
    if kodeverk:
        qs = qs.filter(kodeverk=kodeverk)
    q = q.strip()
    if not q:
        return qs.order_by("kodeverk", "kode")
    kandidat = q.upper().replace(".", "")
    if re.fullmatch(r"[A-Z]\d{0,2}[0-9A-Z]{0,4}", kandidat):
        qs = qs.filter(sokekode__startswith=kandidat)
    else:
        for ord_ in q.split():
            qs = qs.filter(tittel__icontains=ord_)
    # GPs type ICPC-2 most: exact code first, then ICPC-2 before ICD-10, then shortest code.
    return qs.annotate(
        eksakt=Case(
            When(sokekode=kandidat, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by("eksakt", "-kodeverk", "sokekode")


def malgrupper_for_koder(koder: list[Diagnosekode]) -> dict[int, list[Malgruppe]]:
    """Målgrupper for each code of a page of codes, in two queries whatever the page size."""
    spenn = malgruppe_spenn()
    alle = {m.id: m for m in Malgruppe.objects.all()}
    return {
        d.id: [alle[i] for i in sorted(_malgrupper_for(d.kodeverk, d.kode, spenn))] for d in koder
    }


def kommune_betjent(kommune: Kommune) -> Q:
    """Tilbud serving a kommune: sites in it, and tilbud of its RHF (HF tilbud and private
    providers with an agreement with that RHF serve the whole region)."""
    har_lokasjon = Exists(Lokasjon.objects.filter(tilbud=OuterRef("pk"), kommune=kommune))
    return Q(rhf_id=kommune.rhf_id) | Q(har_lokasjon)


def tilbud_qs() -> QuerySet[Tilbud]:
    """The base of every tilbud list and page; filters come from tilbud.filters.TilbudFilter."""
    return Tilbud.objects.med_relasjoner().order_by("navn", "id")
