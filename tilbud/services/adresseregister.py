"""Synchronisation with Adresseregisteret (AR): the AR copy, the cursor, then what it means for
the catalogue (proposals and flags for the coordinators; nothing written to a tilbud silently).

A run: a full export when there is no cursor (or AR says it expired), otherwise the events after
the cursor, page by page. Each unit of work (the whole export, or one page of events) is one
transaction together with the cursor it brings: a run that fails half-way keeps the pages before
the failure and leaves no half-applied page; the next run starts where the cursor says. Applying
an export or an event twice gives the same rows (idempotent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from helsearbeid.adresseregister import ArKlient, ArUtilgjengelig, MarkorUtlopt
from tilbud.models import ArMarkor, ArTjeneste
from tilbud.models.mottak import Melding

logger = logging.getLogger(__name__)

Melder = Callable[[str], None]

# Event types that take a communication party out of AR (the rest create or update it).
SLETTEHENDELSER = {"communicationpartydeleted", "deleted"}

ARTJENESTE_FELT = [
    "navn",
    "type",
    "organisasjonsnummer",
    "overordnet_her_id",
    "tjenestekode",
    "aktiv",
    "slettet",
    "meldinger",
]


@dataclass
class Synkresultat:
    full_eksport: bool = False
    parter: int = 0
    hendelser: int = 0
    slettet: int = 0

    def tekst(self) -> str:
        if self.full_eksport:
            return (
                f"Full eksport: {self.parter} kommunikasjonsparter, "
                f"{self.slettet} ikke lenger i AR."
            )
        return f"{self.hendelser} hendelser, {self.parter} parter oppdatert."


def _tall(verdi: Any) -> int | None:
    try:
        tall = int(verdi)
    except (TypeError, ValueError):
        return None
    return tall if tall > 0 else None


def _felt_fra_ar(part: dict[str, Any]) -> dict[str, Any]:
    """Our fields from one AR communication party (tolerant of the names AR uses: the API's
    JSON is PascalCase; a few fields have two spellings across versions)."""
    tjeneste = part.get("Service")
    if not isinstance(tjeneste, dict):
        tjeneste = {}
    aktiv = part.get("Active", part.get("IsActive", True))
    meldinger = part.get("Messages") or []
    return {
        "navn": " ".join(str(part.get("Name") or part.get("DisplayName") or "").split())[:300],
        "type": str(part.get("Type") or "")[:40],
        "organisasjonsnummer": str(part.get("OrganizationNumber") or part.get("OrgNr") or "")[:9],
        "overordnet_her_id": _tall(part.get("ParentHerId")),
        "tjenestekode": str(part.get("ServiceCode") or tjeneste.get("Code") or "")[:20],
        "aktiv": bool(aktiv),
        "slettet": False,
        # Only the message codes we know; AR's others do not concern us.
        "meldinger": sorted({m for m in meldinger if isinstance(m, str) and m in Melding.values}),
    }


def _lagre_parter(parter: Iterable[dict[str, Any]], melding: Melder) -> tuple[set[int], int]:
    """Create or update the AR copy of these parties; (their HER-ids, how many changed)."""
    nye: dict[int, dict[str, Any]] = {}
    for part in parter:
        her_id = _tall(part.get("HerId"))
        if her_id is None:
            logger.warning("AR-part uten gyldig HerId hoppet over")
            continue
        nye[her_id] = _felt_fra_ar(part)
    finnes = {t.her_id: t for t in ArTjeneste.objects.filter(her_id__in=nye)}
    opprett: list[ArTjeneste] = []
    endre: list[ArTjeneste] = []
    for her_id, felt in nye.items():
        gammel = finnes.get(her_id)
        if gammel is None:
            opprett.append(ArTjeneste(her_id=her_id, **felt))
        elif any(getattr(gammel, navn) != verdi for navn, verdi in felt.items()):
            for navn, verdi in felt.items():
                setattr(gammel, navn, verdi)
            endre.append(gammel)
    ArTjeneste.objects.bulk_create(opprett, batch_size=1000)
    ArTjeneste.objects.bulk_update(endre, [*ARTJENESTE_FELT, "oppdatert"], batch_size=1000)
    if opprett or endre:
        melding(f"  {len(opprett)} nye og {len(endre)} endrede parter lagret")
    return set(nye), len(opprett) + len(endre)


def _markor() -> ArMarkor:
    markor, _ = ArMarkor.objects.get_or_create(navn="ar")
    return markor


def _full_eksport(klient: ArKlient, melding: Melder) -> Synkresultat:
    melding("Henter full eksport fra Adresseregisteret …")
    siste, parter = klient.eksport()
    melding(f"  {len(parter)} kommunikasjonsparter mottatt (LastEventId {siste})")
    with transaction.atomic():
        markor = ArMarkor.objects.select_for_update().get(pk=_markor().pk)
        her_ider, _ = _lagre_parter(parter, melding)
        # What the export does not hold is gone from AR.
        slettet = (
            ArTjeneste.objects.filter(slettet=False)
            .exclude(her_id__in=her_ider)
            .update(slettet=True, oppdatert=timezone.now())
        )
        markor.siste_hendelse_id = siste
        markor.full_eksport = markor.sist_synkronisert = timezone.now()
        markor.save()
    return Synkresultat(full_eksport=True, parter=len(her_ider), slettet=slettet)


def _bruk_side(hendelser: list[dict[str, Any]], forventet: str, melding: Melder) -> int | None:
    """Apply one page of events with its cursor; None when another run moved the cursor."""
    with transaction.atomic():
        markor = ArMarkor.objects.select_for_update().get(navn="ar")
        if markor.siste_hendelse_id != forventet:
            return None
        # Per HER-id only the page's last event counts (events are in order).
        siste: dict[int, dict[str, Any]] = {}
        for hendelse in hendelser:
            her_id = _tall(hendelse.get("HerId"))
            if her_id is not None:
                siste[her_id] = hendelse
        slett = [
            h for h, e in siste.items() if str(e.get("EventType", "")).lower() in SLETTEHENDELSER
        ]
        oppdater = [
            {"HerId": h, **(e.get("CommunicationParty") or {})}
            for h, e in siste.items()
            if h not in slett
        ]
        _, endret = _lagre_parter(oppdater, melding)
        ArTjeneste.objects.filter(her_id__in=slett, slettet=False).update(
            slettet=True, oppdatert=timezone.now()
        )
        markor.siste_hendelse_id = str(hendelser[-1].get("EventId") or forventet)
        markor.sist_synkronisert = timezone.now()
        markor.save()
        return endret + len(slett)


def _hendelser(klient: ArKlient, markor: ArMarkor, melding: Melder) -> Synkresultat:
    resultat = Synkresultat()
    cursor = markor.siste_hendelse_id
    melding(f"Henter hendelser etter {cursor} …")
    hendelser, neste = klient.hendelser(cursor)
    while hendelser:
        endret = _bruk_side(hendelser, cursor, melding)
        if endret is None:
            melding("En annen kjøring har flyttet markøren; stopper.")
            break
        resultat.hendelser += len(hendelser)
        resultat.parter += endret
        cursor = ArMarkor.objects.get(navn="ar").siste_hendelse_id
        melding(f"  {resultat.hendelser} hendelser behandlet (markør {cursor})")
        hendelser, neste = klient.neste_side(neste) if neste else klient.hendelser(cursor)
    ArMarkor.objects.filter(navn="ar").update(sist_synkronisert=timezone.now())
    return resultat


def synk_adresseregister(*, klient: ArKlient, melding: Melder | None = None) -> Synkresultat:
    """One synchronisation run. Raises `ArUtilgjengelig` when AR is away (nothing half-done is
    kept; the caller retries)."""
    melde: Melder = melding or (lambda _tekst: None)
    markor = _markor()
    if not markor.siste_hendelse_id:
        resultat = _full_eksport(klient, melde)
    else:
        try:
            resultat = _hendelser(klient, markor, melde)
        except MarkorUtlopt:
            melde("AR kjenner ikke lenger markøren: starter på nytt med full eksport.")
            resultat = _full_eksport(klient, melde)
    melde(resultat.tekst())
    return resultat


def synk_med_forsok(
    *,
    klient: ArKlient,
    melding: Melder | None = None,
    forsok: int = 3,
    forste_pause: float = 5.0,
    vent: Callable[[float], None] | None = None,
) -> Synkresultat:
    """`synk_adresseregister`, tried again while AR is away, waiting 5, 10, 20 … seconds. Each
    attempt starts from the stored cursor, so a retry repeats nothing that was kept."""
    import time

    melde: Melder = melding or (lambda _tekst: None)
    sov = vent or time.sleep
    for nummer in range(1, forsok + 1):
        try:
            return synk_adresseregister(klient=klient, melding=melde)
        except ArUtilgjengelig as feil:
            if nummer == forsok:
                raise
            pause = forste_pause * 2 ** (nummer - 1)
            melde(f"AR svarte ikke ({feil}); forsøk {nummer + 1} av {forsok} om {pause:g} s.")
            sov(pause)
    raise AssertionError("unreachable")
