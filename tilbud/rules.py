"""Object permissions as rules predicates (the `rules` package), checked by Django's auth
backend: `user.has_perm("tilbud.change_tilbud", tilbud)`. tilbud.tilgang uses them to answer 404
for everything out of scope."""

from typing import Any

import rules
from django.contrib.auth.models import User

from helsearbeid.typer import MuligBruker

from .models import Lokasjon, Organisasjon, Rolle, Tilbud

_ROLLER = "_helsearbeid_roller"


def _roller(bruker: MuligBruker) -> list[Rolle]:
    # Cached on the user object: one query per request, however many objects are checked.
    roller: list[Rolle] | None = getattr(bruker, _ROLLER, None)
    if roller is None:
        roller = list(bruker.roller.all()) if isinstance(bruker, User) else []
        setattr(bruker, _ROLLER, roller)
    return roller


def rhf_for(obj: Tilbud | Organisasjon | Lokasjon) -> set[int]:
    """The RHF(s) an object belongs to: a tilbud's region, an HF's owner, a private provider's
    agreements."""
    if isinstance(obj, Tilbud):
        return {obj.rhf_id}
    if isinstance(obj, Lokasjon):
        return rhf_for(obj.organisasjon)
    if obj.type == Organisasjon.Type.RHF:
        return {obj.pk}
    if obj.rhf_id:
        return {obj.rhf_id}
    return set(obj.avtaler.values_list("rhf_id", flat=True))


def organisasjon_for(obj: Tilbud | Organisasjon | Lokasjon) -> int:
    return obj.pk if isinstance(obj, Organisasjon) else obj.organisasjon_id


@rules.predicate
def er_administrator(bruker: MuligBruker) -> bool:
    return bruker.is_superuser or any(r.type == Rolle.Type.ADMINISTRATOR for r in _roller(bruker))


@rules.predicate
def er_koordinator_for(bruker: MuligBruker, obj: Any) -> bool:
    if obj is None:
        return False
    mine = {r.rhf_id for r in _roller(bruker) if r.type == Rolle.Type.KOORDINATOR}
    return bool(mine & rhf_for(obj))


@rules.predicate
def er_redaktor_for(bruker: MuligBruker, obj: Any) -> bool:
    if obj is None:
        return False
    mine = {r.organisasjon_id for r in _roller(bruker) if r.type == Rolle.Type.TILBUDSREDAKTOR}
    return organisasjon_for(obj) in mine


@rules.predicate
def er_koordinator(bruker: MuligBruker) -> bool:
    return any(r.type == Rolle.Type.KOORDINATOR for r in _roller(bruker))


@rules.predicate
def er_analytiker(bruker: MuligBruker) -> bool:
    return any(r.type == Rolle.Type.ANALYTIKER for r in _roller(bruker))


@rules.predicate
def er_mottaker(bruker: MuligBruker) -> bool:
    return any(r.type == Rolle.Type.MOTTAKER for r in _roller(bruker))


kan_endre = er_administrator | er_koordinator_for
# The regional referral figures on the report page: the people who run and study the scheme
# (in the API: an API key). Referrers and the public see the catalogue figures only.
kan_se_henvisningstall = er_administrator | er_koordinator | er_analytiker | er_mottaker
kan_foresla = er_redaktor_for

for modell in ("tilbud", "organisasjon", "lokasjon"):
    rules.add_perm(f"tilbud.change_{modell}", kan_endre)
    rules.add_perm(f"tilbud.propose_{modell}", kan_foresla)
rules.add_perm("tilbud.add_tilbud", er_administrator | er_koordinator)
# Who changed what and why: the region's coordinators, not its tilbudsredaktører or the public.
rules.add_perm("tilbud.view_historikk_tilbud", kan_endre)
rules.add_perm("tilbud.view_tilbud", rules.always_allow)
