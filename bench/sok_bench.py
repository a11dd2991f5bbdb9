"""Side-by-side latency of the tilbud search: in-process, over HTTP (gunicorn, 2 workers) and the
bare SQL of the same request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ci \\
    REDIS_URL=redis://127.0.0.1:6379/14 \\
    .venv/bin/python bench/sok_bench.py [--runder 60] [--maks-sekunder 900] [--json …]

Production settings (`bench.innstillinger`: helsearbeid.settings.production with generated
keys): the Redis cache and the throttling buckets in it, the JSON access log (to a temporary
file), DEBUG off. Every request comes "through the TLS terminator" (`X-Forwarded-Proto: https`)
from an address of its own (`X-Forwarded-For`), as GPs' requests do, so the throttle is counted
but never trips; any answer other than 200 stops the bench.

For a fixed mix of GP queries against `/api/v1/tilbud/` it measures, after a warm-up:

(a) in-process: the whole Django stack (middleware, DRF, filters, serializer) through
    django.test.Client, p50/p95;
(b) over HTTP: gunicorn with 2 sync workers started here on a free 127.0.0.1 port, DEBUG=0,
    a fresh connection per request (sync workers do not keep connections alive), at
    concurrency 1 and 4, p50/p95 (and requests per second at 4);
(c) bare SQL: the statements the endpoint ran (captured with CaptureQueriesContext) re-executed
    verbatim, in the same order, on a second connection made by Django from the same settings
    (bench/grunnlinje.py: the same session settings as the app's, JIT off included, checked),
    through the DB-API cursor, p50/p95 per request.

It prints queries per request (at page_size 25 and 1), whether a statement is an exact COUNT(*)
(COUNT(*) without LIMIT), the endpoint/SQL ratio, checks the targets (p95 ≤ 15 ms for region +
diagnosis queries, within 3× the bare SQL), and EXPLAIN (ANALYZE, BUFFERS) of the slowest
statements. Rounds are interleaved across the queries so that a noisy moment hits all of them.

Bounded: --runder rounds per layer, each layer also stops at its share of --maks-sekunder.
gunicorn runs in its own process group and is stopped on exit, Ctrl-C or an exception.
Only 127.0.0.1 is contacted.
"""

import argparse
import atexit
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from grunnlinje import raa_tilkobling, sjekk_like_innstillinger

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.innstillinger")

API = "/api/v1/tilbud/"
VERT = "127.0.0.1"
MAL_P95_MS = 15.0
MAL_FAKTOR = 3.0
# What the TLS terminator in front of production adds (SECURE_SSL_REDIRECT, ANTALL_PROXYER=1).
PROXY_HODER = {"X-Forwarded-Proto": "https"}
_adresser = iter(range(1, 1 << 24))


def klientadresse() -> str:
    """A new client address per request (10.x.y.z): the throttle counts each GP separately."""
    n = next(_adresser)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def wsgi_hoder() -> dict[str, str]:
    """The proxy headers for django.test.Client."""
    return {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": klientadresse()}


@dataclass
class Sporring:
    navn: str
    parametre: str
    region_og_diagnose: bool  # the target query shape: a region (kommune/postnr/fylke/RHF) + code
    sql: list[str] = field(default_factory=list)
    sql_side1: int = 0
    forste_ms: float = 0.0  # the first (capture) request; decides whether the query is "slow"
    treff: object = None
    status: int = 0
    maalinger: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    per_setning: list[list[float]] = field(default_factory=list)

    @property
    def sti(self) -> str:
        return f"{API}?{self.parametre}"

    def maales(self, runde: int, treg_ms: float, runder_treg: int) -> bool:
        """Slow queries (first request over treg_ms) get only runder_treg rounds per layer, so
        that one pathological query cannot eat the whole time budget."""
        return self.forste_ms <= treg_ms or runde < runder_treg


SPORRINGER = [
    Sporring("Bodø + L86", "kommune=1804&diagnose=L86", True),
    Sporring("Stavanger + F41.1", "kommune=1103&diagnose=F41.1", True),
    Sporring("HSO + M54", "rhf=HSO&diagnose=M54", True),
    # The largest region ranked: Oslo is in Helse Sør-Øst, half of the catalogue.
    Sporring("Oslo + F32", "kommune=0301&diagnose=F32", True),
    Sporring("Trøndelag + «angst»", "fylke=50&q=angst", False),
    Sporring("Oslo + «rygg»", "kommune=0301&q=rygg", False),
    Sporring("9008 Tromsø + P76", "postnummer=9008&diagnose=P76", True),
    Sporring("L03 + poliklinisk", "diagnose=L03&behandlingsform=poliklinisk", False),
    Sporring("«depresjom» (skrivefeil)", "q=depresjom", False),
]


# --------------------------------------------------------------------------- helpers


def sjekk_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    deler = urlparse(url)
    if deler.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("DATABASE_URL må peke på PostgreSQL (postgres://…/bench_ci).")
    if deler.hostname not in ("127.0.0.1", "localhost"):
        sys.exit(
            f"Nekter: databasen ligger på {deler.hostname}; benken snakker bare med 127.0.0.1."
        )
    return url


def persentil(verdier: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordnet = sorted(verdier)
    indeks = max(0, min(len(ordnet) - 1, round(p / 100 * len(ordnet) + 0.5) - 1))
    return ordnet[indeks]


def p50_p95(verdier: list[float]) -> tuple[float, float] | None:
    if not verdier:
        return None
    return statistics.median(verdier), persentil(verdier, 95)


def fmt(verdier: list[float]) -> str:
    p = p50_p95(verdier)
    return "–" if p is None else f"{p[0]:6.1f} / {p[1]:6.1f}"


def er_eksakt_count(sql: str) -> bool:
    store = sql.upper()
    return "COUNT(*)" in store and "LIMIT" not in store


def ledig_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((VERT, 0))
        return s.getsockname()[1]


def http_get(port: int, sti: str, tidsfrist: float = 30.0) -> tuple[int, bytes, float]:
    conn = http.client.HTTPConnection(VERT, port, timeout=tidsfrist)
    try:
        t0 = time.perf_counter()
        hoder = {"Accept": "application/json", "X-Forwarded-For": klientadresse(), **PROXY_HODER}
        conn.request("GET", sti, headers=hoder)
        svar = conn.getresponse()
        kropp = svar.read()
        ms = (time.perf_counter() - t0) * 1000
        return svar.status, kropp, ms
    finally:
        conn.close()


class Frist:
    """A layer's time budget: stop after `minst` rounds once the deadline has passed."""

    def __init__(self, sekunder: float, minst: int) -> None:
        self.slutt = time.monotonic() + sekunder
        self.minst = minst

    def stopp(self, runde: int) -> bool:
        return runde >= self.minst and time.monotonic() > self.slutt


# --------------------------------------------------------------------------- gunicorn


class Gunicorn:
    def __init__(self, url: str) -> None:
        self.url = url
        self.port = ledig_port()
        self.proc: subprocess.Popen | None = None
        # gunicorn's stderr, shown if it fails to start; lives as long as the server.
        self.logg = tempfile.TemporaryFile()  # noqa: SIM115

    def start(self, tidsfrist: float = 60.0) -> None:
        # The same settings module and generated keys as this process (os.environ).
        env = {**os.environ, "DATABASE_URL": self.url}
        kommando = [
            str(Path(sys.executable).parent / "gunicorn"),
            "helsearbeid.wsgi:application",
            "--workers=2",
            "--worker-class=sync",
            f"--bind={VERT}:{self.port}",
            "--log-level=warning",
            f"--chdir={ROT}",
            "--timeout=60",
        ]
        # A fixed command line: the venv's gunicorn with constant arguments.
        self.proc = subprocess.Popen(  # noqa: S603
            kommando,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.logg,
            start_new_session=True,  # its own process group, so stopp() reaches the workers
        )
        atexit.register(self.stopp)
        slutt = time.monotonic() + tidsfrist
        while time.monotonic() < slutt:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn stoppet ved oppstart:\n{self.les_logg()}")
            with contextlib.suppress(OSError):
                status, _kropp, _ms = http_get(self.port, f"{API}?page_size=1", 5)
                if status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn svarte ikke innen {tidsfrist:.0f} s:\n{self.les_logg()}")

    def les_logg(self) -> str:
        self.logg.seek(0)
        return self.logg.read().decode(errors="replace")[-3000:]

    def stopp(self) -> None:
        """Stop the process group this object started (master and both workers)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        self.proc = None
        self.logg.close()


# --------------------------------------------------------------------------- the layers


def fang_sql(klient, sporringer: list[Sporring]) -> None:
    """One request per query with the statements captured; page size 1 for the N+1 check."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A running worker has the reference tables in memory (tilbud.referanse): load them first,
    # so that the one-off load is not counted as part of the first query's statements.
    from tilbud.referanse import referanse

    referanse()
    for s in sporringer:
        with CaptureQueriesContext(connection) as fanget:
            t0 = time.perf_counter()
            svar = klient.get(s.sti, **wsgi_hoder())
            s.forste_ms = (time.perf_counter() - t0) * 1000
        s.status = svar.status_code
        s.sql = [q["sql"] for q in fanget.captured_queries]
        if svar.status_code == 200:
            s.treff = json.loads(svar.content).get("count")
        else:
            s.treff = svar.content.decode(errors="replace")[:200]
        with CaptureQueriesContext(connection) as fanget:
            klient.get(f"{s.sti}&page_size=1", **wsgi_hoder())
        s.sql_side1 = len(fanget.captured_queries)
        s.per_setning = [[] for _ in s.sql]


def maal_inprosess_og_sql(
    klient, pg, sporringer: list[Sporring], runder: int, oppvarming: int, sekunder: float, treg
) -> None:
    """(a) and (c), interleaved per query and round."""

    def hent(s: Sporring) -> None:
        svar = klient.get(s.sti, **wsgi_hoder())
        if svar.status_code != 200:
            sys.exit(f"{s.navn}: HTTP {svar.status_code} {svar.content[:200]!r}")

    with pg.connection.cursor() as cur:

        def kjor_sql(s: Sporring, lagre: bool) -> float:
            t0 = time.perf_counter()
            for i, sql in enumerate(s.sql):
                ts = time.perf_counter()
                cur.execute(sql)
                if cur.description is not None:
                    cur.fetchall()
                if lagre:
                    s.per_setning[i].append((time.perf_counter() - ts) * 1000)
            return (time.perf_counter() - t0) * 1000

        for runde in range(oppvarming):
            for s in sporringer:
                if s.maales(runde, treg[0], 1):  # a slow query warms up once
                    hent(s)
                    kjor_sql(s, lagre=False)
        frist = Frist(sekunder, minst=min(3, runder))
        for runde in range(runder):
            if frist.stopp(runde):
                print(f"  (in-prosess/SQL: tidsbudsjettet brukt opp etter {runde} runder)")
                break
            for s in sporringer:
                if not s.maales(runde, *treg):
                    continue
                t0 = time.perf_counter()
                hent(s)
                s.maalinger["inprosess"].append((time.perf_counter() - t0) * 1000)
                s.maalinger["sql"].append(kjor_sql(s, lagre=True))


def maal_http(
    port: int,
    sporringer: list[Sporring],
    samtidighet: int,
    runder: int,
    oppvarming: int,
    sekunder: float,
    treg: tuple[float, int],
) -> float:
    """(b): `samtidighet` threads, each running every query once per round. Returns req/s."""
    nokkel = f"http_c{samtidighet}"
    for runde in range(oppvarming):
        for s in sporringer:
            if s.maales(runde, treg[0], 1):
                http_get(port, s.sti)
    frist = Frist(sekunder, minst=min(3, runder))
    las = threading.Lock()
    feil: list[str] = []
    antall = [0]
    sperre = threading.Barrier(samtidighet)

    def arbeider(forskyvning: int) -> None:
        sperre.wait()
        rekkefolge = sporringer[forskyvning:] + sporringer[:forskyvning]
        for runde in range(runder):
            if frist.stopp(runde):
                break
            for s in rekkefolge:
                if not s.maales(runde, *treg):
                    continue
                status, kropp, ms = http_get(port, s.sti)
                with las:
                    if status != 200:
                        feil.append(f"{s.navn}: HTTP {status} {kropp[:120]!r}")
                    s.maalinger[nokkel].append(ms)
                    antall[0] += 1

    t0 = time.perf_counter()
    traader = [
        threading.Thread(target=arbeider, args=(i * len(sporringer) // samtidighet,))
        for i in range(samtidighet)
    ]
    for t in traader:
        t.start()
    for t in traader:
        t.join()
    varighet = time.perf_counter() - t0
    for f in feil[:5]:
        print(f"  FEIL {f}")
    if feil:
        sys.exit(f"{len(feil)} HTTP-svar var ikke 200: tallene ville blandet feilsvar inn.")
    return antall[0] / varighet if varighet else 0.0


def explain(pg, sql: str) -> str:
    with pg.connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS, SETTINGS) {sql}")
        return "\n".join(r[0] for r in cur.fetchall())


# --------------------------------------------------------------------------- reporting


def skriv_tabell(sporringer: list[Sporring], rps4: float | None) -> None:
    kolonner = [
        ("spørring", 26),
        ("treff", 6),
        ("q/req", 7),
        ("COUNT(*)", 8),
        ("in-prosess", 15),
        ("HTTP c=1", 15),
        ("HTTP c=4", 15),
        ("bar SQL", 15),
        ("inpr/SQL", 8),
        ("HTTP/SQL", 8),
    ]
    print("\nAlle tider i ms, p50 / p95. q/req = spørringer per forespørsel ved page_size 25 (1).")
    print("Forhold = p95 endepunkt / p95 bar SQL.\n")
    print("  ".join(f"{n:<{b}}" for n, b in kolonner))
    print("  ".join("-" * b for _n, b in kolonner))
    for s in sporringer:
        sql = p50_p95(s.maalinger["sql"])
        inp = p50_p95(s.maalinger["inprosess"])
        h1 = p50_p95(s.maalinger["http_c1"])
        forhold_inp = f"{inp[1] / sql[1]:.1f}×" if sql and inp else "–"
        forhold_h1 = f"{h1[1] / sql[1]:.1f}×" if sql and h1 else "–"
        count = "ja" if any(er_eksakt_count(q) for q in s.sql) else "nei"
        rad = [
            s.navn[:26],
            str(s.treff) if isinstance(s.treff, int) else f"HTTP {s.status}",
            f"{len(s.sql)} ({s.sql_side1})",
            count,
            fmt(s.maalinger["inprosess"]),
            fmt(s.maalinger["http_c1"]),
            fmt(s.maalinger["http_c4"]),
            fmt(s.maalinger["sql"]),
            forhold_inp,
            forhold_h1,
        ]
        print("  ".join(f"{v:<{b}}" for v, (_n, b) in zip(rad, kolonner, strict=True)))
    if rps4:
        print(f"\nHTTP c=4, hele blandingen: {rps4:.2f} forespørsler/s med 2 gunicorn-arbeidere.")


def sjekk_mal(sporringer: list[Sporring]) -> bool:
    print(
        f"\nMål: p95 ≤ {MAL_P95_MS:.0f} ms for region + diagnose, innen {MAL_FAKTOR:.0f}× bar SQL "
        "(p95 mot p95), konstant antall spørringer, ingen eksakt COUNT(*):"
    )
    alt_ok = True
    for s in sporringer:
        merknader = []
        ok = True
        sql = p50_p95(s.maalinger["sql"])
        if s.region_og_diagnose:
            for lag in ("inprosess", "http_c1"):
                p = p50_p95(s.maalinger[lag])
                if p is None or sql is None:
                    continue
                tid_ok = p[1] <= MAL_P95_MS
                faktor_ok = p[1] <= MAL_FAKTOR * sql[1]
                ok &= tid_ok and faktor_ok
                merknader.append(
                    f"{lag} p95 {p[1]:.1f} ms {'≤' if tid_ok else '>'} {MAL_P95_MS:.0f} ms, "
                    f"{p[1] / sql[1]:.1f}× SQL {'OK' if faktor_ok else 'FOR MYE'}"
                )
        eksakte = [q for q in s.sql if er_eksakt_count(q)]
        if eksakte:
            ok = False
            merknader.append(f"{len(eksakte)} eksakt COUNT(*) uten LIMIT")
        if len(s.sql) != s.sql_side1:
            ok = False
            merknader.append(f"spørringer avhenger av sidestørrelse: {len(s.sql)} vs {s.sql_side1}")
        if s.status != 200:
            ok = False
            merknader.append(f"HTTP {s.status}")
        alt_ok &= ok
        print(f"  [{'OK ' if ok else 'NEI'}] {s.navn}: {'; '.join(merknader) or 'ingen mål'}")
    return alt_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runder", type=int, default=60, help="målte runder per lag")
    parser.add_argument("--runder-c4", type=int, default=25, help="runder per tråd ved c=4")
    parser.add_argument("--oppvarming", type=int, default=5)
    parser.add_argument("--maks-sekunder", type=float, default=900, help="tak for hele kjøringen")
    parser.add_argument("--uten-http", action="store_true", help="hopp over gunicorn-lagene")
    parser.add_argument("--uten-c4", action="store_true", help="hopp over samtidighet 4")
    parser.add_argument(
        "--treg-ms",
        type=float,
        default=1000,
        help="et søk hvis første forespørsel tar lenger enn dette, regnes som tregt …",
    )
    parser.add_argument(
        "--runder-treg", type=int, default=5, help="… og måles bare så mange runder per lag"
    )
    parser.add_argument("--explain", type=int, default=3, help="EXPLAIN for de N tregeste")
    parser.add_argument("--json", type=Path, help="skriv rådata (ms) til denne fila")
    args = parser.parse_args()
    url = sjekk_database()
    start = time.monotonic()
    startet = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    last_start = os.getloadavg()
    # The JSON access log (production's) goes to a file: formatted and written, not printed.
    loggfil = Path(tempfile.mkstemp(prefix="sok_bench_", suffix=".log")[1])
    os.environ["BENCH_LOGG_TIL_FIL"] = str(loggfil)

    # SIGTERM behaves like Ctrl-C: unwinds through the finally that stops gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test import Client

    from tilbud.models import Tilbud

    utforer = MigrationExecutor(connection)
    utestaende = utforer.migration_plan(utforer.loader.graph.leaf_nodes())
    if utestaende:
        sys.exit(
            f"{len(utestaende)} migrasjon(er) mangler i databasen: kjør `manage.py migrate` "
            "(eller bench/lag_katalog.py --nullstill) først."
        )
    antall = Tilbud.objects.count()
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_versjon = cur.fetchone()[0]
        cur.execute("SHOW shared_buffers")
        shared_buffers = cur.fetchone()[0]
    print(
        f"{antall} tilbud i {settings.DATABASES['default']['NAME']} (PostgreSQL {pg_versjon}, "
        f"shared_buffers {shared_buffers}); {os.cpu_count()} kjerner; DEBUG={settings.DEBUG}; "
        f"innstillinger {settings.SETTINGS_MODULE}, cache {settings.CACHES['default']['BACKEND']}, "
        f"logg {settings.LOGG_FORMAT}; lastsnitt {last_start[0]:.1f}"
    )
    sok_finnes = (ROT / "tilbud" / "services" / "sok.py").exists()
    print(f"tilbud/services/sok.py finnes: {'ja' if sok_finnes else 'nei'}")

    klient = Client(HTTP_HOST=VERT, HTTP_ACCEPT="application/json")
    fang_sql(klient, SPORRINGER)
    pg = raa_tilkobling()
    sesjon = sjekk_like_innstillinger(connection, pg)
    treg = (args.treg_ms, args.runder_treg)
    for s in SPORRINGER:
        if s.status != 200:
            print(f"  ADVARSEL {s.navn}: HTTP {s.status}: {s.treff}")
        if s.forste_ms > args.treg_ms:
            print(
                f"  {s.navn}: første forespørsel {s.forste_ms:.0f} ms > {args.treg_ms:.0f} ms, "
                f"måles bare {args.runder_treg} runder per lag"
            )

    # Each measured layer gets a share of the budget; EXPLAIN and start-up take the rest.
    budsjett = args.maks_sekunder * 0.9
    andeler = {"inprosess": 0.4, "c1": 0.3, "c4": 0.3}
    if args.uten_http:
        andeler = {"inprosess": 1.0}
    elif args.uten_c4:
        andeler = {"inprosess": 0.55, "c1": 0.45}

    gunicorn = None
    rps4 = None
    try:
        print(f"\n(a)+(c) in-prosess og bar SQL: {args.runder} runder × {len(SPORRINGER)} søk …")
        maal_inprosess_og_sql(
            klient,
            pg,
            SPORRINGER,
            args.runder,
            args.oppvarming,
            budsjett * andeler["inprosess"],
            treg,
        )
        connection.close()  # the in-process layer is done; free its backend for the HTTP layers
        if not args.uten_http:
            try:
                gunicorn = Gunicorn(url)
                gunicorn.start()
                print(f"(b) HTTP mot gunicorn (2 arbeidere) på {VERT}:{gunicorn.port}, c=1 …")
                maal_http(
                    gunicorn.port,
                    SPORRINGER,
                    1,
                    args.runder,
                    args.oppvarming,
                    budsjett * andeler["c1"],
                    treg,
                )
                if not args.uten_c4:
                    print(f"(b) HTTP c=4: {args.runder_c4} runder per tråd …")
                    rps4 = maal_http(
                        gunicorn.port,
                        SPORRINGER,
                        4,
                        args.runder_c4,
                        1,
                        budsjett * andeler["c4"],
                        treg,
                    )
            except (RuntimeError, OSError) as feil:
                # Keep the in-process and SQL figures: report the HTTP failure and go on.
                print(f"  HTTP-lagene feilet, hoppes over: {str(feil)[-1500:]}")
    finally:
        if gunicorn is not None:
            gunicorn.stopp()

    skriv_tabell(SPORRINGER, rps4)
    alt_ok = sjekk_mal(SPORRINGER)

    print("\nSpørringer per forespørsel (bar SQL p50 per setning, ms):")
    for s in SPORRINGER:
        deler = []
        for sql, tider in zip(s.sql, s.per_setning, strict=True):
            forste = " ".join(sql.split()[:4])
            deler.append(f"{statistics.median(tider) if tider else 0:.2f} [{forste[:40]}…]")
        print(f"  {s.navn}: " + "; ".join(deler))

    tregeste = sorted(
        (
            (statistics.median(tider), s, sql)
            for s in SPORRINGER
            for sql, tider in zip(s.sql, s.per_setning, strict=True)
            if tider
        ),
        key=lambda x: -x[0],
    )
    # The N slowest queries, plus the slowest region + diagnosis query (the target shape).
    valgt: dict[str, tuple[float, Sporring, str]] = {}
    for ms, s, sql in tregeste:
        if len(valgt) < args.explain and s.navn not in valgt:
            valgt[s.navn] = (ms, s, sql)
    malform = next(((ms, s, sql) for ms, s, sql in tregeste if s.region_og_diagnose), None)
    if malform and args.explain:
        valgt.setdefault(malform[1].navn, malform)
    for ms, s, sql in valgt.values():
        print(f"\n=== EXPLAIN ANALYZE, tregeste setning i «{s.navn}» (p50 {ms:.2f} ms) ===")
        print(sql)
        print("---")
        print(explain(pg, sql))
    pg.close()

    loggede = sum(1 for linje in loggfil.open() if '"helsearbeid.foresporsel"' in linje)
    print(f"Tilgangslogg (JSON): {loggede} linjer i {loggfil}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "kommando": " ".join(["bench/sok_bench.py", *sys.argv[1:]]),
                    "startet_utc": startet,
                    "lastsnitt_start_slutt": [last_start, os.getloadavg()],
                    "kjerner": os.cpu_count(),
                    "postgresql": pg_versjon,
                    "innstillinger": settings.SETTINGS_MODULE,
                    "cache": settings.CACHES["default"]["BACKEND"],
                    "sesjonsinnstillinger": sesjon,
                    "tilgangslogglinjer": loggede,
                    "tilbud": antall,
                    "sporringer": [
                        {
                            "navn": s.navn,
                            "parametre": s.parametre,
                            "treff": s.treff,
                            "sql": s.sql,
                            "maalinger_ms": s.maalinger,
                        }
                        for s in SPORRINGER
                    ],
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    print(
        f"\nFerdig på {time.monotonic() - start:.0f} s. Alle mål nådd: {'ja' if alt_ok else 'nei'}."
    )


if __name__ == "__main__":
    main()
