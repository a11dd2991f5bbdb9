"""The search's derived data (sokeord, sokevektor, the sites' point, the search table, the
vocabulary) is kept by database triggers: tilbud.services.sokevokter. What is left here is the
from-scratch rebuild under its old name, for scripts (bench/lag_katalog.py) and the shell."""

from collections.abc import Iterable

from tilbud.services import sokevokter


def oppdater_sokeindeks(ider: Iterable[int] | None = None) -> None:
    """Recompute the derived search data of the given tilbud (all when None) from scratch.
    Writes never need it: the triggers keep the data in the same transaction."""
    sokevokter.bygg_pa_nytt(ider=ider)
