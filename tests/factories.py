"""factory_boy factories for test data that the real catalogue does not cover."""

from datetime import date

import factory
from rest_framework.test import APIClient

from tilbud.models import Lokasjon, Organisasjon, Tilbud


class OrganisasjonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisasjon

    navn = factory.Sequence(lambda n: f"Testleverandør {n}")
    type = Organisasjon.Type.PRIVAT


class LokasjonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lokasjon

    organisasjon = factory.SubFactory(OrganisasjonFactory)
    navn = factory.Sequence(lambda n: f"Testsenter {n}")
    kommune_id = "1804"


class TilbudFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tilbud
        skip_postgeneration_save = True

    kilde_id = factory.Sequence(lambda n: f"test_{n}")
    navn = factory.Sequence(lambda n: f"Testtilbud {n}")
    organisasjon = factory.SubFactory(OrganisasjonFactory)
    rhf = factory.LazyFunction(lambda: Organisasjon.objects.get(kode="HN"))
    kategori = "Arbeidsrettet rehabilitering"
    fagomrade = "arr"
    kilde = "Test"
    sist_bekreftet = date(2026, 1, 1)
    bekreftet_av = "Test"

    @factory.post_generation
    def malgrupper(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.malgrupper.set(extracted)


class BrukerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    first_name = factory.Sequence(lambda n: f"Kari{n}")
    last_name = "Nordmann"
    password = factory.django.Password("hemmelig-passord-123")


def bruker_med_rolle(
    type_: str,
    *,
    rhf: str | None = None,
    organisasjon: str | None = None,
    henvisertype: str = "",
):
    """A user with one role, e.g. bruker_med_rolle("koordinator", rhf="HN") or
    bruker_med_rolle("henviser", henvisertype="fastlege")."""
    from tilbud.models import Rolle

    bruker = BrukerFactory()
    Rolle.objects.create(
        bruker=bruker,
        type=type_,
        rhf=Organisasjon.objects.get(kode=rhf) if rhf else None,
        organisasjon=Organisasjon.objects.get(navn=organisasjon) if organisasjon else None,
        henvisertype=henvisertype,
    )
    return bruker


def token_for(bruker) -> str:
    """A fresh API token for `bruker` (helsearbeid.tokens), as the clear text a client sends."""
    from helsearbeid.tokens.services import token_opprett

    return token_opprett(bruker=bruker)[1]


def token_klient(bruker) -> APIClient:
    """An API client that sends a fresh token of `bruker`'s, as a client program would."""
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION=f"Token {token_for(bruker)}")
    return klient
