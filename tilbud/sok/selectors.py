"""Search reads that are the same on every database: ordering by relevance, the tilbud as the
ORM engine searches them, and the other regions' tilbud in a kommune (read by the chosen engine;
tilbud.sok.rangering imports it from here)."""

from typing import Any

from django.db.models import F, QuerySet

from tilbud.models import Kommune, Tilbud

from .motor import velg_motor


def etter_relevans(qs: QuerySet, *forst: Any) -> list[Any]:
    """Ordering terms: `forst`, then text relevance where the search computed one (PostgreSQL)."""
    if "relevans" in qs.query.annotations:
        return [*forst, F("relevans").desc()]
    return list(forst)


def andre_regioners_tilbud_i(kommune: Kommune) -> list[int]:
    """Tilbud of other regions with a site in the kommune: rare, so an id list."""
    return velg_motor().andre_regioners_tilbud_i(kommune)


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
    """What the search filters, ranks and pages on this database (the engine's `grunnlag`):
    the narrow search table on PostgreSQL, the tilbud themselves elsewhere."""
    return velg_motor().grunnlag()
