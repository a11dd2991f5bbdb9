"""Ranking the search for the patient's kommune: tiers the way a GP thinks (own HF area, private
providers with an agreement with the patient's RHF, the rest of the RHF, elsewhere), then
relevance, then distance.

The own HF area is the kommune's, or in Oslo the bydel's (one hospital per bydel in the
catchment data); Oslo without a bydel has all four of its hospitals in the first tier, and the
answer says the order is not by bydel.

Distance (`avstand2`, squared, in degrees of latitude) is measured from the kommune's point (a
bydel or postnummer has its kommune's point: the data has no finer one) to the tilbud's site
point (the mean of its sites' kommuner), with two rules that keep equal matches honest:

- a tilbud with a site in the patient's kommune is at distance 0, so it never ranks below one
  farther away on equal match (the mean point of a tilbud with sites across a region can lie far
  from all of them);
- a tilbud with no site point (no sites) is placed as if it were `AVSTAND_UKJENT_KM` away: after
  the tilbud of its tier within that distance, before those beyond it, and its card says
  «avstand ukjent». Not last: a tilbud without a registered site (often regional or digital)
  may well serve the patient.

`Pasientrangering.rangert` is the definition: one ordered queryset (the region UNION ALL the few
other-region tilbud with a site in the kommune). On PostgreSQL a page is read tier by tier in one
statement (`NivadeltSok`): ranking a whole region by distance to show 25 rows cost the largest
regions 8–40 ms, while the first tier (the kommune's own HF, read from the search table's
provider index) usually fills the page by itself.
"""

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from tilbud.models import Sokerad, Tilbud
from tilbud.referanse import Bydel

from .models import Kommune
from .referanse import referanse
from .selectors import andre_regioners_tilbud_i, etter_relevans
from .sokeside import Sokeside

# Where a tilbud without a site point ranks within its tier: as if this far away (km).
AVSTAND_UKJENT_KM = 100.0
_KM_PER_GRAD = 111.195
AVSTAND2_UKJENT = (AVSTAND_UKJENT_KM / _KM_PER_GRAD) ** 2


def id_liste(ider: list[int]) -> str:
    """Ids as one PostgreSQL array literal ('{1,2,3}', cast to bigint[] where it is used).
    psycopg2 writes a Python list as ARRAY[1, 2, 3]: one expression per element for the server
    to parse and fold, and the ranked statement holds about 500 of them for Oslo (1 ms)."""
    return "{" + ",".join(str(int(i)) for i in ider) + "}"


@dataclass
class Pasientrangering:
    """The id lists a kommune's ranking compares against, looked up once per search."""

    kommune: Kommune
    egne_hf: list[int]
    med_avtale: list[int]
    andre: list[int]  # tilbud of other regions with a site in the kommune

    @classmethod
    def for_kommune(cls, kommune: Kommune, bydel: Bydel | None = None) -> "Pasientrangering":
        """The ranking for the patient's kommune; with a bydel (Oslo), the bydel's own HF is
        the first tier instead of every HF with catchment in the kommune."""
        ref = referanse()
        egne_hf = ref.egne_hf.get(kommune.nummer, [])
        if bydel is not None and bydel.kommune_id == kommune.nummer:
            egne_hf = [bydel.helseforetak_id]
        return cls(
            kommune=kommune,
            egne_hf=egne_hf,
            med_avtale=ref.med_avtale.get(kommune.rhf_id, []),
            andre=andre_regioners_tilbud_i(kommune),
        )

    def _punkt(self) -> tuple[float, float, float]:
        """The kommune's point and the longitude weight (cos² of its latitude), one source for
        both forms of the distance, so they give the same floats."""
        lat0, lon0 = float(self.kommune.lat), float(self.kommune.lon)
        return lat0, lon0, math.cos(math.radians(lat0)) ** 2

    def i_kommunen(self, qs: QuerySet) -> Any:
        """A tilbud has a site in the patient's kommune, as a boolean expression: the search
        table's array of site kommuner (PostgreSQL), or the tilbud's site links."""
        if qs.model is Sokerad:
            return ExpressionWrapper(
                Q(kommuner__contains=[self.kommune.nummer]), output_field=BooleanField()
            )
        return Exists(
            Tilbud.lokasjoner.through.objects.filter(
                tilbud_id=OuterRef("pk"), lokasjon__kommune_id=self.kommune.nummer
            )
        )

    def annotert(self, qs: QuerySet) -> QuerySet:
        """`niva_rang` (1–4) and `avstand2`: column comparisons against the short id lists and
        plain arithmetic on the stored site point (squared, in degrees of latitude,
        equirectangular), so no subquery per candidate on the search table, and it runs on
        SQLite too. A site in the kommune is 0, no site point is AVSTAND2_UKJENT."""
        lat0, lon0, coslat2 = self._punkt()
        return qs.annotate(
            niva_rang=Case(
                When(organisasjon_id__in=self.egne_hf, then=Value(1)),
                When(organisasjon_id__in=self.med_avtale, then=Value(2)),
                When(rhf_id=self.kommune.rhf_id, then=Value(3)),
                default=Value(4),
                output_field=IntegerField(),
            ),
            avstand2=Case(
                When(self.i_kommunen(qs), then=Value(0.0)),
                When(sted_lat__isnull=True, then=Value(AVSTAND2_UKJENT)),
                default=ExpressionWrapper(
                    (F("sted_lat") - lat0) * (F("sted_lat") - lat0)
                    + (F("sted_lon") - lon0) * (F("sted_lon") - lon0) * coslat2,
                    output_field=FloatField(),
                ),
                output_field=FloatField(),
            ),
        )

    def rang_sql(self, rad: str) -> tuple[str, list[Any]]:
        """`niva_rang` and `avstand2` of `annotert` as SQL select items over the row alias
        `rad` (PostgreSQL; the row carries `i_kommunen`), for NivadeltSok: building the two
        expressions through the ORM cost more than its whole statement. The same operations in
        the same order, so the same floats; tests/tilbud/test_rangering.py holds every page
        equal to `rangert`."""
        lat0, lon0, coslat2 = self._punkt()
        sql = (
            f"CASE WHEN {rad}.organisasjon_id = ANY(%s::bigint[]) THEN 1 "
            f"WHEN {rad}.organisasjon_id = ANY(%s::bigint[]) THEN 2 "
            f"WHEN {rad}.rhf_id = %s THEN 3 ELSE 4 END AS niva_rang, "
            f"CASE WHEN {rad}.i_kommunen THEN 0.0 "
            f"WHEN {rad}.sted_lat IS NULL THEN %s "
            f"ELSE ((({rad}.sted_lat - %s) * ({rad}.sted_lat - %s)) "
            f"+ ((({rad}.sted_lon - %s) * ({rad}.sted_lon - %s)) * %s)) END AS avstand2"
        )
        return sql, [
            id_liste(self.egne_hf),
            id_liste(self.med_avtale),
            self.kommune.rhf_id,
            AVSTAND2_UKJENT,
            lat0,
            lat0,
            lon0,
            lon0,
            coslat2,
        ]

    def rangert(self, qs: QuerySet) -> QuerySet:
        """The tilbud serving the kommune, with `niva_rang` and `avstand2`, ordered by tier,
        relevance, distance. Serving: the tilbud of its RHF (HF tilbud and private providers
        with an agreement serve the whole region) and the few of other regions with a site in
        it, as a UNION ALL rather than one OR, so the region part stays one index range."""
        rekkefolge = [
            *etter_relevans(qs, "niva_rang"),
            F("avstand2").asc(nulls_last=True),
            "navn",
            "pk",
        ]
        # No ordering inside the parts: SQLite refuses ORDER BY in a compound's subqueries.
        i_regionen = self.annotert(qs.filter(rhf_id=self.kommune.rhf_id)).order_by()
        if not self.andre:
            return i_regionen.order_by(*rekkefolge)
        utenfor = self.annotert(qs.filter(pk__in=self.andre)).order_by()
        return i_regionen.union(utenfor, all=True).order_by(*rekkefolge)


# Tier conditions on a part's rows (a subquery: PostgreSQL pulls it up, so the condition
# reaches the search table's provider index).
_BLANT = "d.organisasjon_id = ANY(%s::bigint[])"
_UTENOM = "NOT (d.organisasjon_id = ANY(%s::bigint[]))"


class NivadeltSok(Sokeside):
    """The ranked search for a patient's kommune as a sequence the paginator slices: the same
    rows in the same order as `Pasientrangering.rangert`, but a page is one statement that reads
    the tiers in turn, each with a LIMIT of what the page still lacks, so a tier after a full
    page is never read (PostgreSQL does not run a plan under LIMIT 0). A tier's region part is
    one provider range (the kommune's own HF, the providers with an agreement: the search
    table's provider index) or the region's range (the rest); the other regions' few tilbud join
    the tier they rank in.

    Django compiles the filtered search once, and the tier and distance are computed over it
    in SQL (`Pasientrangering.rang_sql`); its parts (region, other regions),
    tiers and count are put together from it as SQL (building and compiling a queryset per tier
    cost more than the statement). Only SQL compiled by Django and fixed text are joined here;
    every value is a parameter. Rows are namespaces with `pk` and the ranking annotations,
    enough for selectors.kortdata_for_treff. Count, page and cards come in one statement
    (tilbud.sokeside)."""

    def __init__(self, rangering: Pasientrangering, filtrert: QuerySet) -> None:
        super().__init__()
        felt = ["pk", "organisasjon_id", "navn", "rhf_id", "sted_lat", "sted_lon", "i_kommunen"]
        filtrert = filtrert.annotate(i_kommunen=rangering.i_kommunen(filtrert))
        ledd = ['"avstand2" ASC NULLS LAST', '"navn"', '"pk"']
        if "relevans" in filtrert.query.annotations:
            felt.append("relevans")
            ledd.insert(0, '"relevans" DESC')
        self._i_niva = ", ".join(ledd)
        self._side_rekkefolge = ", ".join(f"side.{ledd_}" for ledd_ in ['"niva_rang"', *ledd])
        self._side_kolonner = len(felt) + 2  # and niva_rang, avstand2
        # One compiled queryset, ranked in SQL; its region part and other-regions part are
        # conditions on it (PostgreSQL pulls the subquery up, so they reach the indexes).
        indre, indre_params = filtrert.order_by().values(*felt).query.sql_with_params()
        rang, rang_params = rangering.rang_sql("q")
        sql = f"SELECT q.*, {rang} FROM ({indre}) q"  # noqa: S608
        params = [*rang_params, *indre_params]
        rhf_id = rangering.kommune.rhf_id
        region = f"SELECT * FROM ({sql}) r WHERE r.rhf_id = %s"  # noqa: S608
        self._deler = [(region, [*params, rhf_id])]
        # Everything that serves the kommune as one part, for the count and the provider
        # tiers: there the provider index does the narrowing, and one copy of the search
        # fewer is less to plan (Oslo: 2.9 ms planning for 4.5 ms running, now 2.2 ms).
        self._betjent = self._deler[0]
        if rangering.andre:
            andre = f"SELECT * FROM ({sql}) r WHERE r.pk = ANY(%s::bigint[])"  # noqa: S608
            self._deler.append((andre, [*params, id_liste(rangering.andre)]))
            betjent = f"SELECT * FROM ({sql}) r WHERE (r.rhf_id = %s OR r.pk = ANY(%s::bigint[]))"  # noqa: S608
            self._betjent = (betjent, [*params, rhf_id, id_liste(rangering.andre)])
        hf = list(rangering.egne_hf)
        avtale = [o for o in rangering.med_avtale if o not in hf]
        # The tiers in the order of `rangert` (own HF, agreement, rest of the region, other
        # regions), each as its parts with a condition on the provider.
        self._nivaer: list[list[tuple[str, list[Any]]]] = []
        for orgs in (hf, avtale):
            if orgs:
                self._nivaer.append([self._del(self._betjent, _BLANT, orgs)])
        self._nivaer += [[self._del(d, _UTENOM, hf + avtale)] for d in self._deler]

    @staticmethod
    def _del(del_: tuple[str, Any], vilkar: str, orgs: list[int]) -> tuple[str, list[Any]]:
        sql, params = del_
        return f"SELECT * FROM ({sql}) d WHERE {vilkar}", [*params, id_liste(orgs)]  # noqa: S608

    def _telling(self, tak: int) -> tuple[str, list[Any]]:
        """The capped count: no ordering, no tiers, stops after `tak` rows."""
        sql, params = self._betjent
        return f"SELECT count(*) FROM (SELECT 1 FROM ({sql}) d LIMIT %s) telling", [*params, tak]  # noqa: S608

    def sql(self, start: int, stopp: int) -> tuple[str, list[Any]]:
        """The statement for rows start..stopp (0-based, stopp exclusive) and its parameters."""
        ctes, params = [], []
        for i, niva in enumerate(self._nivaer):
            deler = " UNION ALL ".join(f"({sql})" for sql, _ in niva)
            # A tier reads at most what the page (from the first row) still lacks after the
            # tiers before it.
            mangler = "%s" + "".join(f" - (SELECT count(*) FROM n{j})" for j in range(i))  # noqa: S608
            ctes.append(
                f"n{i} AS MATERIALIZED (SELECT * FROM ({deler}) niva "  # noqa: S608
                f"ORDER BY {self._i_niva} LIMIT GREATEST({mangler}, 0))"
            )
            params += [p for _, del_params in niva for p in del_params]
            params.append(stopp)
        alle = " UNION ALL ".join(f"SELECT * FROM n{i}" for i in range(len(ctes)))  # noqa: S608
        sql = (
            f"WITH {', '.join(ctes)} SELECT * FROM ({alle}) alle "  # noqa: S608
            f'ORDER BY "niva_rang", {self._i_niva} LIMIT %s OFFSET %s'
        )
        return sql, [*params, stopp - start, start]
