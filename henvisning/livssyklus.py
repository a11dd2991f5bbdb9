"""The referral lifecycle as a pure state machine: no database, no Django, just rules.

States borrow from FHIR Task (draft, requested, received, accepted/rejected, on-hold, in-progress,
completed, cancelled) and the NHS e-Referral Service (reject with a mandatory reason, cancel):

    utkast → sendt → mottatt → vurdert → venter → startet → avsluttet
                                 ├ rett til helsehjelp (with a frist date) – goes on
                                 ├ ikke rett (mandatory reason)             – ends
                                 └ videresendt (to another tilbud)          – ends here
    trukket: by the sender, any time before treatment starts
    avvist:  by the receiver before assessment, with a mandatory reason; «missing information»
             only after a forespørsel to the sender (prioriteringsforskriften: ask, don't reject).

`neste()` answers the next state or raises UmuligOvergang (HTTP 409) or UgyldigOvergang (HTTP
400: the transition is possible but a required value is missing or wrong).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    UTKAST = "utkast"
    SENDT = "sendt"
    MOTTATT = "mottatt"
    VURDERT = "vurdert"
    VENTER = "venter"
    STARTET = "startet"
    AVSLUTTET = "avsluttet"
    TRUKKET = "trukket"
    AVVIST = "avvist"


class Utfall(StrEnum):
    RETT = "rett"
    IKKE_RETT = "ikke_rett"
    VIDERESENDT = "videresendt"


class Handling(StrEnum):
    SEND = "send"
    MOTTA = "motta"
    VURDER = "vurder"
    VENTER = "venter"
    START = "start"
    AVSLUTT = "avslutt"
    TREKK = "trekk"
    AVVIS = "avvis"


class Part(StrEnum):
    """Who acts: the referrer or the receiving unit."""

    SENDER = "sender"
    MOTTAKER = "mottaker"


class Avvisningsgrunn(StrEnum):
    MANGLER_OPPLYSNINGER = "mangler_opplysninger"
    FEIL_MOTTAKER = "feil_mottaker"
    UTENFOR_MALGRUPPE = "utenfor_malgruppe"
    ANNET = "annet"


@dataclass(frozen=True)
class Tilstand:
    status: Status
    utfall: Utfall | None = None

    @property
    def er_avsluttet(self) -> bool:
        """An end state: nothing more happens to the referral (personal data may be removed)."""
        if self.status in {Status.AVSLUTTET, Status.TRUKKET, Status.AVVIST}:
            return True
        return self.status == Status.VURDERT and self.utfall != Utfall.RETT


class UmuligOvergang(Exception):
    """The transition does not exist from this state, or not for this party (HTTP 409)."""

    def __init__(self, tilstand: Tilstand, handling: Handling, part: Part) -> None:
        self.tilstand, self.handling, self.part = tilstand, handling, part
        super().__init__(
            f"«{handling.value}» er ikke mulig for {part.value} når henvisningen har status "
            f"«{tilstand.status.value}»."
        )


class UgyldigOvergang(ValueError):
    """Possible, but a required value is missing or wrong (HTTP 400). `felt` names the field."""

    def __init__(self, felt: str, melding: str) -> None:
        self.felt, self.melding = felt, melding
        super().__init__(f"{felt}: {melding}")


# (from-status, action) → (to-status, the party allowed to act)
_OVERGANGER: dict[tuple[Status, Handling], tuple[Status, Part]] = {
    (Status.UTKAST, Handling.SEND): (Status.SENDT, Part.SENDER),
    (Status.SENDT, Handling.MOTTA): (Status.MOTTATT, Part.MOTTAKER),
    (Status.MOTTATT, Handling.VURDER): (Status.VURDERT, Part.MOTTAKER),
    (Status.VURDERT, Handling.VENTER): (Status.VENTER, Part.MOTTAKER),
    (Status.VURDERT, Handling.START): (Status.STARTET, Part.MOTTAKER),
    (Status.VENTER, Handling.START): (Status.STARTET, Part.MOTTAKER),
    (Status.STARTET, Handling.AVSLUTT): (Status.AVSLUTTET, Part.MOTTAKER),
    (Status.SENDT, Handling.AVVIS): (Status.AVVIST, Part.MOTTAKER),
    (Status.MOTTATT, Handling.AVVIS): (Status.AVVIST, Part.MOTTAKER),
}
# The sender may withdraw until treatment has started.
KAN_TREKKES = {Status.UTKAST, Status.SENDT, Status.MOTTATT, Status.VURDERT, Status.VENTER}


def mulige_handlinger(tilstand: Tilstand, part: Part) -> list[Handling]:
    """What this party may do now (for buttons and the API's `handlinger`)."""
    return [h for h in Handling if _er_mulig(tilstand, h, part)]


def _er_mulig(tilstand: Tilstand, handling: Handling, part: Part) -> bool:
    if tilstand.er_avsluttet:
        return False
    if handling == Handling.TREKK:
        return part == Part.SENDER and tilstand.status in KAN_TREKKES
    overgang = _OVERGANGER.get((tilstand.status, handling))
    if overgang is None or overgang[1] != part:
        return False
    # Only «rett til helsehjelp» goes on to waiting and treatment.
    return tilstand.status != Status.VURDERT or tilstand.utfall == Utfall.RETT


def neste(
    tilstand: Tilstand,
    handling: Handling,
    *,
    part: Part,
    idag: date,
    utfall: Utfall | None = None,
    frist: date | None = None,
    begrunnelse: str = "",
    videresendt_til: int | None = None,
    avvisningsgrunn: Avvisningsgrunn | None = None,
    har_foresporsel: bool = False,
) -> Tilstand:
    """The state after `handling`, or UmuligOvergang / UgyldigOvergang."""
    if not _er_mulig(tilstand, handling, part):
        raise UmuligOvergang(tilstand, handling, part)
    begrunnelse = begrunnelse.strip()
    if handling == Handling.TREKK:
        if tilstand.status != Status.UTKAST and not begrunnelse:
            raise UgyldigOvergang("begrunnelse", "Oppgi hvorfor henvisningen trekkes.")
        return Tilstand(Status.TRUKKET)
    if handling == Handling.AVVIS:
        if avvisningsgrunn is None:
            raise UgyldigOvergang("avvisningsgrunn", "Velg en grunn for avvisningen.")
        if not begrunnelse:
            raise UgyldigOvergang("begrunnelse", "En avvisning må begrunnes.")
        if avvisningsgrunn == Avvisningsgrunn.MANGLER_OPPLYSNINGER and not har_foresporsel:
            raise UgyldigOvergang(
                "avvisningsgrunn",
                "En henvisning kan ikke avvises for manglende opplysninger før henviseren er "
                "bedt om dem (send en forespørsel først).",
            )
        return Tilstand(Status.AVVIST)
    if handling == Handling.VURDER:
        return Tilstand(
            Status.VURDERT, _sjekk_vurdering(utfall, frist, begrunnelse, videresendt_til, idag)
        )
    ny_status, _part = _OVERGANGER[(tilstand.status, handling)]
    # Waiting and treatment keep the assessment's outcome (rett til helsehjelp).
    return Tilstand(ny_status, tilstand.utfall)


def _sjekk_vurdering(
    utfall: Utfall | None,
    frist: date | None,
    begrunnelse: str,
    videresendt_til: int | None,
    idag: date,
) -> Utfall:
    if utfall is None:
        raise UgyldigOvergang("utfall", "Velg utfallet av vurderingen.")
    if utfall == Utfall.RETT:
        if frist is None:
            raise UgyldigOvergang("frist", "Rett til helsehjelp krever en frist.")
        if frist < idag:
            raise UgyldigOvergang("frist", "Fristen kan ikke ligge i fortiden.")
    elif utfall == Utfall.IKKE_RETT:
        if not begrunnelse:
            raise UgyldigOvergang("begrunnelse", "«Ikke rett» må begrunnes.")
    elif videresendt_til is None:
        raise UgyldigOvergang("videresendt_til", "Velg tilbudet henvisningen sendes videre til.")
    return utfall
