"""The search through the ORM over the tilbud themselves (SQLite): substring text search on the
lower-case `sokeord` and the descriptions, cards in four queries."""

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from tilbud.models import Kommune, Tilbud
from tilbud.selectors import med_synonymer, ord_i

from .kort import kortdata
from .selectors import tilbud_liste_qs

if TYPE_CHECKING:
    from .filtre import Sokefilter


class OrmMotor:
    navn = "orm"

    def grunnlag(self) -> QuerySet:
        return tilbud_liste_qs()

    def tekstsok(self, qs: QuerySet, tekst: str) -> QuerySet:
        for alternativer in med_synonymer(ord_i(tekst)):
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
