"""The mottak block on a tilbud: HER-ids, who assesses, accepted messages, the AR check date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import OrganisasjonFactory, TilbudFactory
from tilbud.models import Organisasjon

pytestmark = pytest.mark.django_db


def rve(navn: str = "Vurderingsenheten i Helse Nord") -> Organisasjon:
    return Organisasjon.objects.create(
        navn=navn, type=Organisasjon.Type.VURDERINGSENHET, rhf=Organisasjon.objects.get(kode="HN")
    )


def test_a_new_tilbud_has_nothing_registered() -> None:
    tilbud = TilbudFactory()
    assert tilbud.her_id is None
    assert tilbud.overordnet_her_id is None
    assert tilbud.vurderes_av == ""
    assert tilbud.vurderingsenhet is None
    assert tilbud.meldinger == []
    assert tilbud.ar_kontrollert is None


def test_a_complete_block_validates() -> None:
    enhet = rve()
    tilbud = TilbudFactory(
        her_id=8_765_432,
        her_navn="  Arbeidsrettet   rehabilitering ",
        overordnet_her_id=123_456,
        vurderes_av="rve",
        vurderingsenhet=enhet,
        meldinger=["henvisning-1.1", "henvisning-2.0", "dialogmelding-1.1"],
        ar_kontrollert=datetime.date(2026, 12, 1),
    )
    tilbud.full_clean()
    assert tilbud.her_navn == "Arbeidsrettet rehabilitering"


@pytest.mark.parametrize("verdi", [0, -5, 1_000_000_000])
def test_her_id_must_be_a_positive_number_of_at_most_nine_digits(verdi: int) -> None:
    tilbud = TilbudFactory.build(her_id=verdi)
    with pytest.raises(ValidationError) as feil:
        tilbud.full_clean(exclude=["organisasjon", "rhf"])
    assert "her_id" in feil.value.message_dict


def test_the_database_refuses_a_her_id_too_long() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TilbudFactory(overordnet_her_id=1_000_000_000)


def test_an_ar_name_needs_a_her_id() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TilbudFactory(her_navn="Tjeneste uten adresse")


@pytest.mark.parametrize(
    "meldinger", [["henvisning-3.0"], "henvisning-2.0", ["henvisning-2.0", "henvisning-2.0"]]
)
def test_messages_are_a_list_of_known_types_each_once(meldinger: object) -> None:
    tilbud = TilbudFactory.build(meldinger=meldinger)
    with pytest.raises(ValidationError) as feil:
        tilbud.full_clean(exclude=["organisasjon", "rhf"])
    assert "meldinger" in feil.value.message_dict


def test_who_assesses_and_the_unit_are_registered_together() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TilbudFactory(vurderes_av="rve")
    with pytest.raises(IntegrityError), transaction.atomic():
        TilbudFactory(vurderingsenhet=rve())


def test_the_unit_must_be_of_the_kind_named() -> None:
    tilbud = TilbudFactory()
    tilbud.vurderes_av = "rve"
    tilbud.vurderingsenhet = OrganisasjonFactory()  # a private provider, not an RVE
    with pytest.raises(ValidationError, match="regional vurderingsenhet"):
        tilbud.full_clean()
    tilbud.vurderes_av = "tilbyder"
    with pytest.raises(ValidationError, match="er enheten tilbyderen"):
        tilbud.full_clean()
    tilbud.vurderingsenhet = tilbud.organisasjon
    tilbud.full_clean()


def test_an_assessment_unit_belongs_to_a_region() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisasjon.objects.create(navn="Løs RVE", type=Organisasjon.Type.VURDERINGSENHET)
