"""Reading a waiting time out of free text, without guessing.

`tolk_ventetid("Opphold skal tilbys innen 4 uker …")` gives the type of care and the weeks when
the text states both plainly, else None (the text is then kept as «ikke strukturert»):

- weeks: «4 uker», «to uker», «4-6 uker», «4–6 uker», «4 til 6 uker», «ca. 3 uker» (marked
  `omtrent`), «1 uke»; whole days that are whole weeks («14 dager» = 2 uker). Never converted:
  months (a month is not a whole number of weeks), working days («ti virkedager»: holidays make
  the calendar length vary), «kort ventetid». A text with two different week figures is not read
  (which one is the waiting time is a judgement, not a reading).
- type: only from a word in the text (`TYPEORD`); weeks without such a word are not structured.

Pure: no models, no database. The migration that moved the free-text waiting times and the
catalogue import both use it (through tilbud.services.ventetid.synk_tekstventetider).
"""

import re
from dataclasses import dataclass

TALLORD = {
    "en": 1, "én": 1, "ett": 1, "ei": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6,
    "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
}  # fmt: skip

_TALL = r"(\d{1,3}|" + "|".join(sorted(TALLORD, key=len, reverse=True)) + r")"
_OMTRENT = r"(?P<omtrent>\b(?:ca\.?|cirka|omtrent|om lag|rundt)\s+)?"
_UKER = re.compile(
    _OMTRENT
    + r"\b(?P<fra>"
    + _TALL[1:-1]
    + r")"
    + r"(?:\s*(?:-|–|—|til)\s*(?P<til>"
    + _TALL[1:-1]
    + r"))?"
    + r"\s+(?P<enhet>uker|uke|ukers|dager|dag|døgn)\b",
    re.IGNORECASE,
)
_VIRKEDAGER = re.compile(r"\bvirkedag", re.IGNORECASE)

# The words that name the type of care, checked in this order (the first type with a match).
TYPEORD: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dag", re.compile(r"\bdag(?:behandling|tilbud|opphold|pasient)", re.IGNORECASE)),
    ("innleggelse", re.compile(r"\b(?:opphold|innleggelse|innlagt|døgnopphold)", re.IGNORECASE)),
    ("utredning", re.compile(r"\butredning", re.IGNORECASE)),
    (
        "vurdering",
        re.compile(r"\bvurdering av henvisning|\bhenvisning(?:en)? vurderes", re.IGNORECASE),
    ),
    (
        "behandling",
        re.compile(
            r"\bbehandling(?:en)? (?:starter|begynner)|\bforløpet starter|\boppstart",
            re.IGNORECASE,
        ),
    ),
)


@dataclass(frozen=True)
class Tolkning:
    type: str
    uker_min: int
    uker_maks: int
    omtrent: bool
    # The exact words read, for tracing a value back to its text.
    ukeord: str
    typeord: str


def _tall(ord_: str) -> int:
    return int(ord_) if ord_.isdigit() else TALLORD[ord_.lower()]


def _uker(treff: re.Match[str]) -> tuple[int, int] | None:
    fra = _tall(treff["fra"])
    til = _tall(treff["til"]) if treff["til"] else fra
    if fra > til:
        return None
    if treff["enhet"].lower().startswith("uke"):
        return fra, til
    # Days: only when both ends are whole weeks.
    if fra % 7 or til % 7:
        return None
    return fra // 7, til // 7


def tolk_ventetid(tekst: str) -> Tolkning | None:
    """The type and weeks the text states, or None when it does not state both plainly."""
    if not tekst or _VIRKEDAGER.search(tekst):
        return None
    funnet = [(t, _uker(t)) for t in _UKER.finditer(tekst)]
    verdier = {(u, bool(t["omtrent"])) for t, u in funnet}
    if len(verdier) != 1 or None in {u for u, _o in verdier}:
        return None
    treff, uker = funnet[0]
    assert uker is not None
    for type_, monster in TYPEORD:
        if (ordet := monster.search(tekst)) is not None:
            return Tolkning(
                type=type_,
                uker_min=uker[0],
                uker_maks=uker[1],
                omtrent=bool(treff["omtrent"]),
                ukeord=treff.group(0).strip(),
                typeord=ordet.group(0),
            )
    return None
