"""The search through the ORM over the tilbud themselves (SQLite): substring text search on the
lower-case `sokeord` and the descriptions, cards in four queries. A word no tilbud has is taken
as a typo and corrected against the catalogue's vocabulary with rapidfuzz (PostgreSQL does the
same with pg_trgm: tilbud.sok.postgres)."""

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, process

from tilbud.models import Kommune, Tilbud
from tilbud.selectors import med_synonymer, ord_i

from .kort import kortdata
from .selectors import tilbud_liste_qs

if TYPE_CHECKING:
    from .filtre import Sokefilter

# fuzz.ratio (0–100) a vocabulary word must reach to replace a typed word: «depresjom» →
# depresjon scores 89, one wrong letter of five 80. Not «sovn» → søvn (75: the letters æ, ø, å
# are not folded, as on PostgreSQL, where pg_trgm's 0.4 rejects that one too) nor
# «kvistadklinikken» → lyngheiklinikken (62, a different provider).
SKRIVEFEIL_LIKHET = 80
MIN_LENGDE = 4  # as PostgreSQL: shorter words are too short to guess from

# The vocabulary in memory, with the key it was read under: words are only added to
# tilbud_sokeordliste, so its size and total length change whenever the word list does (a
# rebuild from scratch removes the words no tilbud has any more, and so changes them too).
_ordliste: dict[str, Any] = {"nokkel": None, "ord": [], "samlet": ""}


def ordliste() -> tuple[list[str], str]:
    """The vocabulary (sorted) and the same words joined by newlines (a substring test over it
    says whether the search could match a word at all): one small query when unchanged."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), total(length(ord)) FROM tilbud_sokeordliste")
        nokkel = tuple(cursor.fetchone())
        if nokkel != _ordliste["nokkel"]:
            cursor.execute("SELECT ord FROM tilbud_sokeordliste ORDER BY ord")
            ord_ = [rad[0] for rad in cursor.fetchall()]
            _ordliste.update(nokkel=nokkel, ord=ord_, samlet="\n".join(ord_))
    return _ordliste["ord"], _ordliste["samlet"]


def rettet_skrivefeil(ordet: str, *, antall: int = 3) -> list[str]:
    """The vocabulary words closest to a mistyped word ('depresjom' → depresjon), best first."""
    ord_, _samlet = ordliste()
    treff = process.extract(
        ordet, ord_, scorer=fuzz.ratio, score_cutoff=SKRIVEFEIL_LIKHET, limit=antall
    )
    return [kandidat for kandidat, _likhet, _plass in sorted(treff, key=lambda t: (-t[1], t[2]))]


class OrmMotor:
    navn = "orm"

    def grunnlag(self) -> QuerySet:
        return tilbud_liste_qs()

    def tekstsok(
        self, qs: QuerySet, tekst: str, rettet: dict[str, list[str]] | None = None
    ) -> QuerySet:
        """Every word (or a synonym) must be in the tilbud's texts. A word no tilbud has (nor a
        synonym of it) is replaced by the closest vocabulary words; `rettet` is given them."""
        samlet: str | None = None
        for alternativer in med_synonymer(ord_i(tekst)):
            if len(alternativer[0]) >= MIN_LENGDE:
                if samlet is None:
                    _ord, samlet = ordliste()
                if not any(alt in samlet for alt in alternativer):
                    naermeste = rettet_skrivefeil(alternativer[0])
                    if naermeste:
                        if rettet is not None:
                            rettet[alternativer[0]] = naermeste
                        alternativer = naermeste
            treff = Q()
            for alt in alternativer:
                treff |= (
                    Q(sokeord__contains=alt)
                    | Q(malgruppe_tekst__icontains=alt)
                    | Q(innhold__icontains=alt)
                )
            qs = qs.filter(treff)
        return qs

    def andre_regioners_tilbud_i(self, kommune: Kommune) -> list[int]:
        qs = Tilbud.objects.filter(lokasjoner__kommune=kommune).distinct()
        return list(qs.exclude(rhf_id=kommune.rhf_id).values_list("pk", flat=True))

    def treff(self, sok: "Sokefilter") -> QuerySet:
        return sok.qs

    def kortdata(self, ider: list[int]) -> list[dict[str, Any]]:
        return kortdata(ider)
