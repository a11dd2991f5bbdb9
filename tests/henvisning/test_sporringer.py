"""Query counts on every referral list: the same number of queries for one row as for a full page
of 25 (no query per row). The numbers are exact, so a new query per request shows up here too."""

from datetime import date

import pytest

from henvisning.livssyklus import Handling, Part
from henvisning.models import Henvisning
from henvisning.services import henvisning_opprett, henvisning_overgang
from tests.henvisning.conftest import komplett

pytestmark = pytest.mark.django_db


def lag(sender, tilbud, antall: int) -> None:
    """`antall` sent referrals, all past their deadline (so they are on the overdue list too)."""
    for _ in range(antall):
        h = henvisning_opprett(sender=sender, tilbud=tilbud, data=komplett())
        henvisning_overgang(henvisning=h, bruker=sender, part=Part.SENDER, handling=Handling.SEND)
    Henvisning.objects.update(vurderingsfrist=date(2020, 1, 2))


# (who, url, queries): session, user, the user's roles (for the sender's own list only for the
# header's name and roles), then per list a count, a page and the senders' henviser roles (who
# referred).
LISTER = [
    ("sender", "/henvisninger/", 6),
    ("mottaker", "/henvisninger/innboks/", 9),  # the overdue list and the whole inbox
    ("sender", "/api/v1/henvisninger/?rolle=sendt", 6),
    ("mottaker", "/api/v1/henvisninger/?rolle=innboks", 6),
    ("mottaker", "/api/v1/henvisninger/", 6),
    ("mottaker", "/api/v1/henvisninger/forfalte/", 6),
]


@pytest.mark.parametrize(("hvem", "url", "sporringer"), LISTER, ids=[r[1] for r in LISTER])
def test_like_mange_sporringer_for_en_rad_som_for_en_full_side(
    client, sender, mottaker, tilbud, django_assert_num_queries, hvem, url, sporringer
) -> None:
    bruker = {"sender": sender, "mottaker": mottaker}[hvem]
    client.force_login(bruker)
    lag(sender, tilbud, 1)
    with django_assert_num_queries(sporringer):
        svar = client.get(url)
    assert svar.status_code == 200
    lag(sender, tilbud, 25)
    with django_assert_num_queries(sporringer):
        svar = client.get(url)
    assert svar.status_code == 200
    tekst = svar.content.decode()
    if url.startswith("/api/"):
        assert len(svar.json()["results"]) == 25 and svar.json()["count"] == 26
    else:
        assert tekst.count('href="/henvisninger/') >= 25 and "Side 1 av 2" in tekst


@pytest.mark.parametrize(("hvem", "url", "sporringer"), [r for r in LISTER if "/api/" in r[1]])
def test_api_sidestorrelse_1_og_25(
    client, sender, mottaker, tilbud, django_assert_num_queries, hvem, url, sporringer
) -> None:
    client.force_login({"sender": sender, "mottaker": mottaker}[hvem])
    lag(sender, tilbud, 26)
    skille = "&" if "?" in url else "?"
    for storrelse in (1, 25):
        with django_assert_num_queries(sporringer):
            svar = client.get(f"{url}{skille}page_size={storrelse}")
        assert len(svar.json()["results"]) == storrelse


@pytest.mark.parametrize(
    ("hvem", "url", "sporringer"),
    [
        # session, user, roles, the referral, the access log entry, forespørsler, status log,
        # the sender's henviser role (who referred); for the sender one more: is the patient
        # referred to another tilbud too (a yes/no by the fødselsnummer's hash)
        ("sender", "/henvisninger/{pk}/", 9),
        ("sender", "/api/v1/henvisninger/{pk}/", 9),
        # the receiver's page also lists the tilbud it may forward to
        ("mottaker", "/henvisninger/{pk}/", 9),
        ("mottaker", "/api/v1/henvisninger/{pk}/", 8),
    ],
)
def test_detalj_uavhengig_av_historikken(
    client, sender, mottaker, tilbud, django_assert_num_queries, hvem, url, sporringer
) -> None:
    from henvisning.models import Foresporsel

    lag(sender, tilbud, 1)
    h = Henvisning.objects.get()
    henvisning_overgang(henvisning=h, bruker=mottaker, part=Part.MOTTAKER, handling=Handling.MOTTA)
    client.force_login({"sender": sender, "mottaker": mottaker}[hvem])
    for antall in (1, 5):
        for _ in range(antall):
            Foresporsel.objects.create(henvisning=h, sporsmal="Mangler", spurt_av=mottaker)
        with django_assert_num_queries(sporringer):
            assert client.get(url.format(pk=h.pk)).status_code == 200
