"""What the HTML search page needs from the table of parameters: each select's label, choices
(the chosen one marked) and error, for templates/tilbud/_valgfelt.html."""

from typing import Any

from django import forms
from django.http import QueryDict

from tilbud.referanse import referanse

from .felt import KommuneField, PostnummerField
from .parametere import PARAMETERE


def vis_bydel(data: QueryDict) -> bool:
    """Whether the page offers the bydel choice: a bydel was given, or the kommune (or the
    postnummer's kommune) is one the catchment data splits by bydel (Oslo)."""
    if data.get("bydel", "").strip():
        return True
    delt = {b.kommune_id for b in referanse().bydeler.values()}
    for navn, felt in (("kommune", KommuneField), ("postnummer", PostnummerField)):
        try:
            kommune = felt(required=False).clean(data.get(navn, ""))
        except forms.ValidationError:
            continue
        if kommune is not None and kommune.nummer in delt:
            return True
    return False


def valgfelt(data: QueryDict, feil: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Per parameter the page offers as a select: `navn`, `etikett`, `tom`, `klasse`, `feil`
    (the first message) and `valg` (`verdi`, `navn`, `valgt`)."""
    felt = {}
    for p in PARAMETERE:
        if p.side is None:
            continue
        sendt = data.get(p.navn, "")
        if p.side.store_bokstaver:
            sendt = sendt.upper()
        if p.side.valgt_verdi is not None and sendt:
            sendt = p.side.valgt_verdi(sendt)
        felt[p.navn] = {
            "navn": p.navn,
            "etikett": p.side.etikett,
            "tom": p.side.tom,
            "klasse": p.side.klasse,
            "feil": next(iter(feil.get(p.navn) or []), None),
            "valg": [
                {"verdi": verdi, "navn": navn, "valgt": str(verdi) == sendt}
                for verdi, navn in p.side.valg()
            ],
        }
    return felt
