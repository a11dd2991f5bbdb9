"""Add N deterministic synthetic referrals (with their status log) to a bench catalogue.

    DJANGO_SETTINGS_MODULE=helsearbeid.settings.dev \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h6_bench \\
    .venv/bin/python bench/lag_henvisninger.py --antall 1000000 [--seed 42] \\
        [--naa 2026-11-24T06:00Z]

Run bench/lag_katalog.py first (same DATABASE_URL). Everything is generated inside PostgreSQL
with INSERT … SELECT over generate_series: no row passes through Python. Each referral's random
draws are `hashtextextended(id || ':' || draw, seed)`, so the same --antall, --seed and --naa
give the same rows whatever the plan or the order of execution. Times are relative to --naa
(default: now, truncated to the hour), so a rebuild run right after sees a realistic mix.

What a referral looks like (the henvisning lifecycle, henvisning/livssyklus.py):

- tilbud uniformly from the whole catalogue (ended ones too); region = the tilbud's RHF;
  receiver = the provider, the HF or the region, as henvisning.services.mottaker_for routes it;
  sent by one of 2 000 synthetic GPs; sent uniformly over the --dager (730) days before --naa,
  so that about half of them fall in the summaries' current year (the hard case: a longer
  history with the same total leaves fewer in the year);
- received 0–3 days after sending; vurderingsfrist = 10 working days after the sending day
  (henvisning.frister, Norwegian holidays, looked up from a table made in Python);
- outcome: 4 % withdrawn before a decision, 5 % avvist, 12 % «ikke rett», 3 % videresendt (the
  forwarded copy is not generated), 76 % rett; the decision 0–18 days after receipt (about three
  in four within the deadline); of rett, 60 % wait («venter») first, 2 % are withdrawn later;
  treatment starts 5–90 days after the decision and ends 20–120 days later;
- the status is the last of these events before --naa; the status log has one row per event;
- personal fields, the health free text and the diagnosis codes included, are filled with
  stand-ins for Fernet tokens (lengths like the real encrypted values; no key opens them)
  unless the referral was closed more than 365 days before --naa, in which case they are
  emptied as henvisning.services.personopplysninger_slett does.

The script first empties the referral tables (TRUNCATE … CASCADE): the database must be a bench
database (name contains "bench", on localhost).
"""

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsearbeid.settings.dev")

from lag_katalog import sjekk_database  # noqa: E402

ANTALL_HENVISERE = 2000

T0 = time.perf_counter()


def logg(tekst: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f} s] {tekst}", flush=True)


# u(k): the referral's k-th uniform draw in [0, 1).
U = "((hashtextextended(g.i::text || ':{k}', %(seed)s) & 2147483647)::float8 / 2147483648.0)"


def u(k: str) -> str:
    return U.format(k=k)


FORLOP_SQL = f"""
CREATE UNLOGGED TABLE bench_forlop AS
WITH g AS (
    SELECT i, {u("tilbud")} AS u_tilbud, {u("sendt")} AS u_sendt, {u("motta")} AS u_motta,
           {u("utfall")} AS u_utfall, {u("vurder")} AS u_vurder, {u("venter")} AS u_venter,
           {u("start")} AS u_start, {u("slutt")} AS u_slutt, {u("sender")} AS u_sender,
           {u("trekk")} AS u_trekk, {u("tekst")} AS u_tekst
    FROM generate_series(1, %(antall)s) AS g(i)
), t AS (
    SELECT g.*,
           %(naa)s::timestamptz - g.u_sendt * %(dager)s * interval '1 day' AS sendt
    FROM g
), h AS (
    SELECT t.*,
           t.sendt - t.u_motta * interval '3 days' AS opprettet,
           t.sendt + t.u_motta * interval '3 days' AS mottatt_t,
           CASE WHEN t.u_utfall < 0.04 THEN 'trukket_for'
                WHEN t.u_utfall < 0.09 THEN 'avvist'
                WHEN t.u_utfall < 0.21 THEN 'ikke_rett'
                WHEN t.u_utfall < 0.24 THEN 'videresendt'
                ELSE 'rett' END AS vei
    FROM t
), e AS (
    SELECT h.*,
           h.mottatt_t + h.u_vurder * interval '18 days' AS avgjort_t,
           h.sendt + h.u_vurder * interval '10 days' AS trukket_for_t
    FROM h
), f AS (
    SELECT e.*,
           CASE WHEN e.vei = 'rett' AND e.u_venter < 0.6
                THEN e.avgjort_t + e.u_venter * interval '2 days' END AS venter_t,
           CASE WHEN e.vei = 'rett' AND e.u_trekk < 0.02
                THEN e.avgjort_t + interval '3 days' END AS trukket_etter_t,
           CASE WHEN e.vei = 'rett'
                THEN e.avgjort_t + interval '5 days' + e.u_start * interval '85 days' END
               AS startet_t
    FROM e
)
SELECT f.i AS id, f.u_tilbud, f.u_sender, f.u_tekst, f.vei, f.opprettet, f.sendt,
       f.mottatt_t, f.avgjort_t, f.trukket_for_t, f.venter_t, f.trukket_etter_t,
       CASE WHEN f.trukket_etter_t IS NULL THEN f.startet_t END AS startet_t,
       CASE WHEN f.trukket_etter_t IS NULL
            THEN f.startet_t + interval '20 days' + f.u_slutt * interval '100 days' END
           AS avsluttet_t
FROM f
"""

# The status and the stored times as of --naa (events after --naa have not happened).
STATUS_SQL = """
CREATE UNLOGGED TABLE bench_status AS
SELECT f.*,
       CASE
         WHEN f.vei = 'trukket_for' AND f.trukket_for_t <= n.naa THEN 'trukket'
         WHEN f.vei = 'trukket_for' AND f.mottatt_t <= n.naa THEN 'mottatt'
         WHEN f.vei = 'trukket_for' THEN 'sendt'
         WHEN f.avgjort_t <= n.naa AND f.vei = 'avvist' THEN 'avvist'
         WHEN f.avgjort_t <= n.naa AND f.vei IN ('ikke_rett', 'videresendt') THEN 'vurdert'
         WHEN f.avsluttet_t <= n.naa THEN 'avsluttet'
         WHEN f.startet_t <= n.naa THEN 'startet'
         WHEN f.trukket_etter_t <= n.naa THEN 'trukket'
         WHEN f.venter_t <= n.naa THEN 'venter'
         WHEN f.avgjort_t <= n.naa THEN 'vurdert'
         WHEN f.mottatt_t <= n.naa THEN 'mottatt'
         ELSE 'sendt'
       END AS status
FROM bench_forlop f CROSS JOIN (SELECT %(naa)s::timestamptz AS naa) n
"""

HENVISNING_SQL = """
INSERT INTO henvisning_henvisning (
    id, henvisertype, fodselsnummer_kryptert, fodselsnummer_hash, navn_kryptert, diagnosekoder,
    sykmeldt, sykmelding_prosent, sykmeldt_fra, sporsmal, arbeidssituasjon, arbeidsgiverkontakt,
    nav_kontakt, samtykke, sjekkliste, begrunnelse, diagnosegrupper, status, utfall,
    avvisningsgrunn, frist, vurderingsfrist, opprettet, endret, sendt, mottatt, vurdert, lukket,
    personopplysninger_slettet, mottaker_id, rhf_id, sender_id, tilbud_id, videresendt_fra_id,
    videresendt_til_id
)
SELECT
    s.id,
    CASE WHEN s.u_sender < 0.9 THEN 'fastlege' ELSE 'bedriftslege' END,
    CASE WHEN slettes THEN '' ELSE 'gAAAAAB' || repeat(md5(s.id::text || 'f'), 3) END,
    CASE WHEN slettes THEN '' ELSE md5(s.id::text || 'h') || md5(s.id::text || 'i') END,
    CASE WHEN slettes THEN '' ELSE 'gAAAAAB' || repeat(md5(s.id::text || 'n'), 3) END,
    CASE WHEN slettes THEN '' ELSE 'gAAAAAB' || repeat(md5(s.id::text || 'd'), 5) END,
    CASE WHEN slettes THEN NULL ELSE s.u_tekst < 0.8 END,
    CASE WHEN slettes OR s.u_tekst >= 0.8 THEN NULL ELSE 50 + (s.u_tekst * 60)::int END,
    CASE WHEN slettes OR s.u_tekst >= 0.8 THEN NULL ELSE (s.sendt - interval '40 days')::date END,
    CASE WHEN slettes THEN '' ELSE 'gAAAAAB' || repeat(md5(s.id::text || 's'), 10) END,
    CASE WHEN slettes THEN '' ELSE 'gAAAAAB' || repeat(md5(s.id::text || 'a'), 4) END,
    CASE WHEN slettes THEN '' ELSE 'gAAAAAB' || repeat(md5(s.id::text || 'g'), 4) END,
    CASE WHEN slettes THEN '' ELSE 'gAAAAAB' || repeat(md5(s.id::text || 'v'), 4) END,
    true,
    '[]'::jsonb,
    CASE WHEN slettes OR s.status NOT IN ('avvist', 'vurdert', 'trukket') THEN ''
         ELSE 'gAAAAAB' || repeat(md5(s.id::text || 'b'), 4) END,
    jsonb_build_array(t.malgruppe_slug),
    s.status,
    CASE WHEN s.status IN ('sendt', 'mottatt', 'avvist') OR s.vei = 'trukket_for' THEN ''
         WHEN s.vei = 'rett' THEN 'rett' ELSE s.vei END,
    CASE WHEN s.status = 'avvist' THEN 'utenfor_malgruppe' ELSE '' END,
    CASE WHEN s.vei = 'rett' AND s.status NOT IN ('sendt', 'mottatt')
         THEN (s.avgjort_t AT TIME ZONE %(tz)s)::date + 60 END,
    fr.frist,
    s.opprettet,
    greatest(s.sendt, CASE WHEN s.status <> 'sendt' THEN s.mottatt_t END, s.lukket_t),
    s.sendt,
    CASE WHEN s.status <> 'sendt' THEN s.mottatt_t END,
    CASE WHEN s.vei IN ('rett', 'ikke_rett', 'videresendt')
              AND s.status NOT IN ('sendt', 'mottatt') THEN s.avgjort_t END,
    s.lukket_t,
    CASE WHEN slettes THEN s.lukket_t + interval '365 days' END,
    t.mottaker_id, t.rhf_id, hv.id, t.id, NULL,
    CASE WHEN s.vei = 'videresendt' AND s.status = 'vurdert' THEN t.videresend_til END
FROM (
    SELECT b.*,
           CASE
             WHEN b.status = 'trukket' THEN coalesce(b.trukket_etter_t, b.trukket_for_t)
             WHEN b.status IN ('avvist', 'vurdert') AND b.vei <> 'rett' THEN b.avgjort_t
             WHEN b.status = 'avsluttet' THEN b.avsluttet_t
           END AS lukket_t
    FROM bench_status b
) s
CROSS JOIN LATERAL (
    SELECT s.lukket_t IS NOT NULL AND s.lukket_t < %(naa)s::timestamptz - interval '365 days'
        AS slettes
) sl
JOIN bench_tilbud t ON t.nr = 1 + floor(s.u_tilbud * %(antall_tilbud)s)::int
JOIN bench_henviser hv ON hv.nr = 1 + floor(s.u_sender * %(antall_henvisere)s)::int
JOIN bench_frist fr ON fr.dag = (s.sendt AT TIME ZONE %(tz)s)::date
"""

STATUSENDRING_SQL = """
INSERT INTO henvisning_statusendring
    (fra_status, til_status, tidspunkt, begrunnelse, henvisning_id, utfort_av_id)
SELECT e.fra, e.til, e.tid, '', h.id, CASE WHEN e.sender THEN h.sender_id END
FROM henvisning_henvisning h
JOIN bench_status s ON s.id = h.id
CROSS JOIN LATERAL (VALUES
    ('', 'utkast', s.opprettet, true),
    ('utkast', 'sendt', s.sendt, true),
    ('sendt', 'mottatt', CASE WHEN h.mottatt IS NOT NULL THEN s.mottatt_t END, false),
    ('mottatt', 'avvist', CASE WHEN h.status = 'avvist' THEN s.avgjort_t END, false),
    ('mottatt', 'vurdert', h.vurdert, false),
    ('vurdert', 'venter', CASE WHEN s.venter_t <= %(naa)s THEN s.venter_t END, false),
    (CASE WHEN s.venter_t IS NOT NULL THEN 'venter' ELSE 'vurdert' END, 'startet',
     CASE WHEN s.startet_t <= %(naa)s THEN s.startet_t END, false),
    ('startet', 'avsluttet', CASE WHEN s.avsluttet_t <= %(naa)s THEN s.avsluttet_t END, false),
    (CASE WHEN s.vei = 'trukket_for' THEN CASE WHEN h.mottatt IS NULL THEN 'sendt'
          ELSE 'mottatt' END WHEN s.venter_t <= %(naa)s THEN 'venter' ELSE 'vurdert' END,
     'trukket', CASE WHEN h.status = 'trukket' THEN h.lukket END, true)
) AS e(fra, til, tid, sender)
WHERE e.tid IS NOT NULL
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--antall", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dager", type=int, default=730, help="sendt over så mange dager")
    parser.add_argument(
        "--naa",
        type=datetime.fromisoformat,
        default=None,
        help="tidspunktet tidene regnes bakover fra (ISO 8601 med sone; standard: nå, hel time)",
    )
    args = parser.parse_args()
    sjekk_database()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from henvisning.frister import vurderingsfrist

    naa = args.naa or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    p = {
        "antall": args.antall,
        "seed": args.seed,
        "naa": naa,
        "tz": settings.TIME_ZONE,
        "antall_henvisere": ANTALL_HENVISERE,
        "dager": args.dager,
    }
    logg(
        f"{args.antall} henvisninger, seed {args.seed}, sendt de {args.dager} dagene før "
        f"{naa.isoformat()}"
    )
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "TRUNCATE henvisning_henvisning, henvisning_statusendring, "
            "henvisning_foresporsel, henvisning_tilgangslogg CASCADE"
        )
        c.execute("DROP TABLE IF EXISTS bench_forlop, bench_status")

        # GPs: plain rows with an unusable password.
        c.execute(
            "INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, "
            "last_name, email, is_staff, is_active, date_joined) "
            "SELECT '!', NULL, false, 'bench-henviser-' || i, 'Lege', i::text, '', false, true, "
            "now() FROM generate_series(1, %(antall_henvisere)s) i "
            "ON CONFLICT (username) DO NOTHING",
            p,
        )
        c.execute(
            "CREATE TEMP TABLE bench_henviser AS SELECT row_number() OVER (ORDER BY id) AS nr, id "
            "FROM auth_user WHERE username LIKE 'bench-henviser-%%'"
        )
        # Every tilbud with its receiver (henvisning.services.mottaker_for), one målgruppe for
        # the referral's diagnosis group, and a tilbud to forward to.
        c.execute(
            """
            CREATE TEMP TABLE bench_tilbud AS
            SELECT row_number() OVER (ORDER BY t.id) AS nr, t.id, t.rhf_id,
                   CASE WHEN t.henvisning_til = 'leverandor' THEN t.organisasjon_id
                        WHEN t.henvisning_til = 'hf' AND o.type IN ('hf', 'ideell')
                        THEN t.organisasjon_id
                        ELSE t.rhf_id END AS mottaker_id,
                   coalesce((SELECT m.slug FROM tilbud_tilbud_malgrupper tm
                             JOIN tilbud_malgruppe m ON m.id = tm.malgruppe_id
                             WHERE tm.tilbud_id = t.id ORDER BY m.id LIMIT 1),
                            'sammensatte-lidelser') AS malgruppe_slug,
                   lead(t.id, 1, (SELECT min(id) FROM tilbud_tilbud)) OVER (ORDER BY t.id)
                       AS videresend_til
            FROM tilbud_tilbud t JOIN tilbud_organisasjon o ON o.id = t.organisasjon_id
            """
        )
        c.execute("CREATE UNIQUE INDEX ON bench_tilbud (nr)")
        c.execute("SELECT count(*) FROM bench_tilbud")
        p["antall_tilbud"] = c.fetchone()[0]

        # The deadline for every possible sending day, from henvisning.frister.
        c.execute("CREATE TEMP TABLE bench_frist (dag date PRIMARY KEY, frist date NOT NULL)")
        forste = (naa - timedelta(days=args.dager + 2)).date()
        dager = [forste + timedelta(days=d) for d in range(args.dager + 5)]
        c.executemany(
            "INSERT INTO bench_frist VALUES (%s, %s)", [(d, vurderingsfrist(d)) for d in dager]
        )
        logg(f"{p['antall_tilbud']} tilbud, {ANTALL_HENVISERE} henvisere, fristtabell")

        c.execute(FORLOP_SQL, p)
        logg("forløp trukket")
        c.execute(STATUS_SQL, p)
        logg("status per henvisning")
        c.execute(HENVISNING_SQL, p)
        logg(f"{c.rowcount} henvisninger skrevet")
        c.execute(
            "SELECT setval(pg_get_serial_sequence('henvisning_henvisning', 'id'), "
            "(SELECT max(id) FROM henvisning_henvisning))"
        )
        c.execute(STATUSENDRING_SQL, p)
        logg(f"{c.rowcount} statusendringer skrevet")
        c.execute("DROP TABLE bench_forlop")
        c.execute("DROP TABLE bench_status")
    connection.close()
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE henvisning_henvisning")
        c.execute("VACUUM ANALYZE henvisning_statusendring")
        c.execute(
            "SELECT status, count(*) FROM henvisning_henvisning GROUP BY status ORDER BY status"
        )
        fordeling = ", ".join(f"{s} {n}" for s, n in c.fetchall())
        c.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('henvisning_henvisning')), "
            "pg_size_pretty(pg_total_relation_size('henvisning_statusendring'))"
        )
        storrelse = c.fetchone()
    logg(f"VACUUM ANALYZE ferdig. Status: {fordeling}")
    logg(f"henvisning_henvisning {storrelse[0]}, henvisning_statusendring {storrelse[1]}")


if __name__ == "__main__":
    main()
