"""Writes of waiting times (tilbud.models.ventetid).

`synk_tekstventetider` turns free-text waiting times into rows: the migration that moved
today's texts (0017) and every catalogue import call it, so both give the same rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tilbud.ventetidtolk import tolk_ventetid

RAPPORT = "rapport"


@dataclass(frozen=True)
class Tekstventetid:
    """A tilbud's free-text waiting time: the words, when they were given and by whom."""

    tilbud_id: int
    tekst: str
    dato: date
    kilde: str


def rad_fra_tekst(kilde: Tekstventetid) -> dict[str, Any]:
    """The row a text gives: structured when tolk_ventetid reads type and weeks, else the text
    alone (type "", no weeks: «ikke strukturert»)."""
    tolkning = tolk_ventetid(kilde.tekst)
    rad: dict[str, Any] = {
        "tilbud_id": kilde.tilbud_id,
        "tekst": kilde.tekst,
        "dato": kilde.dato,
        "kilde": kilde.kilde,
        "type": "",
        "uker_min": None,
        "uker_maks": None,
        "omtrent": False,
    }
    if tolkning is not None:
        rad |= {
            "type": tolkning.type,
            "uker_min": tolkning.uker_min,
            "uker_maks": tolkning.uker_maks,
            "omtrent": tolkning.omtrent,
        }
    return rad


def synk_tekstventetider(*, modell: Any, kilder: Iterable[Tekstventetid]) -> dict[str, int]:
    """Make the rows of `kilder`'s source (e.g. the report) equal to what their texts give.

    `modell` is the Ventetid model (a migration passes its historical one). Only rows of the
    same source are replaced: a waiting time a coordinator or provider has given since is
    newer than a text read again, and stays. Re-running changes nothing. Returns counts.
    """
    telling = {"strukturert": 0, "ikke_strukturert": 0, "beholdt": 0, "endret": 0}
    for kilde in kilder:
        onsket = rad_fra_tekst(kilde)
        telling["strukturert" if onsket["type"] else "ikke_strukturert"] += 1
        rader = list(modell.objects.filter(tilbud_id=kilde.tilbud_id))
        egne = [r for r in rader if r.kilde == kilde.kilde]
        if any(r.type == onsket["type"] and r.kilde != kilde.kilde for r in rader):
            telling["beholdt"] += 1
            modell.objects.filter(pk__in=[r.pk for r in egne]).delete()
            continue
        lik = [r for r in egne if all(getattr(r, f) == v for f, v in onsket.items())]
        if lik and len(egne) == 1:
            continue
        modell.objects.filter(pk__in=[r.pk for r in egne]).delete()
        modell.objects.create(**onsket)
        telling["endret"] += 1
    return telling


def fjern_tekstventetider(*, modell: Any, tilbud_ider: Iterable[int], kilde: str) -> int:
    """Remove a source's rows of tilbud whose text is gone (the import's report rows)."""
    rader = modell.objects.filter(tilbud_id__in=list(tilbud_ider), kilde=kilde)
    antall, _per_modell = rader.delete()
    return antall
