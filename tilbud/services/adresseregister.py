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

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from helsearbeid.adresseregister import ArKlient, ArUtilgjengelig, MarkorUtlopt
from tilbud.models import ArFlagg, ArMarkor, ArTjeneste, Endringsforslag, Tilbud
from tilbud.models.mottak import Melding
from tilbud.services.redigering import forslag_opprett

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
    forslag: int = 0
    flagg_nye: int = 0
    flagg_lukket: int = 0

    def tekst(self) -> str:
        etterpa = (
            f" {self.forslag} nye forslag til koordinatorene; {self.flagg_nye} nye flagg, "
            f"{self.flagg_lukket} lukket."
        )
        if self.full_eksport:
            return (
                f"Full eksport: {self.parter} kommunikasjonsparter, "
                f"{self.slettet} ikke lenger i AR." + etterpa
            )
        return f"{self.hendelser} hendelser, {self.parter} parter oppdatert." + etterpa


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
    # Proposals and flags come from the whole copy, not from this run's changes: a run that
    # stopped after the copy is made good by the next one.
    resultat.forslag = foreslaa_koblinger()
    resultat.flagg_nye, resultat.flagg_lukket = oppdater_flagg()
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


# --- Proposals: AR services → our tilbud (never written without a coordinator) -----------------

AR_BRUKERNAVN = "adresseregisteret"


def ar_bruker() -> Any:
    """The proposals' author: a user that cannot log in, named for where the proposal comes from."""
    bruker, opprettet = get_user_model().objects.get_or_create(
        username=AR_BRUKERNAVN,
        defaults={"first_name": "Adresseregisteret", "is_active": False},
    )
    if opprettet:
        bruker.set_unusable_password()
        bruker.save(update_fields=["password"])
    return bruker


def normalisert_navn(navn: str) -> str:
    """Names compared without case, punctuation or extra spaces."""
    return " ".join("".join(c if c.isalnum() else " " for c in navn.casefold()).split())


def _navn_passer(tilbud_navn: str, tjeneste_navn: str) -> bool:
    a, b = normalisert_navn(tilbud_navn), normalisert_navn(tjeneste_navn)
    if not a or not b:
        return False
    # Equal, or one inside the other as whole words («Arbeidsrettet rehabilitering» in
    # «Sykehuset X – Arbeidsrettet rehabilitering»); short names only when equal.
    kort, lang = sorted((a, b), key=len)
    return a == b or (len(kort) >= 12 and f" {kort} " in f" {lang} ")


def foreslaa_koblinger() -> int:
    """For each open tilbud without a HER-id: the one active AR service (a party with a service
    code) under the tilbud's organisation (same organisasjonsnummer) whose name matches. One
    match is a proposal in the coordinators' queue; none or several, nothing. A pending AR
    proposal is not repeated, and a HER-id a coordinator rejected for the tilbud is not
    proposed again. Returns the number of new proposals."""
    tjenester: dict[str, list[ArTjeneste]] = {}
    for tjeneste in (
        ArTjeneste.objects.filter(slettet=False, aktiv=True)
        .exclude(organisasjonsnummer="")
        .exclude(tjenestekode="")
    ):
        tjenester.setdefault(tjeneste.organisasjonsnummer, []).append(tjeneste)
    if not tjenester:
        return 0
    bruker = ar_bruker()
    tidligere: dict[int, set[Any]] = {}
    ventende: set[int] = set()
    for forslag in Endringsforslag.objects.filter(foreslatt_av=bruker).only(
        "tilbud_id", "status", "endringer"
    ):
        if forslag.status == Endringsforslag.Status.VENTER:
            ventende.add(forslag.tilbud_id)
        elif forslag.status == Endringsforslag.Status.AVVIST:
            tidligere.setdefault(forslag.tilbud_id, set()).add(forslag.endringer.get("her_id"))
    nye = 0
    kandidater = (
        Tilbud.objects.filter(
            her_id__isnull=True,
            organisasjon__organisasjonsnummer__in=list(tjenester),
        )
        .exclude(status=Tilbud.Status.AVSLUTTET)
        .select_related("organisasjon")
        .order_by("pk")
    )
    for tilbud in kandidater:
        if tilbud.pk in ventende:
            continue
        orgnr = tilbud.organisasjon.organisasjonsnummer or ""
        treff = [t for t in tjenester.get(orgnr, []) if _navn_passer(tilbud.navn, t.navn)]
        if len(treff) != 1 or treff[0].her_id in tidligere.get(tilbud.pk, set()):
            continue
        tjeneste = treff[0]
        endringer = {
            "her_id": tjeneste.her_id,
            "her_navn": tjeneste.navn[:200],
            "overordnet_her_id": tjeneste.overordnet_her_id,
            "meldinger": tjeneste.meldinger,
            "ar_kontrollert": timezone.localdate(),
        }
        try:
            forslag_opprett(
                bruker=bruker,
                tilbud_id=tilbud.pk,
                versjon=tilbud.versjon,
                endringer=endringer,
                begrunnelse=(
                    f"Adresseregisteret: tjenesten «{tjeneste.navn}» (HER-id {tjeneste.her_id}, "
                    f"tjenestekode {tjeneste.tjenestekode}) hører til organisasjonsnummer "
                    f"{orgnr} og har samme navn som tilbudet."
                )[:2000],
            )
        except ValidationError as feil:
            logger.warning("AR-forslag for tilbud %s ikke gyldig: %s", tilbud.pk, feil)
            continue
        nye += 1
    return nye


# --- Flags: a tilbud's HER-id no longer works as listed ----------------------------------------


def _grunner(tilbud: Tilbud, tjeneste: ArTjeneste | None) -> dict[str, str]:
    if tjeneste is None or tjeneste.slettet:
        return {ArFlagg.Grunn.FORSVUNNET: f"HER-id {tilbud.her_id} finnes ikke i AR."}
    if not tjeneste.aktiv:
        return {ArFlagg.Grunn.INAKTIV: f"HER-id {tilbud.her_id} ({tjeneste.navn}) er inaktiv."}
    # Only when AR lists messages at all: an empty list means AR did not say.
    mangler = [m for m in tilbud.meldinger if tjeneste.meldinger and m not in tjeneste.meldinger]
    if mangler:
        return {
            ArFlagg.Grunn.MELDINGER: (
                f"AR oppgir ikke lenger {', '.join(mangler)} for HER-id {tilbud.her_id}."
            )
        }
    return {}


def oppdater_flagg() -> tuple[int, int]:
    """Open a flag for each open tilbud whose HER-id disappeared, became inactive or no longer
    accepts the messages the tilbud lists; close the flags whose cause is gone. Only after a
    full export (before it, «not in our copy» says nothing). Returns (opened, closed)."""
    if not ArMarkor.objects.filter(navn="ar", full_eksport__isnull=False).exists():
        return 0, 0
    tilbud = list(
        Tilbud.objects.filter(her_id__isnull=False)
        .exclude(status=Tilbud.Status.AVSLUTTET)
        .only("pk", "her_id", "meldinger")
    )
    tjenester = {
        t.her_id: t for t in ArTjeneste.objects.filter(her_id__in=[t.her_id for t in tilbud])
    }
    onsket = {
        (t.pk, grunn): (t.her_id or 0, detalj)
        for t in tilbud
        for grunn, detalj in _grunner(t, tjenester.get(t.her_id or 0)).items()
    }
    with transaction.atomic():
        apne = {(f.tilbud_id, f.grunn): f for f in ArFlagg.objects.filter(lukket__isnull=True)}
        lukk = [
            f.pk
            for nokkel, f in apne.items()
            if nokkel not in onsket or onsket[nokkel][0] != f.her_id
        ]
        ArFlagg.objects.filter(pk__in=lukk).update(lukket=timezone.now())
        nye = [
            ArFlagg(tilbud_id=pk, grunn=grunn, her_id=her_id, detalj=detalj[:500])
            for (pk, grunn), (her_id, detalj) in onsket.items()
            if (pk, grunn) not in apne or apne[(pk, grunn)].pk in lukk
        ]
        ArFlagg.objects.bulk_create(nye)
    return len(nye), len(lukk)
