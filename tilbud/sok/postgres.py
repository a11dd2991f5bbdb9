"""The search on PostgreSQL: the narrow search table (tilbud.models.sokerad), full-text search
with the `norwegian` configuration and typo correction over the catalogue's vocabulary, and a
page (count, rows and cards) in one statement (tilbud.sok.sokeside, tilbud.sok.rangering)."""

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet

from tilbud.models import Kommune, Sokerad
from tilbud.selectors import med_synonymer, ord_i

from .kort import _kortdata_postgres
from .rangering import NivadeltSok, Pasientrangering
from .sokeside import EnkelSok, Sokeside

if TYPE_CHECKING:
    from .filtre import Sokefilter

SKRIVEFEIL_LIKHET = 0.4


class PostgresMotor:
    navn = "postgres"

    def grunnlag(self) -> QuerySet:
        return Sokerad.objects.all()

    def tekstsok(
        self, qs: QuerySet, tekst: str, rettet: dict[str, list[str]] | None = None
    ) -> QuerySet:
        """Full-text search over the weighted `sokevektor` (prefixes, so 'nakk' finds
        'nakke'). A word the full-text index does not know at all is taken as a typo and
        replaced by the closest words of the catalogue's vocabulary (pg_trgm similarity:
        'depresjom' → depresjon), so a typo costs an index look-up, not a similarity test of
        every tilbud. `qs` is tilbud or the search table's rows; the vector is the tilbud's.
        `rettet` is given each corrected word with the words searched instead."""
        grupper = med_synonymer(ord_i(tekst))
        if not grupper:
            return qs
        t = "tilbud__" if qs.model is Sokerad else ""
        alle = []
        for alternativer in grupper:
            sporring, uttrykk = _tsquery(alternativer)
            if len(alternativer[0]) >= 4 and not kjent_ord(uttrykk):
                # Unknown to the full-text index: a typo. Search for the closest catalogue words.
                naermeste = rettet_skrivefeil(alternativer[0])
                if naermeste and rettet is not None:
                    rettet[alternativer[0]] = naermeste
                sporring, uttrykk = _tsquery(naermeste or alternativer[:1])
            alle.append(uttrykk)
            qs = qs.filter(**{f"{t}sokevektor": sporring})
        hele = SearchQuery(
            " | ".join(f"({a})" for a in alle), search_type="raw", config="norwegian"
        )
        return qs.annotate(relevans=SearchRank(F(f"{t}sokevektor"), hele))

    def andre_regioners_tilbud_i(self, kommune: Kommune) -> list[int]:
        """The search table's site kommuner outside the own region (GIN index, migration 0010).
        Plain SQL: every ranked search runs it, and compiling it cost more than running it."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tilbud_id FROM tilbud_sokerad "
                "WHERE kommuner_utenfor @> ARRAY[%s]::varchar(4)[] ORDER BY tilbud_id",
                [kommune.nummer],
            )
            return [rad[0] for rad in cursor.fetchall()]

    def treff(self, sok: "Sokefilter") -> Sokeside:
        """The rows as a sequence that reads count, page and cards in one statement; for the
        patient's kommune ranked tier by tier, so that a page stops at the tier that fills it."""
        if sok.pasientkommune is None or sok.etter_ventetid:
            return EnkelSok(sok.qs)
        rangering = Pasientrangering.for_kommune(sok.pasientkommune, sok.bydel)
        return NivadeltSok(rangering, sok.filtrert(sok.queryset.all()))

    def kortdata(self, ider: list[int]) -> list[dict[str, Any]]:
        return _kortdata_postgres(ider)


def _tsquery(alternativer: list[str]) -> tuple[SearchQuery, str]:
    """Any of the alternatives (each word a prefix), as a `norwegian` tsquery and its text."""
    deler = [" & ".join(f"{w}:*" for w in ord_i(alt)) for alt in alternativer]
    uttrykk = " | ".join(f"({d})" for d in deler if d)
    return SearchQuery(uttrykk, search_type="raw", config="norwegian"), uttrykk


def kjent_ord(uttrykk: str) -> bool:
    """Whether a raw `norwegian` tsquery matches any lexeme of the catalogue's vocabulary
    (a few thousand rows, where the same probe on the tilbud would scan them all when nothing
    matches)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM tilbud_sokeordliste "
            "WHERE array_to_tsvector(ARRAY[ord]) @@ to_tsquery('norwegian', %s))",
            [uttrykk],
        )
        return cursor.fetchone()[0]


def rettet_skrivefeil(ordet: str, *, antall: int = 3) -> list[str]:
    """The catalogue lexemes closest to a mistyped word ('depresjom' → depresjon), by trigram
    similarity over the catalogue's vocabulary (kept by triggers: migration 0007)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ord FROM tilbud_sokeordliste WHERE ord %% %s AND similarity(ord, %s) >= %s "
            "ORDER BY similarity(ord, %s) DESC, ord LIMIT %s",
            [ordet, ordet, SKRIVEFEIL_LIKHET, ordet, antall],
        )
        return [rad[0] for rad in cursor.fetchall()]
