"""Writes of waiting times (tilbud.models.ventetid).

`synk_tekstventetider` turns free-text waiting times into rows: the migration that moved
today's texts (0018) and every catalogue import call it, so both give the same rows.
`ventetid_oppdater` is the update duty (coordinators and the provider's editors).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helsearbeid.typer import Bruker
from tilbud.models import Tilbud, Ventetid
from tilbud.services.historikk import historikk_kontekst
from tilbud.services.redigering import brukernavn
from tilbud.tilgang import i_omfang, kan_endre
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


def _kilde(bruker: Bruker, tilbud: Tilbud) -> str:
    return Ventetid.Kilde.KOORDINATOR if kan_endre(bruker, tilbud) else Ventetid.Kilde.TILBYDER


@transaction.atomic
def ventetid_oppdater(
    *,
    bruker: Bruker,
    tilbud_id: int,
    type: str,
    uker_min: int | None = None,
    uker_maks: int | None = None,
    uendret: bool = False,
) -> Ventetid:
    """The update duty: a coordinator of the region, or a tilbudsredaktør of the provider,
    confirms a waiting time unchanged (new date) or gives a new value, directly (no proposal:
    a waiting time is a measurement, not a description). History by the model's triggers,
    with who and why."""
    tilbud = Tilbud.objects.get(pk=tilbud_id)
    if not i_omfang(bruker, tilbud):
        raise PermissionDenied
    idag = timezone.localdate()
    grunn = "Ventetid bekreftet uendret" if uendret else "Ny ventetid"
    with historikk_kontekst(bruker=brukernavn(bruker), grunn=grunn):
        eksisterende = Ventetid.objects.select_for_update().filter(tilbud=tilbud, type=type).first()
        if uendret:
            if eksisterende is None or not eksisterende.strukturert:
                raise ValidationError({"type": _("Det finnes ingen ventetid av denne typen.")})
            v = eksisterende
        else:
            if uker_maks is None:
                raise ValidationError({"uker_maks": _("Oppgi antall uker.")})
            v = eksisterende or Ventetid(tilbud=tilbud, type=type)
            v.uker_min = uker_maks if uker_min is None else uker_min
            v.uker_maks = uker_maks
            v.omtrent = False
            v.tekst = ""
        v.dato = idag
        v.kilde = _kilde(bruker, tilbud)
        v.registrert_av = bruker
        v.full_clean()
        v.save()
    return v
