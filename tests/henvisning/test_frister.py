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


# The deadline on a real referral: it counts from the day it is sent (a portal referral is in the
# receiving unit's inbox at once, pasient- og brukerrettighetsloven § 2-2 «mottatt av
# spesialisthelsetjenesten»); registering it as received days later does not move it, and
# forwarding keeps it.
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sendt", "mottatt", "frist"),
    [
        # Sent the day before skjærtorsdag; the unit registers it after Easter.
        (date(2026, 4, 1), date(2026, 4, 8), date(2026, 4, 20)),
        # Sent on lille julaften; registered in the new year.
        (date(2026, 12, 23), date(2027, 1, 4), date(2027, 1, 8)),
        # Sent the week before 17 May 2027 (a Monday, also 2. pinsedag).
        (date(2027, 5, 12), date(2027, 5, 18), date(2027, 5, 27)),
    ],
)
def test_fristen_regnes_fra_sending_ikke_fra_registrert_mottak(
    monkeypatch, sender, mottaker, tilbud, sendt: date, mottatt: date, frist: date
) -> None:
    from henvisning import services
    from henvisning.livssyklus import Handling, Part, Utfall
    from henvisning.services import Vurdering, henvisning_opprett, henvisning_overgang
    from tests.henvisning.conftest import komplett
    from tilbud.models import Tilbud

    monkeypatch.setattr(services, "idag", lambda: sendt)
    h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett(sykmeldt_fra=sendt))
    h = henvisning_overgang(henvisning=h, bruker=sender, part=Part.SENDER, handling=Handling.SEND)
    assert h.vurderingsfrist == frist
    monkeypatch.setattr(services, "idag", lambda: mottatt)
    h = henvisning_overgang(
        henvisning=h, bruker=mottaker, part=Part.MOTTAKER, handling=Handling.MOTTA
    )
    assert h.vurderingsfrist == frist
    # Forwarded to another tilbud: the specialist health service has had it since it was sent.
    annet = Tilbud.objects.exclude(pk=tilbud.pk).exclude(status="avsluttet").first()
    henvisning_overgang(
        henvisning=h,
        bruker=mottaker,
        part=Part.MOTTAKER,
        handling=Handling.VURDER,
        vurdering=Vurdering(utfall=Utfall.VIDERESENDT, videresendt_til=annet),
    )
    assert h.videresendt_som.vurderingsfrist == frist
