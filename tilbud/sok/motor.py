"""The one place that asks which database the search runs on.

`velg_motor` gives the engine for the connection: on PostgreSQL the narrow search table,
full-text search and one statement per page (tilbud.sok.postgres); elsewhere (SQLite) the ORM
over the tilbud themselves (tilbud.sok.orm). The search's entry (tilbud.sok.svar.sok_svar)
chooses once and hands the engine down; no other module of the package looks at the database
(tests/tilbud/test_sok_pakke.py greps for it).
"""

from typing import TYPE_CHECKING, Any, Protocol

from django.db import connection
from django.db.models import QuerySet

if TYPE_CHECKING:
    from tilbud.models import Kommune

    from .filtre import Sokefilter
    from .sokeside import Sokeside


class Motor(Protocol):
    """What differs between the databases; everything else is the same code."""

    navn: str

    def grunnlag(self) -> QuerySet:
        """What the search filters, ranks and pages."""
        ...

    def tekstsok(
        self, qs: QuerySet, tekst: str, rettet: dict[str, list[str]] | None = None
    ) -> QuerySet:
        """Every word (or a synonym of it) must match; may annotate `relevans`. A word no
        tilbud has is taken as a typo and replaced by the closest words of the catalogue's
        vocabulary; `rettet` (when given) is filled with word → the words searched instead."""
        ...

    def andre_regioners_tilbud_i(self, kommune: "Kommune") -> list[int]:
        """Tilbud of other regions with a site in the kommune."""
        ...

    def treff(self, sok: "Sokefilter") -> "QuerySet | Sokeside":
        """What a page of a valid search is cut from."""
        ...

    def kortdata(self, ider: list[int]) -> list[dict[str, Any]]:
        """The result cards' values of the given tilbud (tilbud.sok.kort)."""
        ...


_MOTORER: dict[str, Motor] = {}


def velg_motor() -> Motor:
    """The engine for the database of the default connection."""
    navn = "postgres" if connection.vendor == "postgresql" else "orm"
    motor = _MOTORER.get(navn)
    if motor is None:
        # Imported here: the engines import the ranking, which reads through this module.
        if navn == "postgres":
            from .postgres import PostgresMotor

            motor = PostgresMotor()
        else:
            from .orm import OrmMotor

            motor = OrmMotor()
        _MOTORER[navn] = motor
    return motor
