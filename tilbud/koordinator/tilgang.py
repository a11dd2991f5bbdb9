"""The access checks of the coordinator area live in tilbud.tilgang (one per object type); this
module keeps the old import path working."""

from tilbud.tilgang import (
    er_koordinator_eller_admin,
    feilmelding_for_losning,
    forslag_for_beslutning,
    har_redigeringsrolle,
    krev_koordinator,
    krev_redigeringsrolle,
    tilbud_til_koordinering,
)

__all__ = [
    "er_koordinator_eller_admin",
    "feilmelding_for_losning",
    "forslag_for_beslutning",
    "har_redigeringsrolle",
    "krev_koordinator",
    "krev_redigeringsrolle",
    "tilbud_til_koordinering",
]
