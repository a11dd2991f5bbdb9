"""Referral figures for the regional summaries: definitions, computation and the small-cell rule.

Everything is computed from the anonymous statistical record of `henvisning.Henvisning` (status,
outcome, dates, tilbud, region), which is kept when the personal data is removed, and from the
status log `henvisning.Statusendring` (the time treatment started). No personal field is read.

**Cells**, as for the catalogue figures:

- RHF: the referral's region (`Henvisning.rhf`: the tilbud's RHF when it was referred);
- HF: referrals to tilbud owned by the HF (or ideelt sykehus);
- fylke: referrals to tilbud with a site in the fylke (a tilbud with sites in two fylker counts
  in both);
- målgruppe: the tilbud's målgrupper (a referral to a tilbud with two målgrupper counts in both
  målgruppe rows and once in the «alle målgrupper» row); fagområde: the tilbud's.

**Periods.** A generation with snapshot day D has a month row (the 1st of D's month to D) and a
year row (1 January to D), both in Norwegian time (settings.TIME_ZONE).

**Figures** (the columns of `Sammendragsrad`):

- `henvisninger_totalt`: referrals *sent* in the period (drafts never count). This cohort is the
  base of every count and share below.
- `status_<s>`: the cohort by current status; they add up to `henvisninger_totalt`.
- `henvisninger_vurdert`: decided: the rettighetsvurdering is done (any outcome) or the referral
  was rejected (avvist) before it. `henvisninger_rett`: assessed to rett til helsehjelp.
  `henvisninger_avvist`: assessed to «ikke rett» plus avvist. `andel_avvist` = avvist / vurdert.
- `henvisninger_fristgrunnlag`: decided, or undecided with the vurderingsfrist passed (before D)
  and not withdrawn. `henvisninger_innen_frist`: decided on or before the stored
  `vurderingsfrist` (10 working days after receipt, weekends and Norwegian public holidays not
  counted: henvisning.frister). The decision day is the day of `vurdert`, for avvist the day it
  was closed (`lukket`). `andel_vurdert_innen_10_dager` = innen_frist / fristgrunnlag.
- Waiting time: calendar days (Norwegian dates) from *sent* to the *start of treatment* (the
  change to «startet» in the status log), for referrals whose treatment **started in the
  period**, whenever they were sent (as NPR reports waiting times for «avviklede»: by sending
  month, a recent month would only show the short waits). `ventetid_antall` is their number;
  `ventetid_median_dager` and `ventetid_p90_dager` are percentile_cont (linear interpolation),
  rounded to one decimal.

**Small cells** (`undertrykk_henvisningstall`): a count of 1–4 persons is shown as NULL; a share
or a waiting time is NULL when its numerator or base is; when exactly one status count of a row
is hidden, the smallest other non-zero status count is hidden too (otherwise the total minus the
others would give it away). `undertrykt` says that something in the row is hidden. Differences
between other columns or rows are not protected beyond this.

On PostgreSQL the figures come from one SQL statement per region (GROUPING SETS,
percentile_cont). SQLite (development and the SQLite test run) has neither, so there the same
definitions are computed in Python over the region's referral rows (`_tellinger_python`); the
property test checks both against a direct count on their own backend.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Min, Q
from django.utils import timezone

from rapporter import regionsql
from rapporter.models import HENVISNINGSFELT, HENVISNINGSSTATUSER, STATUSFELT

# NPR and SSB do not publish counts under five persons.
SMA_CELLER_GRENSE = 5

# (nivå, region_kode, malgruppe_id or None, fagomrade or "", periodetype, periode)
Celle = tuple[str, str, int | None, str, str, str]


@dataclass(frozen=True)
class Henvisningstall:
    """Referral figures for one cell. Counts are persons (one referral = one person)."""

    henvisninger_totalt: int | None = None
    status_sendt: int | None = None
    status_mottatt: int | None = None
    status_vurdert: int | None = None
    status_venter: int | None = None
    status_startet: int | None = None
    status_avsluttet: int | None = None
    status_trukket: int | None = None
    status_avvist: int | None = None
    henvisninger_vurdert: int | None = None
    henvisninger_rett: int | None = None
    henvisninger_avvist: int | None = None
    andel_avvist: float | None = None
    henvisninger_fristgrunnlag: int | None = None
    henvisninger_innen_frist: int | None = None
    andel_vurdert_innen_10_dager: float | None = None
    ventetid_antall: int | None = None
    ventetid_median_dager: float | None = None
    ventetid_p90_dager: float | None = None
    undertrykt: bool = False


if tuple(f.name for f in fields(Henvisningstall)) != (*HENVISNINGSFELT, "undertrykt"):
    raise RuntimeError("Henvisningstall must have exactly the columns of models.HENVISNINGSFELT.")

# Shares: (numerator, base). Waiting times: base.
ANDELER: dict[str, tuple[str, str]] = {
    "andel_avvist": ("henvisninger_avvist", "henvisninger_vurdert"),
    "andel_vurdert_innen_10_dager": ("henvisninger_innen_frist", "henvisninger_fristgrunnlag"),
}
PERSENTILER: dict[str, tuple[float, str]] = {
    "ventetid_median_dager": (0.5, "ventetid_antall"),
    "ventetid_p90_dager": (0.9, "ventetid_antall"),
}
ANTALL_FELT: tuple[str, ...] = tuple(
    f for f in HENVISNINGSFELT if f not in ANDELER and f not in PERSENTILER
)


# --- The small-cell rule ----------------------------------------------------------------------


def undertrykk(antall: int | None, grense: int = SMA_CELLER_GRENSE) -> tuple[int | None, bool]:
    """The small-cell rule for one count: (shown value, suppressed?).

    None stays None and is not «suppressed» (there is nothing to hide); 0 is shown (no person
    can be identified from zero); 1 to grense-1 become None with the flag set.
    """
    if antall is None:
        return None, False
    if antall < 0:
        raise ValueError(f"Et antall kan ikke være negativt: {antall}.")
    if 0 < antall < grense:
        return None, True
    return antall, False


def undertrykk_henvisningstall(
    tall: Henvisningstall, grense: int = SMA_CELLER_GRENSE
) -> Henvisningstall:
    """Apply the small-cell rule to a cell (see the module docstring)."""
    vist: dict[str, Any] = {}
    skjult = tall.undertrykt
    for navn in ANTALL_FELT:
        verdi, er_skjult = undertrykk(getattr(tall, navn), grense)
        vist[navn] = verdi
        skjult = skjult or er_skjult

    # Secondary suppression in the status breakdown: one hidden count would be the total minus
    # the shown ones, so hide the next smallest non-zero one as well.
    skjulte = [f for f in STATUSFELT if vist[f] is None and getattr(tall, f) is not None]
    if len(skjulte) == 1 and vist["henvisninger_totalt"] is not None:
        andre = [f for f in STATUSFELT if vist[f]]
        if andre:
            vist[min(andre, key=lambda f: (vist[f], f))] = None

    for navn, (teller, nevner) in ANDELER.items():
        verdi = getattr(tall, navn)
        if verdi is not None and (vist[teller] is None or vist[nevner] is None):
            verdi, skjult = None, True
        vist[navn] = verdi
    for navn, (_p, grunnlag) in PERSENTILER.items():
        verdi = getattr(tall, navn)
        if verdi is not None and vist[grunnlag] is None:
            verdi, skjult = None, True
        vist[navn] = verdi
    return replace(tall, undertrykt=skjult, **vist)


# --- Periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periodevindu:
    """The month and year a snapshot on `dato` covers, as aware datetimes [start, slutt)."""

    dato: date
    ar_start: datetime
    maned_start: datetime
    slutt: datetime
    ar: str
    maned: str

    @classmethod
    def for_dato(cls, dato: date) -> "Periodevindu":
        tz = timezone.get_default_timezone()

        def midnatt(dag: date) -> datetime:
            return datetime.combine(dag, time.min, tzinfo=tz)

        return cls(
            dato=dato,
            ar_start=midnatt(dato.replace(month=1, day=1)),
            maned_start=midnatt(dato.replace(day=1)),
            slutt=midnatt(dato + timedelta(days=1)),
            ar=str(dato.year),
            maned=dato.strftime("%Y-%m"),
        )


# --- Computation ----------------------------------------------------------------------------------

# The raw per-cell result of either backend: every count of ANTALL_FELT, and the two
# percentiles unrounded.
Tellinger = dict[str, Any]


def henvisningstall(rhf_id: int, dato: date) -> dict[Celle, Henvisningstall]:
    """Referral figures per cell for one region (RHF id) as of `dato`, NOT yet suppressed (the
    rebuild applies `undertrykk_henvisningstall` to every row). Cells without any referral are
    left out: they are INGEN_HENVISNINGER."""
    vindu = Periodevindu.for_dato(dato)
    if connection.vendor == "postgresql":
        tellinger = _tellinger_sql(rhf_id, vindu)
    else:
        tellinger = _tellinger_python(rhf_id, vindu)
    return {celle: fra_tellinger(t) for celle, t in tellinger.items()}


def fra_tellinger(t: Tellinger) -> Henvisningstall:
    """Counts and raw percentiles → the published figures (shares to 4 decimals, days to 1)."""
    verdier: dict[str, Any] = {f: t[f] for f in ANTALL_FELT}
    for navn, (teller, nevner) in ANDELER.items():
        verdier[navn] = round(t[teller] / t[nevner], 4) if t[nevner] else None
    for navn in PERSENTILER:
        verdier[navn] = None if t[navn] is None else round(float(t[navn]), 1)
    return Henvisningstall(**verdier)


# A cell no referral falls in: zero counts, no shares or waiting times.
INGEN_HENVISNINGER = fra_tellinger({**dict.fromkeys(ANTALL_FELT, 0), **dict.fromkeys(PERSENTILER)})


def percentile_cont(verdier: list[int], p: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    if not verdier:
        return None
    ordnet = sorted(verdier)
    posisjon = p * (len(ordnet) - 1)
    lav = math.floor(posisjon)
    hoy = math.ceil(posisjon)
    return ordnet[lav] + (ordnet[hoy] - ordnet[lav]) * (posisjon - lav)


def _tellinger_sql(rhf_id: int, vindu: Periodevindu) -> dict[Celle, Tellinger]:
    from tilbud.models import Organisasjon

    tabeller = regionsql.tabeller()
    fragmenter = {
        "enheter": regionsql.ENHETER_CTE.format(**tabeller),
        "statustellinger": _STATUSTELLINGER,
        "summer": _SUMMER,
        "ingen_summer": _INGEN_SUMMER,
        "sett_summer": _SETT_SUMMER,
        "sett_kolonner": _SETT_KOLONNER,
        "fakta": _FAKTA,
        **tabeller,
    }
    parametere = {
        "rhf": rhf_id,
        "kode": Organisasjon.objects.values_list("kode", flat=True).get(id=rhf_id) or "",
        "hf_typer": regionsql.hf_typer(),
        "ar_start": vindu.ar_start,
        "maned_start": vindu.maned_start,
        "slutt": vindu.slutt,
        "dato": vindu.dato,
        "tz": settings.TIME_ZONE,
    }
    resultat: dict[Celle, Tellinger] = {}
    setninger = [sql.format(**fragmenter) for sql in HENVISNINGSTALL_SQL]
    for r in regionsql.kjor(setninger, parametere):
        enhet = r["enhet"]
        if enhet == 0:
            niva, kode = "rhf", parametere["kode"]
        elif enhet > 0:
            niva, kode = "hf", str(enhet)
        else:
            niva, kode = "fylke", f"{-enhet:02d}"
        celle: Celle = (
            niva,
            kode,
            r["malgruppe_id"],
            r["fagomrade"],
            "maned" if r["maned"] else "ar",
            vindu.maned if r["maned"] else vindu.ar,
        )
        tall = resultat.setdefault(
            celle, {**dict.fromkeys(ANTALL_FELT, 0), **dict.fromkeys(PERSENTILER)}
        )
        if r["del"] == "antall":
            tall.update({f: r[f] for f in ANTALL_FELT})
        else:
            tall["ventetid_median_dager"] = _fra_rangverdier(r["n"], r["m_lav"], r["m_hoy"], 0.5)
            tall["ventetid_p90_dager"] = _fra_rangverdier(r["n"], r["p_lav"], r["p_hoy"], 0.9)
    return resultat


# One statement per region:
#
# 1. `fakta`: one row per referral of the region and period (year; month) in which it was sent
#    or started treatment, with the definitions evaluated once (one scan of the referral table
#    and of the status log) and the tilbud's fagområde;
# 2. `per_tilbud`: the counts summed per tilbud first (a referral belongs to one tilbud, so
#    counts add up from there), then per unit (the RHF: the referral's own region; its HF and
#    fylker: `enhet_tilbud`) by GROUPING SETS without and with målgruppe (the målgruppe join
#    repeats a tilbud once per målgruppe, so the totals must not use it);
# 3. waiting times as histograms (waiting days are small integers): per tilbud and day, then per
#    cell and day (hash aggregation; the fagområde total is the sum of the fagområder), and
#    percentile_cont read off the cumulative counts: the value at 0-based rank k is the smallest
#    day whose cumulative count exceeds k, and percentile_cont(p) interpolates between ranks
#    floor(p·(n−1)) and ceil(p·(n−1)).
#
# Rows come back as `del` = 'antall' (every count) or 'ventetid' (n and the two pairs of ranks
# around the median and p90, interpolated in Python by `_fra_rangverdier`) per cell.
_STATUSTELLINGER = ",\n        ".join(
    f"COUNT(*) FILTER (WHERE f.kohort AND f.status = '{s}')::int AS status_{s}"
    for s in HENVISNINGSSTATUSER
)
_SUMMER = ",\n       ".join(f"SUM(e.{f})::int AS {f}" for f in ANTALL_FELT)
_INGEN_SUMMER = ",\n       ".join(f"NULL::int AS {f}" for f in ANTALL_FELT)
_SETT_SUMMER = ", ".join(f"SUM(e.{f}) AS {f}" for f in ANTALL_FELT)
_SETT_KOLONNER = ", ".join(f"s.{f}" for f in ANTALL_FELT)

# The definitions, evaluated once per referral (h: the referral, s: its start of treatment).
_FAKTA = """
        h.tilbud_id,
        h.rhf_id = %(rhf)s AS i_rhf,
        h.status,
        COALESCE(h.sendt >= %(ar_start)s AND h.sendt < %(slutt)s, false) AS kohort_ar,
        COALESCE(h.sendt >= %(maned_start)s AND h.sendt < %(slutt)s, false) AS kohort_maned,
        s.startet IS NOT NULL AND h.sendt IS NOT NULL AS vent_ar,
        COALESCE(s.startet >= %(maned_start)s AND h.sendt IS NOT NULL, false) AS vent_maned,
        (h.vurdert IS NOT NULL OR h.status = 'avvist') AS vurdert,
        h.utfall = 'rett' AS rett,
        (h.utfall = 'ikke_rett' OR h.status = 'avvist') AS avvist,
        (h.vurdert IS NOT NULL OR h.status = 'avvist'
         OR (h.status <> 'trukket' AND h.vurderingsfrist < %(dato)s)) AS fristgrunnlag,
        COALESCE(
            (h.vurdert IS NOT NULL OR h.status = 'avvist')
            AND (COALESCE(h.vurdert, h.lukket) AT TIME ZONE %(tz)s)::date <= h.vurderingsfrist,
            false
        ) AS innen_frist,
        (s.startet AT TIME ZONE %(tz)s)::date - (h.sendt AT TIME ZONE %(tz)s)::date
            AS ventedager"""

# Units as one integer: 0 the RHF, > 0 an HF (its id), < 0 a fylke (minus its number).
HENVISNINGSTALL_SQL = [
    """
-- rapporter.henvisningstall
WITH
startet AS (
    SELECT s.henvisning_id, MIN(s.tidspunkt) AS startet
    FROM {statusendring} s
    WHERE s.til_status = 'startet'
      AND s.tidspunkt >= %(ar_start)s AND s.tidspunkt < %(slutt)s
    GROUP BY s.henvisning_id
),{enheter},
enhet_tilbud AS MATERIALIZED (
    SELECT organisasjon_id::int AS enhet, tilbud_id FROM hf_tilbud
    UNION ALL
    SELECT -(fylke_id::int), tilbud_id FROM fylke_tilbud
),
mg_sett AS MATERIALIZED (
    -- Each tilbud's set of målgrupper as one key: the cells with målgruppe are summed per set
    -- (a few dozen distinct sets) and only then spread over its målgrupper. The set is
    -- numbered (`sett`): grouping half a million waiting-time rows by the array itself meant
    -- sorting them by array comparison (0.8 s for the largest region).
    SELECT m.tilbud_id, m.mg, dense_rank() OVER (ORDER BY m.mg) AS sett
    FROM (
        SELECT tm.tilbud_id, array_agg(tm.malgruppe_id ORDER BY tm.malgruppe_id) AS mg
        FROM {tilbud_malgrupper} tm
        GROUP BY tm.tilbud_id
    ) m
),
sett AS MATERIALIZED (
    SELECT DISTINCT ms.sett, ms.mg FROM mg_sett ms
),
h AS (
    -- Sent in the year (the index on sendt), with the start of treatment if any ...
    SELECT {fakta}
    FROM {henvisning} h
    LEFT JOIN startet s ON s.henvisning_id = h.id
    WHERE h.sendt >= %(ar_start)s AND h.sendt < %(slutt)s
      AND (h.rhf_id = %(rhf)s OR h.tilbud_id IN (SELECT tilbud_id FROM enhet_tilbud))
    UNION ALL
    -- ... and sent before the year, treatment started in it.
    SELECT {fakta}
    FROM startet s
    JOIN {henvisning} h ON h.id = s.henvisning_id
    WHERE NOT COALESCE(h.sendt >= %(ar_start)s AND h.sendt < %(slutt)s, false)
      AND (h.rhf_id = %(rhf)s OR h.tilbud_id IN (SELECT tilbud_id FROM enhet_tilbud))
),
fakta AS MATERIALIZED (
    SELECT h.tilbud_id, h.i_rhf, p.maned,
           CASE WHEN p.maned THEN h.kohort_maned ELSE h.kohort_ar END AS kohort,
           CASE WHEN p.maned THEN h.vent_maned ELSE h.vent_ar END AS vent,
           h.status, h.vurdert, h.rett, h.avvist, h.fristgrunnlag, h.innen_frist,
           h.ventedager, t.fagomrade::text COLLATE "C" AS fagomrade
    FROM h
    CROSS JOIN (VALUES (false), (true)) AS p (maned)
    JOIN {tilbud} t ON t.id = h.tilbud_id
    WHERE CASE WHEN p.maned THEN h.kohort_maned OR h.vent_maned
               ELSE h.kohort_ar OR h.vent_ar END
),
per_tilbud AS (
    SELECT f.tilbud_id, f.i_rhf, f.maned, f.fagomrade,
        COUNT(*) FILTER (WHERE f.kohort)::int AS henvisninger_totalt,
        {statustellinger},
        COUNT(*) FILTER (WHERE f.kohort AND f.vurdert)::int AS henvisninger_vurdert,
        COUNT(*) FILTER (WHERE f.kohort AND f.rett)::int AS henvisninger_rett,
        COUNT(*) FILTER (WHERE f.kohort AND f.avvist)::int AS henvisninger_avvist,
        COUNT(*) FILTER (WHERE f.kohort AND f.fristgrunnlag)::int AS henvisninger_fristgrunnlag,
        COUNT(*) FILTER (WHERE f.kohort AND f.innen_frist)::int AS henvisninger_innen_frist,
        COUNT(*) FILTER (WHERE f.vent)::int AS ventetid_antall
    FROM fakta f
    GROUP BY f.tilbud_id, f.i_rhf, f.maned, f.fagomrade
),
enhet AS MATERIALIZED (
    SELECT 0 AS enhet, p.* FROM per_tilbud p WHERE p.i_rhf
    UNION ALL
    SELECT u.enhet, p.* FROM per_tilbud p JOIN enhet_tilbud u USING (tilbud_id)
),
vent_tilbud AS (
    SELECT f.tilbud_id, f.i_rhf, f.maned, f.fagomrade, f.ventedager, COUNT(*)::int AS n
    FROM fakta f WHERE f.vent
    GROUP BY f.tilbud_id, f.i_rhf, f.maned, f.fagomrade, f.ventedager
),
vent AS MATERIALIZED (
    SELECT 0 AS enhet, v.* FROM vent_tilbud v WHERE v.i_rhf
    UNION ALL
    SELECT u.enhet, v.* FROM vent_tilbud v JOIN enhet_tilbud u USING (tilbud_id)
),
hist_fag AS MATERIALIZED (
    SELECT v.enhet, NULL::bigint AS malgruppe_id, v.fagomrade, v.maned, v.ventedager,
           SUM(v.n) AS n
    FROM vent v
    GROUP BY v.enhet, v.maned, v.fagomrade, v.ventedager
),
hist_mg_fag AS MATERIALIZED (
    SELECT s.enhet, unnest(st.mg)::bigint AS malgruppe_id, s.fagomrade, s.maned, s.ventedager,
           s.n
    FROM (
        SELECT v.enhet, ms.sett, v.fagomrade, v.maned, v.ventedager, SUM(v.n) AS n
        FROM vent v JOIN mg_sett ms ON ms.tilbud_id = v.tilbud_id
        GROUP BY v.enhet, v.maned, ms.sett, v.fagomrade, v.ventedager
    ) s
    JOIN sett st ON st.sett = s.sett
),
hist AS (
    SELECT * FROM hist_fag
    UNION ALL
    SELECT enhet, malgruppe_id, '', maned, ventedager, SUM(n)
    FROM hist_fag GROUP BY enhet, malgruppe_id, maned, ventedager
    UNION ALL
    SELECT * FROM hist_mg_fag
    UNION ALL
    SELECT enhet, malgruppe_id, '', maned, ventedager, SUM(n)
    FROM hist_mg_fag GROUP BY enhet, malgruppe_id, maned, ventedager
),
kum AS (
    SELECT h.*,
           SUM(h.n) OVER (PARTITION BY h.enhet, h.malgruppe_id, h.fagomrade, h.maned
                          ORDER BY h.ventedager) AS kum,
           SUM(h.n) OVER (PARTITION BY h.enhet, h.malgruppe_id, h.fagomrade, h.maned) AS tot
    FROM hist h
)
SELECT 'antall' AS del, e.enhet, NULL::bigint AS malgruppe_id,
       CASE WHEN GROUPING(e.fagomrade) = 1 THEN '' ELSE e.fagomrade END AS fagomrade,
       e.maned,
       {summer},
       NULL::bigint AS n, NULL::int AS m_lav, NULL::int AS m_hoy, NULL::int AS p_lav,
       NULL::int AS p_hoy
FROM enhet e
GROUP BY GROUPING SETS ((e.enhet, e.maned, e.fagomrade), (e.enhet, e.maned))
UNION ALL
SELECT 'antall', e.enhet, e.malgruppe_id,
       CASE WHEN GROUPING(e.fagomrade) = 1 THEN '' ELSE e.fagomrade END,
       e.maned,
       {summer},
       NULL, NULL, NULL, NULL, NULL
FROM (
    SELECT s.enhet, unnest(st.mg)::bigint AS malgruppe_id, s.fagomrade, s.maned,
           {sett_kolonner}
    FROM (
        SELECT e.enhet, ms.sett, e.fagomrade, e.maned, {sett_summer}
        FROM enhet e JOIN mg_sett ms ON ms.tilbud_id = e.tilbud_id
        GROUP BY e.enhet, e.maned, ms.sett, e.fagomrade
    ) s
    JOIN sett st ON st.sett = s.sett
) e
GROUP BY GROUPING SETS (
    (e.enhet, e.maned, e.malgruppe_id, e.fagomrade), (e.enhet, e.maned, e.malgruppe_id)
)
UNION ALL
SELECT 'ventetid', k.enhet, k.malgruppe_id, k.fagomrade, k.maned,
       {ingen_summer},
       MAX(k.tot)::bigint,
       MIN(k.ventedager) FILTER (WHERE k.kum > floor(0.5 * (k.tot - 1))),
       MIN(k.ventedager) FILTER (WHERE k.kum > ceil(0.5 * (k.tot - 1))),
       MIN(k.ventedager) FILTER (WHERE k.kum > floor(0.9 * (k.tot - 1))),
       MIN(k.ventedager) FILTER (WHERE k.kum > ceil(0.9 * (k.tot - 1)))
FROM kum k
GROUP BY k.enhet, k.malgruppe_id, k.fagomrade, k.maned
"""
]


def _fra_rangverdier(n: int, lav: int, hoy: int, p: float) -> float:
    """percentile_cont from the values at ranks floor(p·(n−1)) and ceil(p·(n−1))."""
    posisjon = p * (n - 1)
    return lav + (hoy - lav) * (posisjon - math.floor(posisjon))


def _tellinger_python(rhf_id: int, vindu: Periodevindu) -> dict[Celle, Tellinger]:
    """The same definitions as HENVISNINGSTALL_SQL, in Python over the region's referrals
    (SQLite has no GROUPING SETS or percentile_cont). Meant for small data: development and
    tests."""
    from henvisning.models import Henvisning, Statusendring
    from tilbud.models import Organisasjon, Tilbud

    rhf = Organisasjon.objects.get(id=rhf_id)
    hf_ider = set(
        Organisasjon.objects.filter(rhf_id=rhf_id, type__in=regionsql.hf_typer()).values_list(
            "id", flat=True
        )
    )
    fylker: dict[int, set[str]] = defaultdict(set)
    for tilbud_id, fylke in Tilbud.lokasjoner.through.objects.filter(
        lokasjon__kommune__fylke__rhf_id=rhf_id
    ).values_list("tilbud_id", "lokasjon__kommune__fylke_id"):
        fylker[tilbud_id].add(fylke)
    startet = dict(
        Statusendring.objects.filter(
            til_status=Henvisning.Status.STARTET,
            tidspunkt__gte=vindu.ar_start,
            tidspunkt__lt=vindu.slutt,
        )
        .values("henvisning_id")
        .annotate(startet=Min("tidspunkt"))
        .values_list("henvisning_id", "startet")
    )
    henvisninger = list(
        Henvisning.objects.filter(
            Q(sendt__gte=vindu.ar_start, sendt__lt=vindu.slutt) | Q(id__in=list(startet))
        )
        .filter(
            Q(rhf_id=rhf_id)
            | Q(tilbud__organisasjon_id__in=hf_ider)
            | Q(tilbud_id__in=list(fylker))
        )
        .values(
            "id",
            "tilbud_id",
            "rhf_id",
            "status",
            "utfall",
            "sendt",
            "vurdert",
            "lukket",
            "vurderingsfrist",
        )
    )
    tilbud_ider = {h["tilbud_id"] for h in henvisninger}
    tilbud = {
        t.id: t
        for t in Tilbud.objects.filter(id__in=tilbud_ider)
        .only("id", "fagomrade", "organisasjon_id")
        .prefetch_related("malgrupper")
    }

    celler: dict[Celle, Tellinger] = {}
    ventetider: dict[Celle, list[int]] = defaultdict(list)
    for h in henvisninger:
        f = _fakta(h, startet.get(h["id"]), vindu)
        t = tilbud[h["tilbud_id"]]
        enheter: list[tuple[str, str]] = []
        if h["rhf_id"] == rhf_id:
            enheter.append(("rhf", rhf.kode or ""))
        if t.organisasjon_id in hf_ider:
            enheter.append(("hf", str(t.organisasjon_id)))
        enheter += [("fylke", nr) for nr in sorted(fylker.get(t.id, ()))]
        malgrupper = [None, *(m.id for m in t.malgrupper.all())]
        perioder = [
            ("ar", vindu.ar, f["kohort_ar"], f["vent_ar"]),
            ("maned", vindu.maned, f["kohort_maned"], f["vent_maned"]),
        ]
        for periodetype, periode, kohort, vent in perioder:
            if not (kohort or vent):
                continue
            for niva, kode in enheter:
                for mg in malgrupper:
                    for fag in ("", t.fagomrade):
                        celle: Celle = (niva, kode, mg, fag, periodetype, periode)
                        c = celler.setdefault(celle, dict.fromkeys(ANTALL_FELT, 0))
                        if kohort:
                            c["henvisninger_totalt"] += 1
                            c[f"status_{h['status']}"] += 1
                            for navn in ("vurdert", "rett", "avvist", "fristgrunnlag"):
                                c[f"henvisninger_{navn}"] += f[navn]
                            c["henvisninger_innen_frist"] += f["innen_frist"]
                        if vent:
                            c["ventetid_antall"] += 1
                            ventetider[celle].append(f["ventedager"])
    for celle, c in celler.items():
        for navn, (p, _grunnlag) in PERSENTILER.items():
            c[navn] = percentile_cont(ventetider.get(celle, []), p)
    return celler


def _fakta(h: dict[str, Any], startet: datetime | None, vindu: Periodevindu) -> dict[str, Any]:
    """One referral's flags, as the `fakta` CTE of HENVISNINGSTALL_SQL computes them."""
    sendt = h["sendt"]
    i_ar = sendt is not None and vindu.ar_start <= sendt < vindu.slutt
    vurdert = h["vurdert"] is not None or h["status"] == "avvist"
    besluttet = h["vurdert"] or h["lukket"]
    frist = h["vurderingsfrist"]
    return {
        "kohort_ar": i_ar,
        "kohort_maned": i_ar and sendt >= vindu.maned_start,
        "vent_ar": startet is not None and sendt is not None,
        "vent_maned": startet is not None and sendt is not None and startet >= vindu.maned_start,
        "vurdert": vurdert,
        "rett": h["utfall"] == "rett",
        "avvist": h["utfall"] == "ikke_rett" or h["status"] == "avvist",
        "fristgrunnlag": vurdert
        or (h["status"] != "trukket" and frist is not None and frist < vindu.dato),
        "innen_frist": bool(
            vurdert
            and besluttet is not None
            and frist is not None
            and timezone.localtime(besluttet).date() <= frist
        ),
        "ventedager": (
            (timezone.localtime(startet).date() - timezone.localtime(sendt).date()).days
            if startet is not None and sendt is not None
            else None
        ),
    }
