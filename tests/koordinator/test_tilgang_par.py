"""tilbud.tilgang has, per object type, a check for one object (views, API, admin change pages)
and a queryset for lists (the coordinator area's lists, the admin's changelists). They are one
rule in two shapes: for every role, the queryset lists exactly the objects the check allows."""

from typing import Any

import pytest

from tilbud import tilgang
from tilbud.models import Endringsforslag, Feilmelding, Lokasjon, Organisasjon, Tilbud

from .conftest import ROLLER, lag_bruker


@pytest.mark.django_db
@pytest.mark.parametrize("rolle", [r for r in ROLLER if r != "anonym"])
def test_each_check_and_its_queryset_agree(rolle: str, objekter) -> None:
    """One rule, two shapes: what a predicate allows for one object is what the queryset lists."""
    bruker = lag_bruker(rolle)
    tilbud = list(Tilbud.objects.select_related("rhf"))
    organisasjoner = list(Organisasjon.objects.prefetch_related("avtaler"))
    lokasjoner = list(Lokasjon.objects.select_related("organisasjon"))
    forslag = list(Endringsforslag.objects.select_related("tilbud"))
    feilmeldinger = list(Feilmelding.objects.select_related("tilbud"))

    def lik(qs: Any, alle: list, predikat: Any) -> None:
        assert set(qs) == {o for o in alle if predikat(bruker, o)}, (rolle, qs.model)

    lik(tilgang.tilbud_i_omfang(bruker), tilbud, tilgang.i_omfang)
    lik(tilgang.tilbud_til_koordinering(bruker), tilbud, tilgang.kan_endre)
    lik(tilgang.tilbud_til_koordinering(bruker), tilbud, tilgang.kan_se_historikk)
    lik(tilgang.organisasjoner_i_omfang(bruker), organisasjoner, tilgang.i_omfang)
    lik(tilgang.organisasjoner_til_koordinering(bruker), organisasjoner, tilgang.kan_endre)
    lik(tilgang.lokasjoner_i_omfang(bruker), lokasjoner, tilgang.i_omfang)
    lik(tilgang.lokasjoner_til_koordinering(bruker), lokasjoner, tilgang.kan_endre)
    lik(tilgang.forslag_i_omfang(bruker), forslag, tilgang.kan_se_forslag)
    lik(tilgang.feilmeldinger_i_omfang(bruker), feilmeldinger, tilgang.kan_lose_feilmelding)
    lik(
        tilgang.rhf_for_oppretting(bruker), list(Organisasjon.objects.rhf()), tilgang.kan_opprette_i
    )
