"""What the HTML search page needs from the table of parameters: each select's label, choices
(the chosen one marked) and error, for templates/tilbud/_valgfelt.html."""

from typing import Any

from django.http import QueryDict

from .parametere import PARAMETERE


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
