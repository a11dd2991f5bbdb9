"""Registry models: geography, organisations, diagnosis codes and tilbud."""

from .diagnose import Diagnosekode, Malgruppe, MalgruppeKode
from .geografi import Fylke, Kommune, Opptaksomrade, Postnummer
from .organisasjon import Avtale, Organisasjon
from .tilbud import Behandlingsform, Lokasjon, Tilbud

__all__ = [
    "Avtale",
    "Behandlingsform",
    "Diagnosekode",
    "Fylke",
    "Kommune",
    "Lokasjon",
    "Malgruppe",
    "MalgruppeKode",
    "Opptaksomrade",
    "Organisasjon",
    "Postnummer",
    "Tilbud",
]
