"""Time the regional-summary rebuild against the bare SQL, and the analyst list pages.

    export DJANGO_SETTINGS_MODULE=helsearbeid.settings.dev
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/h6_bench
    .venv/bin/python bench/sammendrag_bench.py --bygg [--runder 3] [--liste-sider 400]

`--bygg` first builds what is missing: 100 000 tilbud (bench/lag_katalog.py) and 1 000 000
referrals with their status log (bench/lag_henvisninger.py), both deterministic (seed 42). The
script refuses a database that is not on localhost or whose name lacks "bench". DEBUG is off.

1. **Summaries** (rounds alternate A/B, as the shared 2-core box wants):
   - full rebuild: `bygg_sammendrag` for all four RHF (catalogue and referral aggregates,
     compare, write, swap, prune), forced to write a new generation every round;
   - bare SQL: the statements that rebuild's computation runs (captured once from
     `beregn_rader` with CaptureQueriesContext: the catalogue GROUP BYs and the one
     referral-figures statement per region), replayed verbatim on a raw psycopg2 connection
     with all rows fetched: the floor the rebuild can approach;
   - one region (HSO, the largest) both ways; and the referral statement on its own.
2. **Analyst list pages**: `/api/v1/synk/tilbud/` (keyset cursor pagination, an API key) walked
   page after page through the whole catalogue in-process (django.test.Client: middleware,
   key look-up, throttling, DRF, serializer, ETag), against the statements each page ran,
   replayed on the raw connection. p50/p95 per page.

Targets (issue 6): full rebuild ≤ 30 s and within 2× the bare SQL; one region ≤ 5 s; list pages
p95 ≤ 10 ms.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlsplit

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsearbeid.settings.dev")
os.environ["DEBUG"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
# The bench walks hundreds of pages with one key: a quota would stop it, the bucket is still
# counted (the cost is measured).
os.environ["API_NOKKEL_STRUPING"] = "100000000/hour"

MAL_FULL_S = 30.0
MAL_FORHOLD = 2.0
MAL_REGION_S = 5.0
MAL_LISTE_P95_MS = 10.0


def sjekk_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    deler = urlparse(url)
    navn = deler.path.lstrip("/")
    if deler.hostname not in ("127.0.0.1", "localhost") or "bench" not in navn:
        sys.exit("DATABASE_URL må peke på en lokal PostgreSQL-database med «bench» i navnet.")
    return url


def persentil(verdier: list[float], p: float) -> float:
    ordnet = sorted(verdier)
    k = (len(ordnet) - 1) * p
    lav = int(k)
    hoy = min(lav + 1, len(ordnet) - 1)
    return ordnet[lav] + (ordnet[hoy] - ordnet[lav]) * (k - lav)


def bygg_data(args: argparse.Namespace) -> None:
    """Build the catalogue and the referrals if the database does not hold them yet."""
    import psycopg2

    url = os.environ["DATABASE_URL"]
    antall_tilbud = antall_henvisninger = 0
    try:
        with psycopg2.connect(url) as pg, pg.cursor() as cur:
            cur.execute("SELECT count(*) FROM tilbud_tilbud WHERE kilde_id LIKE 'bench-%%'")
            antall_tilbud = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM henvisning_henvisning")
            antall_henvisninger = cur.fetchone()[0]
    except psycopg2.Error:
        pass  # no database or no tables yet
    python = sys.executable
    if antall_tilbud != args.tilbud:
        subprocess.run(  # noqa: S603
            [python, str(ROT / "bench/lag_katalog.py"), "--antall", str(args.tilbud),
             "--seed", str(args.seed), "--nullstill"],
            check=True,
        )  # fmt: skip
        antall_henvisninger = -1
    if antall_henvisninger != args.henvisninger:
        subprocess.run(  # noqa: S603
            [python, str(ROT / "bench/lag_henvisninger.py"), "--antall", str(args.henvisninger),
             "--seed", str(args.seed), "--dager", str(args.dager)],
            check=True,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runder", type=int, default=3)
    parser.add_argument("--bygg", action="store_true", help="bygg katalog og henvisninger først")
    parser.add_argument("--tilbud", type=int, default=100_000)
    parser.add_argument("--henvisninger", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--dager", type=int, default=730, help="henvisningene sendt over så mange dager"
    )
    parser.add_argument("--liste-sider", type=int, default=400, help="sider per runde")
    parser.add_argument("--liste-runder", type=int, default=3)
    parser.add_argument("--side-storrelse", type=int, default=100)
    parser.add_argument("--uten-sammendrag", action="store_true")
    parser.add_argument("--uten-liste", action="store_true")
    parser.add_argument("--json", type=Path, help="skriv tallene hit")
    args = parser.parse_args()
    url = sjekk_database()
    if args.bygg:
        bygg_data(args)

    import django

    django.setup()
    import psycopg2
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    pg = psycopg2.connect(url, options="-c jit=off")  # the app's connections run with JIT off
    pg.autocommit = True
    resultat: dict = {}
    with pg.cursor() as cur:
        cur.execute("SHOW server_version")
        versjon = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM tilbud_tilbud")
        antall_tilbud = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM henvisning_henvisning")
        antall_henvisninger = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM henvisning_statusendring")
        antall_endringer = cur.fetchone()[0]
    print(
        f"PostgreSQL {versjon}, {os.cpu_count()} kjerner; {antall_tilbud} tilbud, "
        f"{antall_henvisninger} henvisninger, {antall_endringer} statusendringer"
    )
    resultat["data"] = {
        "tilbud": antall_tilbud,
        "henvisninger": antall_henvisninger,
        "statusendringer": antall_endringer,
    }

    def kjor_sql(setninger: list[str]) -> float:
        start = time.perf_counter()
        with pg.cursor() as cur:
            for sql in setninger:
                cur.execute(sql)
                if cur.description is not None:
                    cur.fetchall()
        return time.perf_counter() - start

    if not args.uten_sammendrag:
        resultat["sammendrag"] = bench_sammendrag(args, connection, kjor_sql)
    if not args.uten_liste:
        resultat["liste"] = bench_liste(args, connection, kjor_sql)
    pg.close()
    if args.json:
        args.json.write_text(json.dumps(resultat, indent=2, ensure_ascii=False))


def bench_sammendrag(args: argparse.Namespace, connection, kjor_sql) -> dict:
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from rapporter.henvisningstall import henvisningstall
    from rapporter.models import Sammendragsgenerasjon
    from rapporter.services.sammendrag import beregn_rader, bygg_sammendrag, rhf_koder
    from tilbud.models import Organisasjon

    koder = rhf_koder()
    rhf = {o.kode: o for o in Organisasjon.objects.filter(type="rhf")}
    dato = timezone.localdate()

    # The statements of each region's computation, captured once (the warm-up).
    setninger: dict[str, list[str]] = {}
    henvisningssetninger: dict[str, list[str]] = {}
    for kode in koder:
        with CaptureQueriesContext(connection) as fanget:
            beregn_rader(rhf[kode], dato)
        setninger[kode] = [q["sql"] for q in fanget.captured_queries]
        # The referral statement with its transaction (BEGIN, SET LOCAL work_mem, …, COMMIT).
        i = next(i for i, s in enumerate(setninger[kode]) if "-- rapporter.henvisningstall" in s)
        start = max(j for j in range(i) if setninger[kode][j] == "BEGIN")
        slutt = next(j for j in range(i, len(setninger[kode])) if setninger[kode][j] == "COMMIT")
        henvisningssetninger[kode] = setninger[kode][start : slutt + 1]
    print(
        "\nSammendrag: setninger per region i beregningen: "
        + ", ".join(f"{k} {len(v)}" for k, v in setninger.items())
    )

    def sql(kodeliste: list[str]) -> float:
        return kjor_sql([s for kode in kodeliste for s in setninger[kode]])

    def bygg(kodeliste: list[str]) -> float:
        # Drop the generations first, so each round really writes and swaps.
        Sammendragsgenerasjon.objects.filter(rhf__kode__in=kodeliste).delete()
        start = time.perf_counter()
        for kode in kodeliste:
            bygg_sammendrag(kode)
        return time.perf_counter() - start

    def henvisning_py(kode: str) -> float:
        start = time.perf_counter()
        henvisningstall(rhf[kode].id, dato)
        return time.perf_counter() - start

    maalinger: dict[str, list[float]] = {
        k: [] for k in ("sql", "bygg", "sql1", "bygg1", "hsql", "hpy", "hsql1", "hpy1")
    }
    for runde in range(args.runder):
        maalinger["sql"].append(sql(koder))
        maalinger["bygg"].append(bygg(koder))
        maalinger["sql1"].append(sql(["HSO"]))
        maalinger["bygg1"].append(bygg(["HSO"]))
        maalinger["hsql"].append(kjor_sql([s for k in koder for s in henvisningssetninger[k]]))
        maalinger["hpy"].append(sum(henvisning_py(k) for k in koder))
        maalinger["hsql1"].append(kjor_sql(henvisningssetninger["HSO"]))
        maalinger["hpy1"].append(henvisning_py("HSO"))
        print(
            f"  runde {runde + 1}: full {maalinger['bygg'][-1]:.2f} s "
            f"(bar SQL {maalinger['sql'][-1]:.2f} s), HSO {maalinger['bygg1'][-1]:.2f} s "
            f"(bar SQL {maalinger['sql1'][-1]:.2f} s)",
            flush=True,
        )
    rader = sum(g.antall_rader for g in Sammendragsgenerasjon.objects.filter(status="ferdig"))
    m = {k: statistics.median(v) for k, v in maalinger.items()}
    print(f"\nRader i sammendraget: {rader}; median av {args.runder} runder")
    print(f"{'':36}{'bar SQL':>12}{'full ombygging':>18}{'forhold':>10}")
    print(
        f"{'Alle fire RHF':36}{m['sql']:>10.2f} s{m['bygg']:>16.2f} s{m['bygg'] / m['sql']:>9.2f}x"
    )
    print(
        f"{'  herav henvisningstall':36}{m['hsql']:>10.2f} s{m['hpy']:>16.2f} s"
        f"{m['hpy'] / m['hsql']:>9.2f}x"
    )
    print(
        f"{'Én region (HSO)':36}{m['sql1']:>10.2f} s{m['bygg1']:>16.2f} s"
        f"{m['bygg1'] / m['sql1']:>9.2f}x"
    )
    print(
        f"{'  herav henvisningstall':36}{m['hsql1']:>10.2f} s{m['hpy1']:>16.2f} s"
        f"{m['hpy1'] / m['hsql1']:>9.2f}x"
    )
    full_ok = m["bygg"] <= MAL_FULL_S and m["bygg"] <= MAL_FORHOLD * m["sql"]
    region_ok = m["bygg1"] <= MAL_REGION_S
    print(
        f"Mål: full ombygging ≤ {MAL_FULL_S:.0f} s og innen {MAL_FORHOLD:.0f}× bar SQL: "
        f"{'nådd' if full_ok else 'IKKE nådd'}; én region ≤ {MAL_REGION_S:.0f} s: "
        f"{'nådd' if region_ok else 'IKKE nådd'}"
    )
    return {"rader": rader, "median_s": m, "alle_s": maalinger}


def bench_liste(args: argparse.Namespace, connection, kjor_sql) -> dict:
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rapporter.models import ApiNokkel
    from rapporter.services import api_nokkel_opprett

    nokkel, klartekst = api_nokkel_opprett(navn="sammendrag_bench", eier="bench")
    klient = Client(HTTP_AUTHORIZATION=f"Api-Key {klartekst}", HTTP_ACCEPT="application/json")
    try:
        # Walk the stream once, capturing every page's statements and the next page's URL.
        sider: list[tuple[str, list[str]]] = []
        sti = f"/api/v1/synk/tilbud/?page_size={args.side_storrelse}"
        while sti and len(sider) < args.liste_sider:
            with CaptureQueriesContext(connection) as fanget:
                svar = klient.get(sti)
            if svar.status_code != 200:
                sys.exit(f"{sti}: HTTP {svar.status_code} {svar.content[:300]!r}")
            sider.append((sti, [q["sql"] for q in fanget.captured_queries]))
            neste = svar.json()["next"]
            sti = urlsplit(neste)._replace(scheme="", netloc="").geturl() if neste else ""
        sporringer = {len(s) for _sti, s in sider}
        print(
            f"\nAnalytikerliste /api/v1/synk/tilbud/: {len(sider)} sider à {args.side_storrelse}, "
            f"spørringer per side {sorted(sporringer)}"
        )
        inprosess: list[float] = []
        bar: list[float] = []
        for _runde in range(args.liste_runder):  # interleaved per page
            for sti, setninger in sider:
                start = time.perf_counter()
                klient.get(sti)
                inprosess.append((time.perf_counter() - start) * 1000)
                bar.append(kjor_sql(setninger) * 1000)
        ut = {
            "sider": len(sider),
            "side_storrelse": args.side_storrelse,
            "sporringer_per_side": sorted(sporringer),
            "inprosess_ms": {"p50": persentil(inprosess, 0.5), "p95": persentil(inprosess, 0.95)},
            "bar_sql_ms": {"p50": persentil(bar, 0.5), "p95": persentil(bar, 0.95)},
        }
        print(f"{'':24}{'p50':>10}{'p95':>10}")
        for navn, tall in (("in-prosess", ut["inprosess_ms"]), ("bar SQL", ut["bar_sql_ms"])):
            print(f"{navn:24}{tall['p50']:>7.2f} ms{tall['p95']:>7.2f} ms")
        p95 = ut["inprosess_ms"]["p95"]
        naadd = "nådd" if p95 <= MAL_LISTE_P95_MS else "IKKE nådd"
        print(f"Mål: p95 ≤ {MAL_LISTE_P95_MS:.0f} ms: {naadd}")
        return ut
    finally:
        ApiNokkel.objects.filter(pk=nokkel.pk).delete()


if __name__ == "__main__":
    main()
