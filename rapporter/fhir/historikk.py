"""ITI-91: `_history?_since=` per resource type, read from the change log django-pghistory's
PostgreSQL triggers write (the same log the tilbud history page shows): no second record.

Every recorded version after `_since` is an entry, oldest first. A tilbud that is ended
(status avsluttet) is a deleted HealthcareService (request DELETE), as in the sync API; restored,
it is PUT again. What a version carries of the related tables (målgrupper, behandlingsformer,
sites, catchment) is their current state: the change log records the rows, not the links.
Versions younger than SYNK_SIKKERHETSMARGIN wait for a later pull, so that a transaction still
running when the page is read is not skipped; Bundle.meta.lastUpdated is the instant the answer
is complete up to, and the `_since` of the next pull.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from rapporter.innstillinger import innstilling
from tilbud.models import Lokasjon, Organisasjon, Tilbud

from . import ressurser, selectors
from .feil import FhirFeil

MODELLER: dict[str, Any] = {
    "Organization": Organisasjon,
    "Location": Lokasjon,
    "HealthcareService": Tilbud,
    # Endpoints are made from the tilbud row (web page, mottak block): their history is the
    # tilbud's, keeping only the versions that change an endpoint (see `_endepunkter`).
    "Endpoint": Tilbud,
}


@dataclass
class Historikkside:
    oppforinger: list[dict[str, Any]]
    til: datetime
    siste_hendelse: int | None
    flere: bool


def _oppforing(type_: str, id_: int | str, ressurs: dict[str, Any] | None, tid: datetime) -> dict:
    url = f"{type_}/{id_}"
    if ressurs is None:
        return {
            "request": {"method": "DELETE", "url": url},
            "response": {"status": "204", "lastModified": tid.isoformat()},
        }
    return {
        "resource": ressurs,
        "request": {"method": "PUT", "url": url},
        "response": {"status": "200", "lastModified": tid.isoformat()},
    }


def historikk(
    type_: str,
    *,
    siden: datetime | None,
    til: datetime | None,
    etter: int | None,
    antall: int,
    objekt_id: int | None = None,
    endepunktart: str | None = None,
) -> Historikkside:
    """One page of the type's history: versions recorded after `siden` and up to `til` (now
    minus the safety margin when not given), after the event `etter`, in recording order."""
    if not settings.HISTORIKK_AKTIV:
        raise FhirFeil(
            "_history krever endringsloggen, som bare føres på PostgreSQL.", kode="not-supported"
        )
    # A `_til` from a next link keeps the pages consistent; it can never reach past the margin.
    grense = timezone.now() - innstilling("SYNK_SIKKERHETSMARGIN")
    til = min(til, grense) if til else grense
    hendelser = MODELLER[type_].pgh_event_model.objects.filter(pgh_created_at__lte=til)
    if siden is not None:
        hendelser = hendelser.filter(pgh_created_at__gt=siden)
    if etter is not None:
        hendelser = hendelser.filter(pgh_id__gt=etter)
    if objekt_id is not None:
        hendelser = hendelser.filter(pgh_obj_id=objekt_id)
    rader = list(hendelser.order_by("pgh_id")[: antall + 1])
    flere = len(rader) > antall
    rader = rader[:antall]
    oppforinger = []
    ressurs: dict[str, Any] | None
    if type_ == "Endpoint":
        oppforinger = _endepunkter(rader, endepunktart)
    elif type_ == "Organization":
        for h in rader:
            ressurs = ressurser.organisasjon(_med_id(h), sist_endret=h.pgh_created_at)
            oppforinger.append(_oppforing(type_, h.pgh_obj_id, ressurs, h.pgh_created_at))
    elif type_ == "Location":
        kommuner = selectors.kommuner({h.kommune_id for h in rader})
        for h in rader:
            ressurs = ressurser.lokasjon(
                _med_id(h), kommuner[h.kommune_id], sist_endret=h.pgh_created_at
            )
            oppforinger.append(_oppforing(type_, h.pgh_obj_id, ressurs, h.pgh_created_at))
    else:
        versjoner = [_med_id(h) for h in rader]
        rel = selectors.relasjoner(versjoner)
        for h, t in zip(rader, versjoner, strict=True):
            ressurs = None if t.status == Tilbud.Status.AVSLUTTET else ressurser.tjeneste(t, rel)
            oppforinger.append(_oppforing(type_, h.pgh_obj_id, ressurs, t.endret))
    return Historikkside(oppforinger, til, rader[-1].pgh_id if rader else None, flere)


def _endepunktversjoner(t: Any) -> dict[str, dict[str, Any]]:
    """A tilbud version's endpoints by kind (none when it is ended: its endpoints are gone)."""
    if t.status == Tilbud.Status.AVSLUTTET:
        return {}
    return {e.art: ressurser.endepunkt(e) for e in ressurser.endepunkter(t)}


def _endepunkter(rader: list[Any], art: str | None) -> list[dict[str, Any]]:
    """Endpoint entries for a page of tilbud events: each event is compared with the tilbud's
    version before it, and only what changed for an endpoint is an entry (PUT when it is new or
    differs, DELETE when it went: a HER-id removed, the tilbud ended). One query fetches the
    predecessors of the whole page."""
    modell = MODELLER["Endpoint"].pgh_event_model
    forrige_id = (
        modell.objects.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id"))
        .order_by("-pgh_id")
        .values("pgh_id")[:1]
    )
    forrige_for = dict(
        modell.objects.filter(pgh_id__in=[h.pgh_id for h in rader])
        .annotate(forrige=Subquery(forrige_id))
        .values_list("pgh_id", "forrige")
    )
    forrige = {
        h.pgh_id: _endepunktversjoner(_med_id(h))
        for h in modell.objects.filter(pgh_id__in=[i for i in forrige_for.values() if i])
    }
    ut = []
    for h in rader:
        for_ = forrige.get(forrige_for.get(h.pgh_id) or 0, {})
        naa = _endepunktversjoner(_med_id(h))
        forrige[h.pgh_id] = naa  # the next event of the same tilbud on this page
        for a in ressurser.ENDEPUNKTARTER:
            if art is not None and a != art:
                continue
            id_ = f"tilbud-{h.pgh_obj_id}-{a}"
            if a in naa and naa[a] != for_.get(a):
                ut.append(_oppforing("Endpoint", id_, naa[a], h.pgh_created_at))
            elif a not in naa and a in for_:
                ut.append(_oppforing("Endpoint", id_, None, h.pgh_created_at))
    return ut


def _med_id(hendelse: Any) -> Any:
    """The event row as the object it records a version of (its `id` is the object's)."""
    hendelse.id = hendelse.pgh_obj_id
    return hendelse
