"""The 10-working-day assessment deadline, with Norwegian public holidays (holidays, NO)."""

from datetime import date

import pytest

from henvisning.frister import er_virkedag, vurderingsfrist


@pytest.mark.parametrize(
    ("mottatt", "frist"),
    [
        # An ordinary fortnight: Monday → Monday two weeks later.
        (date(2026, 3, 2), date(2026, 3, 16)),
        # Easter 2026: skjærtorsdag 2/4, langfredag 3/4, 2. påskedag 6/4 are not working days.
        (date(2026, 3, 30), date(2026, 4, 16)),
        # Christmas: 25/12 and 26/12 (a Saturday in 2026) and 1/1 are holidays; 24/12 is not.
        (date(2026, 12, 21), date(2027, 1, 6)),
        # 17 May 2027 is a Monday (and Kristi himmelfart 6/5 the week before).
        (date(2027, 5, 3), date(2027, 5, 19)),
        # Received on a Saturday: counting starts on Monday.
        (date(2026, 3, 7), date(2026, 3, 20)),
    ],
)
def test_vurderingsfrist_skipper_helger_og_helligdager(mottatt: date, frist: date) -> None:
    assert vurderingsfrist(mottatt) == frist


def test_helligdager() -> None:
    assert not er_virkedag(date(2026, 5, 17))  # grunnlovsdag (a Sunday, but also a holiday)
    assert not er_virkedag(date(2027, 5, 17))  # grunnlovsdag on a Monday
    assert not er_virkedag(date(2026, 4, 6))  # 2. påskedag
    assert not er_virkedag(date(2026, 12, 25))
    assert er_virkedag(date(2026, 12, 23))
