"""factory_boy factories for test data that the real catalogue does not cover."""

from datetime import date

import factory

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
