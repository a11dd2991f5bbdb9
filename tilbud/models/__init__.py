"""Registry models: geography, organisations, diagnosis codes and tilbud."""

from .adresseregister import ArFlagg, ArMarkor, ArTjeneste
from .diagnose import Diagnosekode, Malgruppe, MalgruppeKode
from .feilmelding import Feilmelding
from .forslag import Endringsforslag
from .geografi import Fylke, Kommune, Opptaksomrade, Postnummer
from .katalog import Katalogversjon
from .organisasjon import Avtale, Organisasjon
from .sok import Synonym
from .sokerad import Sokerad
from .tilbud import Behandlingsform, Lokasjon, Tilbud
from .tilgang import Rolle
from .ventetid import Ventetid

__all__ = [
    "ArFlagg",
    "ArMarkor",
    "ArTjeneste",
    "Avtale",
    "Behandlingsform",
    "Diagnosekode",
    "Endringsforslag",
    "Feilmelding",
    "Fylke",
    "Katalogversjon",
    "Kommune",
    "Lokasjon",
    "Malgruppe",
    "MalgruppeKode",
    "Opptaksomrade",
    "Organisasjon",
    "Postnummer",
    "Rolle",
    "Sokerad",
    "Synonym",
    "Tilbud",
    "Ventetid",
]
