"""Database constraints and validators guard the registry even outside the forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import OrganisasjonFactory, TilbudFactory
from tilbud.models import Avtale, Organisasjon, Tilbud

pytestmark = pytest.mark.django_db


def test_organisasjonsnummer_is_checked_with_mod11() -> None:
    org = OrganisasjonFactory(organisasjonsnummer="983974899")  # valid check digit
    org.full_clean()
    org.organisasjonsnummer = "983974898"
    with pytest.raises(ValidationError, match="ikke et gyldig organisasjonsnummer"):
        org.full_clean()


def test_age_range_must_not_be_backwards() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TilbudFactory(alder_fra=67, alder_til=18)


def test_ended_tilbud_needs_an_end_date() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TilbudFactory(status=Tilbud.Status.AVSLUTTET)


def test_an_hf_must_belong_to_an_rhf() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisasjon.objects.create(navn="Løst HF", type=Organisasjon.Type.HF)


def test_one_agreement_per_provider_rhf_and_kind() -> None:
    leverandor = OrganisasjonFactory()
    hn = Organisasjon.objects.get(kode="HN")
    Avtale.objects.create(leverandor=leverandor, rhf=hn, type=Avtale.Type.ARR)
    Avtale.objects.create(leverandor=leverandor, rhf=hn, type=Avtale.Type.PHV)
    with pytest.raises(IntegrityError), transaction.atomic():
        Avtale.objects.create(leverandor=leverandor, rhf=hn, type=Avtale.Type.ARR)
