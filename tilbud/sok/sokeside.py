"""A search page in one statement (PostgreSQL): the capped count, the page's rows and their
result cards together, one round trip instead of three.

`Sokeside` is the base of the two sequences the paginator slices on PostgreSQL (the engine
tilbud.sok.postgres gives them): `EnkelSok` (a search without the patient's kommune, in the
order of its queryset) and `rangering.NivadeltSok` (ranked for the patient's kommune, tier by
tier). The paginator
(helsearbeid.api.pagination.CappedPagination) calls `forbered` with the page it is about to ask
for; `antall_opptil` and the slice then answer from that statement. Any other slice or count is
a statement of its own, so the sequence is always right, only slower.
"""

from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from .kort import KOLONNE, KORTDATA_SQL, kortrad


class Sokeside:
    """Subclasses give `_telling(tak)` (the capped count's SQL), `sql(start, stopp)` (the
    page's rows, in order, with a `pk` column), `_side_kolonner` (how many columns a page row
    has) and `_side_rekkefolge` (the page's order over the columns of `side`)."""

    ordered = True  # for Django's Paginator: the order is defined
    _side_kolonner: int
    _side_rekkefolge: str

    def __init__(self) -> None:
        self._forberedt: tuple[int, int, int, int, list[SimpleNamespace]] | None = None

    def _telling(self, tak: int) -> tuple[str, list[Any]]:
        raise NotImplementedError

    def sql(self, start: int, stopp: int) -> tuple[str, list[Any]]:
        raise NotImplementedError

    def antall_opptil(self, tak: int) -> int:
        if self._forberedt is not None and self._forberedt[0] == tak:
            return self._forberedt[1]
        sql, params = self._telling(tak)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def __getitem__(self, utsnitt: slice) -> list[SimpleNamespace]:
        start, stopp = utsnitt.start or 0, utsnitt.stop
        if self._forberedt is not None:
            _, _, f_start, f_stopp, rader = self._forberedt
            if start == f_start and stopp <= f_stopp:
                return rader[: stopp - start]
        sql, params = self.sql(start, stopp)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            kolonner = [k[0] for k in cursor.description]
            return [SimpleNamespace(**dict(zip(kolonner, rad, strict=True))) for rad in cursor]

    def forbered(self, start: int, stopp: int, tak: int) -> None:
        """The capped count, the page the paginator is about to ask for and the page's result
        cards, in one statement; each row carries its card values (`kort`)."""
        telling, telling_params = self._telling(tak)
        side, side_params = self.sql(start, stopp)
        kort = KORTDATA_SQL.format(hvor="t.id = side.pk")
        sql = (
            f"SELECT ({telling}) AS _antall, side.*, kort.* "  # noqa: S608
            f"FROM (SELECT 1) en LEFT JOIN LATERAL ({side}) side ON true "
            f"LEFT JOIN LATERAL ({kort}) kort ON true "
            f"ORDER BY {self._side_rekkefolge}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*telling_params, *side_params])
            kolonner = [k[0] for k in cursor.description]
            resultat = cursor.fetchall()
        # By column name: the page's own columns, then the card's (aliased "kort.<name>").
        side_kolonner = [
            (i, navn) for i, navn in enumerate(kolonner[1:], 1) if not navn.startswith(KOLONNE)
        ]
        rader = []
        for rad in resultat:
            if rad[1] is None:
                continue  # the LEFT JOIN's empty row: a page after the last
            rader.append(
                SimpleNamespace(
                    **{navn: rad[i] for i, navn in side_kolonner},
                    kort=kortrad(kolonner, rad),
                )
            )
        self._forberedt = (tak, resultat[0][0], start, stopp, rader)


# The ordering terms a search's queryset may carry (tilbud.sok.filtre), in the order they
# rank: the shown waiting time (sorter=ventetid), tier, relevance, distance.
_LEDD = (
    ("vist_uker", '"vist_uker" ASC NULLS LAST'),
    ("niva_rang", '"niva_rang"'),
    ("relevans", '"relevans" DESC'),
    ("avstand2", '"avstand2" ASC NULLS LAST'),
)


class EnkelSok(Sokeside):
    """A search as the ordered queryset `qs` gives it (name, or relevance then name; by
    waiting time when sorted so, with tier and distance for the patient's kommune), paged in
    one statement."""

    def __init__(self, qs: QuerySet) -> None:
        super().__init__()
        self._qs = qs
        felt = ["pk"]
        ledd = []
        for navn, sql in _LEDD:
            if navn in qs.query.annotations:
                felt.append(navn)
                ledd.append(sql)
        felt.append("navn")
        ledd += ['"navn"', '"pk"']
        self._felt = felt
        self._side_kolonner = len(felt)
        self._side_rekkefolge = ", ".join(f"side.{ledd_}" for ledd_ in ledd)

    def _telling(self, tak: int) -> tuple[str, list[Any]]:
        # Only the filters matter for the count: no ordering, no ranking.
        sql, params = self._qs.order_by().values("pk")[:tak].query.sql_with_params()
        return f"SELECT count(*) FROM ({sql}) telling", list(params)  # noqa: S608

    def sql(self, start: int, stopp: int) -> tuple[str, list[Any]]:
        sql, params = self._qs.values(*self._felt)[start:stopp].query.sql_with_params()
        return sql, list(params)
