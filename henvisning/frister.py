"""Working days in Norway: the 10-working-day assessment deadline (pasient- og
brukerrettighetsloven § 2-2) counted without weekends and Norwegian public holidays."""

from datetime import date, timedelta
from functools import lru_cache

import holidays

VURDERINGSFRIST_VIRKEDAGER = 10


@lru_cache(maxsize=32)
def _helligdager(aar: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NO", years=aar))


def er_virkedag(dag: date) -> bool:
    return dag.weekday() < 5 and dag not in _helligdager(dag.year)


def legg_til_virkedager(fra: date, antall: int) -> date:
    """The `antall`-th working day after `fra` (`fra` itself does not count)."""
    dag = fra
    igjen = antall
    while igjen > 0:
        dag += timedelta(days=1)
        if er_virkedag(dag):
            igjen -= 1
    return dag


def vurderingsfrist(mottatt: date) -> date:
    """The last day for the rettighetsvurdering of a referral received on `mottatt`."""
    return legg_til_virkedager(mottatt, VURDERINGSFRIST_VIRKEDAGER)
