"""Time the regional-summary rebuild against the bare SQL, and the analyst list pages.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ci
    export REDIS_URL=redis://127.0.0.1:6379/14
    .venv/bin/python bench/sammendrag_bench.py --bygg [--runder 3] [--liste-sider 400] [--json …]

Production settings (`bench.innstillinger`: helsearbeid.settings.production with generated keys):
the Redis cache (the rebuild's debounce key, the API key's throttle bucket), the JSON access log
(to a temporary file), DEBUG off; requests arrive as through the TLS terminator.

`--bygg` first builds what is missing: 100 000 tilbud (bench/lag_katalog.py) and 1 000 000
referrals with their status log (bench/lag_henvisninger.py), both deterministic (seed 42). The
script refuses a database that is not on localhost or whose name lacks "bench".

1. **Summaries** (rounds alternate A/B, as the shared 2-core box wants):
   - full rebuild: the Celery task `rapporter.tasks.bygg_sammendrag_for_region` run in this
     process (`.apply()`: Celery's task machinery, then the service: lock, compute, compare with
     the previous generation, write, swap, prune) for all four RHF. Before each round, outside
     the timing, one tilbud per region changes status (aktiv <-> ikke bekreftet, restored at the
     end), so the comparison finds a difference and the task writes a new generation and prunes
     the one before, as after a real change. Nothing is deleted by the bench;
   - unchanged: the same task again with nothing changed (the nightly run on a quiet day: compute,
     compare, keep);
   - bare SQL: the statements that rebuild's computation runs (captured once from
     `beregn_rader` with CaptureQueriesContext: the catalogue GROUP BYs and the one
     referral-figures statement per region), replayed verbatim on a second connection made by
     Django from the same settings (bench/grunnlinje.py: the app's session settings, checked)
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
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlsplit

from grunnlinje import raa_tilkobling, sjekk_like_innstillinger

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.innstillinger")
# Production's per-key quota (API_NOKKEL_STRUPING, 2000/hour) is kept: each walk of the list
# gets an API key of its own, so a key makes at most --liste-sider requests.
MAKS_SIDER_PER_NOKKEL = 1900

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
    if args.liste_sider > MAKS_SIDER_PER_NOKKEL:
        parser.error(
            f"--liste-sider høyst {MAKS_SIDER_PER_NOKKEL} (produksjonens kvote per nøkkel)"
        )
    sjekk_database()
    if args.bygg:
        bygg_data(args)
    startet = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    last_start = os.getloadavg()
    # The JSON access log (production's) goes to a file: formatted and written, not printed.
    loggfil = Path(tempfile.mkstemp(prefix="sammendrag_bench_", suffix=".log")[1])
    os.environ["BENCH_LOGG_TIL_FIL"] = str(loggfil)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    pg = raa_tilkobling()
    sesjon = sjekk_like_innstillinger(connection, pg)
    resultat: dict = {
        "kommando": " ".join(["bench/sammendrag_bench.py", *sys.argv[1:]]),
        "startet_utc": startet,
        "kjerner": os.cpu_count(),
        "innstillinger": settings.SETTINGS_MODULE,
        "cache": settings.CACHES["default"]["BACKEND"],
        "sesjonsinnstillinger": sesjon,
    }
    with pg.connection.cursor() as cur:
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
        f"{antall_henvisninger} henvisninger, {antall_endringer} statusendringer; "
        f"innstillinger {settings.SETTINGS_MODULE}, lastsnitt {last_start[0]:.1f}"
    )
    resultat["postgresql"] = versjon
    resultat["data"] = {
        "tilbud": antall_tilbud,
        "henvisninger": antall_henvisninger,
        "statusendringer": antall_endringer,
    }

    def kjor_sql(setninger: list[str]) -> float:
        start = time.perf_counter()
        with pg.connection.cursor() as cur:
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
    resultat["lastsnitt_start_slutt"] = [last_start, os.getloadavg()]
    loggede = sum(1 for linje in loggfil.open() if '"helsearbeid.foresporsel"' in linje)
    resultat["tilgangslogglinjer"] = loggede
    print(f"Tilgangslogg (JSON): {loggede} linjer i {loggfil}")
    if args.json:
        args.json.write_text(json.dumps(resultat, indent=2, ensure_ascii=False))


def bench_sammendrag(args: argparse.Namespace, connection, kjor_sql) -> dict:
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from rapporter.henvisningstall import henvisningstall
    from rapporter.models import Sammendragsgenerasjon
    from rapporter.services.sammendrag import beregn_rader, rhf_koder
    from rapporter.tasks import bygg_sammendrag_for_region
    from tilbud.models import Organisasjon, Tilbud

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

    # One synthetic tilbud per region whose status the bench flips between rounds (a real
    # change to the source data, so the task's comparison finds a difference).
    aktiv, ikke_bekreftet = Tilbud.Status.AKTIV, Tilbud.Status.IKKE_BEKREFTET
    vippes = {
        kode: Tilbud.objects.filter(
            rhf=rhf[kode], kilde_id__startswith="bench-", status__in=[aktiv, ikke_bekreftet]
        )
        .order_by("pk")
        .values_list("pk", "status")
        .first()
        for kode in koder
    }
    if None in vippes.values():
        sys.exit(f"Fant ikke et syntetisk tilbud å endre i hver region: {vippes}")
    vippet = dict.fromkeys(koder, 0)

    def endre(kode: str) -> None:
        pk, status = vippes[kode]
        vippet[kode] += 1
        ny = status if vippet[kode] % 2 == 0 else (ikke_bekreftet if status == aktiv else aktiv)
        Tilbud.objects.filter(pk=pk).update(status=ny)  # update(): no signal, no queued rebuild

    def generasjoner(kodeliste: list[str]) -> dict[str, list[int]]:
        return {
            kode: list(
                Sammendragsgenerasjon.objects.filter(rhf__kode=kode)
                .order_by("nummer")
                .values_list("nummer", flat=True)
            )
            for kode in kodeliste
        }

    def bygg(kodeliste: list[str], *, endret: bool) -> float:
        """The Celery task, as a worker runs it; checks that it did what the round is about."""
        for kode in kodeliste:
            if endret:
                endre(kode)
        for_ = generasjoner(kodeliste)
        start = time.perf_counter()
        for kode in kodeliste:
            svar = bygg_sammendrag_for_region.apply(args=[kode])
            if not svar.successful():
                sys.exit(f"bygg_sammendrag_for_region({kode!r}) feilet: {svar.traceback}")
        tid = time.perf_counter() - start
        etter = generasjoner(kodeliste)
        for kode in kodeliste:
            # A change: one new generation, and the previous one (same month) pruned. No
            # change: the same generation kept.
            ventet = [max(for_[kode]) + 1] if endret else [max(for_[kode])]
            if etter[kode][-1:] != ventet or (endret and max(for_[kode]) in etter[kode]):
                sys.exit(f"{kode}: generasjoner {for_[kode]} -> {etter[kode]}, ventet {ventet}")
        return tid

    def henvisning_py(kode: str) -> float:
        start = time.perf_counter()
        henvisningstall(rhf[kode].id, dato)
        return time.perf_counter() - start

    # The task compares with the previous generation: make sure there is one to compare with.
    for kode in koder:
        if not Sammendragsgenerasjon.objects.filter(rhf__kode=kode, status="ferdig").exists():
            bygg_sammendrag_for_region.apply(args=[kode])

    maalinger: dict[str, list[float]] = {
        k: []
        for k in (
            "sql", "bygg", "uendret", "sql1", "bygg1", "uendret1", "hsql", "hpy", "hsql1", "hpy1"
        )
    }  # fmt: skip
    for runde in range(args.runder):
        maalinger["sql"].append(sql(koder))
        maalinger["bygg"].append(bygg(koder, endret=True))
        maalinger["uendret"].append(bygg(koder, endret=False))
        maalinger["sql1"].append(sql(["HSO"]))
        maalinger["bygg1"].append(bygg(["HSO"], endret=True))
        maalinger["uendret1"].append(bygg(["HSO"], endret=False))
        maalinger["hsql"].append(kjor_sql([s for k in koder for s in henvisningssetninger[k]]))
        maalinger["hpy"].append(sum(henvisning_py(k) for k in koder))
        maalinger["hsql1"].append(kjor_sql(henvisningssetninger["HSO"]))
        maalinger["hpy1"].append(henvisning_py("HSO"))
        print(
            f"  runde {runde + 1}: full {maalinger['bygg'][-1]:.2f} s "
            f"(uendret {maalinger['uendret'][-1]:.2f} s, bar SQL {maalinger['sql'][-1]:.2f} s), "
            f"HSO {maalinger['bygg1'][-1]:.2f} s (uendret {maalinger['uendret1'][-1]:.2f} s, "
            f"bar SQL {maalinger['sql1'][-1]:.2f} s)",
            flush=True,
        )
    # Leave the source data as it was built.
    for kode in koder:
        pk, status = vippes[kode]
        Tilbud.objects.filter(pk=pk).update(status=status)
    rader = sum(g.antall_rader for g in Sammendragsgenerasjon.objects.filter(status="ferdig"))
    m = {k: statistics.median(v) for k, v in maalinger.items()}
    print(f"\nRader i sammendraget: {rader}; median av {args.runder} runder")
    print(f"{'':36}{'bar SQL':>12}{'full ombygging':>18}{'forhold':>10}")
    print(
        f"{'Alle fire RHF':36}{m['sql']:>10.2f} s{m['bygg']:>16.2f} s{m['bygg'] / m['sql']:>9.2f}x"
    )
    print(
        f"{'  uendret (sammenlign, behold)':36}{m['sql']:>10.2f} s{m['uendret']:>16.2f} s"
        f"{m['uendret'] / m['sql']:>9.2f}x"
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
        f"{'  uendret (sammenlign, behold)':36}{m['sql1']:>10.2f} s{m['uendret1']:>16.2f} s"
        f"{m['uendret1'] / m['sql1']:>9.2f}x"
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

    nokler: list[int] = []

    def ny_klient() -> Client:
        """A client with an API key of its own (production's quota per key)."""
        nokkel, klartekst = api_nokkel_opprett(navn="sammendrag_bench", eier="bench")
        nokler.append(nokkel.pk)
        return Client(
            HTTP_AUTHORIZATION=f"Api-Key {klartekst}",
            HTTP_ACCEPT="application/json",
            HTTP_X_FORWARDED_PROTO="https",  # through the TLS terminator
            HTTP_X_FORWARDED_FOR="10.0.0.1",
        )

    klient = ny_klient()
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
            klient = ny_klient()
            for sti, setninger in sider:
                start = time.perf_counter()
                svar = klient.get(sti)
                if svar.status_code != 200:
                    sys.exit(f"{sti}: HTTP {svar.status_code} {svar.content[:300]!r}")
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
        ApiNokkel.objects.filter(pk__in=nokler).delete()


if __name__ == "__main__":
    main()
