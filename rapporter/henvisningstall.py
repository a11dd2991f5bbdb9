"""Referral figures for the regional summaries: the small-cell rule now, the data later.

The henvisning app is not connected yet, so `henvisningstall()` returns nothing and every referral
column of `Sammendragsrad` stays NULL. The hook for later:

1. Implement `henvisningstall(rhf_id, dato)` with SQL aggregates over the referrals whose
   receiving tilbud is in the region, grouped by the same keys as the catalogue figures
   (`Celle`: nivå, region_kode, malgruppe_id or None, fagomrade or "", periodetype, periode),
   and return one `Henvisningstall` per cell. Medians and p90 come from
   `percentile_cont(...) WITHIN GROUP` on PostgreSQL.
2. `rapporter.services.sammendrag.bygg_sammendrag` already merges the result into the rows
   through `undertrykk_henvisningstall`, so suppression cannot be forgotten.
3. Call `rapporter.services.sammendrag.planlegg_ombygging(rhf_kode)` from the referral services
   (on commit) so that referral changes are debounced into one rebuild, as catalogue edits are.
"""

from dataclasses import dataclass, fields, replace
from datetime import date

# NPR and SSB do not publish counts under five persons.
SMA_CELLER_GRENSE = 5

# (nivå, region_kode, malgruppe_id or None, fagomrade or "", periodetype, periode)
Celle = tuple[str, str, int | None, str, str, str]


@dataclass(frozen=True)
class Henvisningstall:
    """Referral figures for one cell. Counts are persons (one referral = one person)."""

    henvisninger_mottatt: int | None = None
    henvisninger_vurdert: int | None = None
    henvisninger_rett: int | None = None
    henvisninger_avvist: int | None = None
    henvisninger_startet: int | None = None
    henvisninger_avsluttet: int | None = None
    andel_avvist: float | None = None
    andel_vurdert_innen_10_dager: float | None = None
    ventetid_median_dager: float | None = None
    ventetid_p90_dager: float | None = None
    undertrykt: bool = False


ANTALL_FELT = (
    "henvisninger_mottatt",
    "henvisninger_vurdert",
    "henvisninger_rett",
    "henvisninger_avvist",
    "henvisninger_startet",
    "henvisninger_avsluttet",
)
# Derived figures and the count of persons each is computed from: a share or a waiting time
# over fewer than five persons would reveal them too, so it is suppressed with its base.
AVLEDET_GRUNNLAG = {
    "andel_avvist": "henvisninger_vurdert",
    "andel_vurdert_innen_10_dager": "henvisninger_mottatt",
    "ventetid_median_dager": "henvisninger_startet",
    "ventetid_p90_dager": "henvisninger_startet",
}
HENVISNINGSFELT = tuple(f.name for f in fields(Henvisningstall) if f.name != "undertrykt")


def undertrykk(antall: int | None, grense: int = SMA_CELLER_GRENSE) -> tuple[int | None, bool]:
    """The small-cell rule for one count: (shown value, suppressed?).

    None stays None and is not «suppressed» (there is nothing to hide); 0 is shown (no person
    can be identified from zero); 1 to grense-1 become None with the flag set.
    """
    if antall is None:
        return None, False
    if antall < 0:
        raise ValueError(f"Et antall kan ikke være negativt: {antall}.")
    if 0 < antall < grense:
        return None, True
    return antall, False


def undertrykk_henvisningstall(
    tall: Henvisningstall, grense: int = SMA_CELLER_GRENSE
) -> Henvisningstall:
    """Apply the small-cell rule to every count of a cell, and hide each derived figure whose
    base count is hidden or under the limit."""
    endret: dict[str, object] = {}
    skjult = tall.undertrykt
    for navn in ANTALL_FELT:
        verdi, er_skjult = undertrykk(getattr(tall, navn), grense)
        endret[navn] = verdi
        skjult = skjult or er_skjult
    for navn, grunnlag in AVLEDET_GRUNNLAG.items():
        base = getattr(tall, grunnlag)
        if getattr(tall, navn) is not None and (base is None or base < grense):
            endret[navn] = None
            skjult = True
    return replace(tall, undertrykt=skjult, **endret)  # type: ignore[arg-type]


def henvisningstall(rhf_id: int, dato: date) -> dict[Celle, Henvisningstall]:
    """Referral figures per cell for one region. Not connected yet: no figures (all NULL)."""
    return {}
