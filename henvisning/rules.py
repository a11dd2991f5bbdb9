"""Object permissions for referrals as rules predicates, checked through Django's auth backend
(`user.has_perm("henvisning.view_henvisning", henvisning)`). henvisning.tilgang uses them and
answers 404 for everything out of scope."""

import re
from typing import Any

import rules

from helsearbeid.typer import MuligBruker
from tilbud.models import Rolle, Tilbud
from tilbud.rules import _roller, er_administrator, er_analytiker, er_koordinator

# Doctors may refer to the specialist health service wherever the tilbud's list does not say
# otherwise; the other referrer types only where the tilbud's (free-text) list names them.
LEGER = {
    Rolle.Henvisertype.FASTLEGE,
    Rolle.Henvisertype.AVTALESPESIALIST,
    Rolle.Henvisertype.SYKEHUSLEGE,
}
_NOKKELORD: dict[str, str] = {
    Rolle.Henvisertype.NAV: r"\bnav\b",
    Rolle.Henvisertype.BEDRIFTSLEGE: r"\bbedrifts(lege|helsetjeneste)",
    Rolle.Henvisertype.KIROPRAKTOR: r"\b(kiropraktor|manuellterapeut)",
}


def henviser_rolle(bruker: MuligBruker) -> Rolle | None:
    return next((r for r in _roller(bruker) if r.type == Rolle.Type.HENVISER), None)


def mottaker_organisasjoner(bruker: MuligBruker) -> set[int]:
    return {
        r.organisasjon_id
        for r in _roller(bruker)
        if r.type == Rolle.Type.MOTTAKER and r.organisasjon_id is not None
    }


def henvisertype_godtas(henvisertype: str, henvisere: list[str]) -> bool:
    """Does the tilbud's «hvem kan henvise» accept this referrer type? Unknown (empty) accepts
    everyone; a list always accepts doctors and names the others."""
    if not henvisere or henvisertype in LEGER:
        return True
    monster = _NOKKELORD.get(henvisertype)
    tekst = " ".join(str(h) for h in henvisere).lower()
    return bool(monster and re.search(monster, tekst))


@rules.predicate
def kan_henvise_til(bruker: MuligBruker, tilbud: Tilbud | None) -> bool:
    rolle = henviser_rolle(bruker)
    if rolle is None or tilbud is None:
        return False
    if tilbud.status == Tilbud.Status.AVSLUTTET or tilbud.tar_imot_henvisninger is False:
        return False
    return henvisertype_godtas(rolle.henvisertype, tilbud.henvisere)


@rules.predicate
def er_sender(bruker: MuligBruker, henvisning: Any) -> bool:
    return henvisning is not None and henvisning.sender_id == bruker.pk


@rules.predicate
def er_mottaker(bruker: MuligBruker, henvisning: Any) -> bool:
    # Drafts are the sender's own until they are sent.
    return (
        henvisning is not None
        and henvisning.status != "utkast"
        and henvisning.mottaker_id in mottaker_organisasjoner(bruker)
    )


@rules.predicate
def ser_antall(bruker: MuligBruker) -> bool:
    """Counts only, never referrals: coordinators, analysts, administrators."""
    return er_koordinator(bruker) or er_analytiker(bruker) or er_administrator(bruker)


def rhf_for_koordinator(bruker: MuligBruker) -> set[int]:
    return {
        r.rhf_id
        for r in _roller(bruker)
        if r.type == Rolle.Type.KOORDINATOR and r.rhf_id is not None
    }


rules.add_perm("henvisning.add_henvisning", kan_henvise_til)
rules.add_perm("henvisning.view_henvisning", er_sender | er_mottaker)
rules.add_perm("henvisning.view_henvisning_antall", ser_antall)
