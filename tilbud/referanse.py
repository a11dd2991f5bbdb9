"""The reference tables every search reads — kommuner, postnumre, fylker, the RHF, målgrupper,
behandlingsformer, the code lists (ICPC-2, ICD-10) and their målgruppe ranges, opptaksområder
and agreements — held in process memory (a few MB).

A search used to spend five of its twelve queries here, each costing more in Django than in
PostgreSQL. These tables change with the yearly import and, for agreements and opptaksområder,
through the admin and the coordinator area, so a copy per process is safe if it is refreshed:

- every write to them, however made (a service, `save()`, `update()`, the admin, the import,
  raw SQL), gives the catalogue version (tilbud.katalogversjon) a new value in the same
  transaction, by the triggers of tilbud.services.sokevokter;
- a copy remembers the version it was loaded at; a request compares it with the database once
  (the version is read at most once per request) and reloads when it has moved; outside a
  request (tasks, the shell) it compares at most once every SJEKK_HVERT seconds;
- saves and deletes through the ORM in this process also drop the copy at once (signals), so a
  service that writes and then searches in the same request sees its own write.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import katalogversjon
from .models import (
    Avtale,
    Behandlingsform,
    Diagnosekode,
    Fylke,
    Kommune,
    Malgruppe,
    MalgruppeKode,
    Opptaksomrade,
    Organisasjon,
    Postnummer,
)
from .models.diagnose import Kodeverk

SJEKK_HVERT = 1.0  # seconds between looks at the catalogue version outside a request
KATEGORI_MAKS = 50  # "Kategori med 50 underkoder" is enough to say it is a category


@dataclass(frozen=True)
class Referanse:
    """One consistent snapshot. The model instances are shared: read them, never change them."""

    kommuner: dict[str, Kommune]  # nummer → kommune, in number order
    postnumre: dict[str, str]  # postnummer → kommunenummer
    fylker: dict[str, Fylke]
    rhf: dict[str, Organisasjon]  # kode (upper case) → RHF, in code order
    malgrupper: dict[str, Malgruppe]  # slug → målgruppe, in name order
    behandlingsformer: dict[str, Behandlingsform]  # kode → form, in display order
    malgruppe_spenn: list[MalgruppeKode]
    egne_hf: dict[str, list[int]]  # kommunenummer → the HF(s) whose opptaksområde it is in
    bydeler: dict[str, "Bydel"]  # bydelsnummer (Oslo: 030101 …) → the bydel, in number order
    med_avtale: dict[int, list[int]]  # RHF id → private providers with an agreement with it
    # sokekode → (kodeverk, kode, tittel) of each code list that has it, ICPC-2 first
    diagnosekoder: dict[str, list[tuple[str, str, str]]]
    # ICD-10 category (3 characters) → (sub-codes, at most KATEGORI_MAKS; first sub-code, title)
    icd10_kategorier: dict[str, tuple[int, str, str]]


@dataclass(frozen=True)
class Bydel:
    """A bydel of a kommune split by bydel in the catchment data (Oslo), and its own HF."""

    nummer: str  # SSB's six digits, 030111
    navn: str
    kommune_id: str
    helseforetak_id: int


def _last() -> Referanse:
    kommuner = {k.nummer: k for k in Kommune.objects.order_by("nummer")}
    diagnosekoder: dict[str, list[tuple[str, str, str]]] = {}
    icd10_kategorier: dict[str, tuple[int, str, str]] = {}
    for kodeverk, kode, sokekode, tittel in Diagnosekode.objects.order_by(
        "-kodeverk", "kode"
    ).values_list("kodeverk", "kode", "sokekode", "tittel"):
        diagnosekoder.setdefault(sokekode, []).append((kodeverk, kode, tittel))
        if kodeverk == Kodeverk.ICD10 and len(sokekode) >= 3:
            antall, forste, forste_tittel = icd10_kategorier.get(sokekode[:3], (0, kode, tittel))
            icd10_kategorier[sokekode[:3]] = (
                min(antall + 1, KATEGORI_MAKS),
                forste,
                forste_tittel,
            )
    return Referanse(
        kommuner=kommuner,
        postnumre=dict(Postnummer.objects.values_list("nummer", "kommune_id")),
        fylker={f.nummer: f for f in Fylke.objects.order_by("nummer")},
        rhf={o.kode.upper(): o for o in Organisasjon.objects.rhf().order_by("kode")},
        malgrupper={m.slug: m for m in Malgruppe.objects.all()},
        behandlingsformer={b.kode: b for b in Behandlingsform.objects.all()},
        malgruppe_spenn=list(MalgruppeKode.objects.all()),
        egne_hf=_gruppert(Opptaksomrade.objects.values_list("kommune_id", "helseforetak_id")),
        bydeler={
            nummer: Bydel(nummer, navn, kommune_id, hf_id)
            for nummer, navn, kommune_id, hf_id in Opptaksomrade.objects.exclude(bydelsnummer="")
            .order_by("bydelsnummer")
            .values_list("bydelsnummer", "bydelsnavn", "kommune_id", "helseforetak_id")
        },
        med_avtale=_gruppert(Avtale.objects.order_by().values_list("rhf_id", "leverandor_id")),
        diagnosekoder=diagnosekoder,
        icd10_kategorier=icd10_kategorier,
    )


def _gruppert(par: Iterable[tuple[Any, int]]) -> dict[Any, list[int]]:
    """(key, id) pairs as key → its distinct ids, in first-seen order."""
    ut: dict[Any, list[int]] = {}
    for nokkel, id_ in par:
        if id_ not in ut.setdefault(nokkel, []):
            ut[nokkel].append(id_)
    return ut


@dataclass(frozen=True)
class _Kopi:
    referanse: Referanse
    versjon: str


# One copy per process, replaced as a whole (one assignment), so every thread of a threaded
# server sees either the old or the new snapshot, never a mix.
_kopi: _Kopi | None = None
_sjekket = 0.0


def referanse() -> Referanse:
    """This process's copy, reloaded when the catalogue version has moved."""
    global _kopi, _sjekket
    kopi, naa = _kopi, time.monotonic()
    if kopi is not None and not katalogversjon.i_foresporsel() and naa - _sjekket < SJEKK_HVERT:
        return kopi.referanse
    # The version first, then the tables: a write committed in between makes the copy newer
    # than its version says, and the next look reloads it; never older.
    versjon = katalogversjon.gjeldende()
    if kopi is None or versjon != kopi.versjon:
        kopi = _Kopi(referanse=_last(), versjon=versjon)
        _kopi = kopi
    _sjekket = naa
    return kopi.referanse


_generasjon = 0  # counts endret(): tests drop a copy that saw their rolled-back changes


def glem() -> None:
    """Drop this process's copy: the next call reads the tables again."""
    global _kopi
    _kopi = None


def se_etter() -> None:
    """Compare the copy with the catalogue version at the next call, also outside a request
    (tests: a rolled-back transaction takes the version back to what it was)."""
    global _sjekket
    _sjekket = 0.0


def generasjon() -> int:
    return _generasjon


def endret() -> None:
    """The tables changed in this process: read them again at once (the other processes see the
    catalogue version move when the write commits)."""
    global _generasjon
    _generasjon += 1
    glem()
    katalogversjon.glem()


REFERANSEMODELLER = (
    Avtale,
    Behandlingsform,
    Diagnosekode,
    Fylke,
    Kommune,
    Malgruppe,
    MalgruppeKode,
    Opptaksomrade,
    Organisasjon,
    Postnummer,
)
