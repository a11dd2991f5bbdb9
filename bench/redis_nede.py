"""How much longer a request takes when Redis is down: two gunicorn servers side by side, one with
a live Redis and one whose REDIS_URL points at a closed port, the same requests interleaved.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ci_redis \\
    REDIS_URL=redis://127.0.0.1:6379/14 \\
    .venv/bin/python bench/redis_nede.py [--runder 40] [--json bench/resultat_redis_nede.json]

Both servers run production settings (`bench.innstillinger`: helsearbeid.settings.production
with keys generated for the run, the JSON access log to a temporary file), 1 sync worker each,
on the same scratch database (created fresh: migrate, the real catalogue, the users of
`bench/last.py oppsett`; dropped at the end unless --behold). Redis is the cache (throttling
buckets), the Celery broker and the summary rebuild's debounce. "Down" is a port where nothing
listens, so every connection is refused at once: Redis stopped on its host. A Redis host that
does not answer at all (packets dropped) would cost the connect timeouts instead (1 s for the
cache, Celery's own for publishing); that case is not measured here.

Per round, on each server (the order alternates from round to round), each timed from the
client (a new connection per request, as the sync workers close them anyway):
- search: GET /api/v1/tilbud/?kommune=Bodø&diagnose=L86 (cache and throttle; queues nothing);
- referral create: POST /api/v1/henvisninger/ (a GP's token);
- referral send: POST /api/v1/henvisninger/<id>/send/ (queues the receiver's e-mail notice after
  commit: published to Redis, or, when Redis refuses, written to the outbox table `drift_utboks`
  after Celery's publish retry).

Printed and written to --json: p50/p95 per request type and server, the difference of the
medians (down − up) and their ratio, the raw times, and the evidence that each server took the
path it was meant to (messages in the live Redis's queue, rows in the outbox from the other).
Only 127.0.0.1 is contacted. Redis db of REDIS_URL: its keys are deleted (FLUSHDB) at the start
and the end, so give a db number of your own (not 0).
"""

import argparse
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
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.innstillinger"

from lag_katalog import nullstill_database, sjekk_database  # noqa: E402

VERT = "127.0.0.1"
SOK = "/api/v1/tilbud/?" + urlencode({"kommune": "Bodø", "diagnose": "L86"})
TYPER = ("sok", "henvisning_ny", "henvisning_send")


def ledig_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((VERT, 0))
        return s.getsockname()[1]


def lukket_port() -> int:
    """A port nothing listens on (checked: a connection is refused)."""
    port = ledig_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.connect((VERT, port))
        except ConnectionRefusedError:
            return port
    sys.exit(f"Port {port} svarte; prøv igjen.")


_adresser = iter(range(1, 1 << 24))


def kall(
    port: int, metode: str, sti: str, token: str | None = None, data: Any = None
) -> tuple[int, Any, float]:
    """(status, JSON body or text, ms). Through "the TLS terminator" from an address of its own."""
    n = next(_adresser)
    hoder = {
        "Accept": "application/json",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
    }
    kropp = None
    if token:
        hoder["Authorization"] = f"Token {token}"
    if data is not None:
        kropp = json.dumps(data).encode()
        hoder["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection(VERT, port, timeout=60)
    try:
        start = time.perf_counter()
        conn.request(metode, sti, body=kropp, headers=hoder)
        svar = conn.getresponse()
        tekst = svar.read()
        ms = (time.perf_counter() - start) * 1000
    finally:
        conn.close()
    try:
        innhold: Any = json.loads(tekst)
    except ValueError:
        innhold = tekst.decode(errors="replace")[:300]
    return svar.status, innhold, ms


class Server:
    """gunicorn, 1 sync worker, in its own process group; REDIS_URL as given."""

    def __init__(self, navn: str, redis_url: str, logg: Path) -> None:
        self.navn = navn
        self.port = ledig_port()
        self.logg = logg
        env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
        }
        kommando = [
            str(Path(sys.executable).parent / "gunicorn"),
            "helsearbeid.wsgi:application",
            "--workers=1",
            "--worker-class=sync",
            f"--bind={VERT}:{self.port}",
            f"--chdir={ROT}",
            "--timeout=60",
        ]
        with logg.open("wb") as ut:
            # A fixed command line: the venv's gunicorn with constant arguments.
            self.proc = subprocess.Popen(  # noqa: S603
                kommando, env=env, stdout=ut, stderr=ut, start_new_session=True
            )
        slutt = time.monotonic() + 60
        while time.monotonic() < slutt:
            if self.proc.poll() is not None:
                sys.exit(f"gunicorn ({navn}) stoppet:\n{logg.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if kall(self.port, "GET", "/healthz")[0] == 200:
                    return
            time.sleep(0.3)
        self.stopp()
        sys.exit(f"gunicorn ({navn}) svarte ikke innen 60 s:\n{logg.read_text()[-3000:]}")

    def stopp(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def persentil(verdier: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordnet = sorted(verdier)
    return ordnet[max(0, min(len(ordnet) - 1, round(p / 100 * len(ordnet) + 0.5) - 1))]


def runde(server: Server, data: dict[str, Any], maalinger: dict[str, list[float]]) -> None:
    from last import henvisningsdata

    fastlege = data["henviser"]

    def sjekk(navn: str, svar: tuple[int, Any, float], ventet: int) -> Any:
        status, innhold, ms = svar
        if status != ventet:
            sys.exit(f"{server.navn} {navn}: HTTP {status} (ventet {ventet}): {innhold}")
        maalinger[navn].append(ms)
        return innhold

    sjekk("sok", kall(server.port, "GET", SOK), 200)
    ny = sjekk(
        "henvisning_ny",
        kall(
            server.port,
            "POST",
            "/api/v1/henvisninger/",
            fastlege,
            {"tilbud": data["henvisningstilbud"], **henvisningsdata()},
        ),
        201,
    )
    sendt = sjekk(
        "henvisning_send",
        kall(server.port, "POST", f"/api/v1/henvisninger/{ny['id']}/send/", fastlege),
        200,
    )
    if sendt.get("status") != "sendt":
        sys.exit(f"{server.navn}: henvisningen ble ikke sendt: {sendt}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runder", type=int, default=40, help="runder (hver server, hver type)")
    parser.add_argument("--oppvarming", type=int, default=3)
    parser.add_argument("--behold", action="store_true", help="ikke slett kladdedatabasen")
    parser.add_argument("--json", type=Path, help="skriv rådata og sammendrag hit")
    args = parser.parse_args()
    url = sjekk_database()
    redis_url = os.environ.get("REDIS_URL", "")
    redis_deler = urlparse(redis_url)
    if redis_deler.hostname not in ("127.0.0.1", "localhost") or redis_deler.path in ("", "/0"):
        sys.exit("REDIS_URL må være en lokal Redis med et eget db-nummer (ikke 0): redis://…/14")
    mappe = Path(tempfile.mkdtemp(prefix="redis_nede_"))
    os.environ["BENCH_LOGG_TIL_FIL"] = str(mappe / "tilgang.log")
    startet = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    last_start = os.getloadavg()
    # SIGTERM behaves like Ctrl-C: unwinds through the finally that stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    nullstill_database(url)
    import django

    django.setup()  # bench.innstillinger: generates the keys into os.environ for the servers
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from last import oppsett

    from helsearbeid.drift.models import Utboks

    call_command("migrate", verbosity=0)
    call_command("importer_katalog", verbosity=0)
    data = oppsett()
    # Empty now, so that what is queued below came from the measured requests.
    live = redis.Redis.from_url(redis_url)
    live.flushdb()
    from django.db import connection

    connection.close()  # the servers' connections only, while measuring

    nede_url = f"redis://{VERT}:{lukket_port()}{redis_deler.path}"
    servere: list[Server] = []
    maalinger: dict[str, dict[str, list[float]]] = {
        "oppe": {t: [] for t in TYPER},
        "nede": {t: [] for t in TYPER},
    }
    try:
        servere.append(Server("oppe", redis_url, mappe / "gunicorn_oppe.log"))
        servere.append(Server("nede", nede_url, mappe / "gunicorn_nede.log"))
        print(
            f"Redis oppe: {redis_url} (port {servere[0].port}); Redis nede: {nede_url} "
            f"(port {servere[1].port}); {args.runder} runder, innstillinger "
            f"{settings.SETTINGS_MODULE}; lastsnitt {last_start[0]:.1f}; logger i {mappe}",
            flush=True,
        )
        kast: dict[str, list[float]] = {t: [] for t in TYPER}
        for _ in range(args.oppvarming):
            for server in servere:
                runde(server, data, kast)
        for nr in range(args.runder):
            # Alternate which server goes first, so drift in the machine's load hits both.
            for server in servere if nr % 2 == 0 else servere[::-1]:
                runde(server, data, maalinger[server.navn])
    finally:
        for server in servere:
            server.stopp()

    # Evidence that each server took its path: the live Redis holds the published notices, the
    # outbox holds the ones the other server could not publish.
    utboks = Utboks.objects.count()
    utboks_oppgaver = sorted(set(Utboks.objects.values_list("oppgave", flat=True)))
    meldinger = {k.decode(): live.llen(k) for k in live.scan_iter() if live.type(k) == b"list"}
    sendinger = args.oppvarming + args.runder
    sammendrag: dict[str, Any] = {}
    print(f"\n{'':18}{'Redis oppe p50 / p95':>24}{'Redis nede p50 / p95':>24}{'nede − oppe':>14}")
    for t in TYPER:
        oppe, nede = maalinger["oppe"][t], maalinger["nede"][t]
        p = {
            "oppe_p50": statistics.median(oppe),
            "oppe_p95": persentil(oppe, 95),
            "nede_p50": statistics.median(nede),
            "nede_p95": persentil(nede, 95),
        }
        p["differanse_p50_ms"] = p["nede_p50"] - p["oppe_p50"]
        p["forhold_p50"] = p["nede_p50"] / p["oppe_p50"]
        sammendrag[t] = p
        print(
            f"{t:18}{p['oppe_p50']:>13.1f} / {p['oppe_p95']:>6.1f} ms"
            f"{p['nede_p50']:>13.1f} / {p['nede_p95']:>6.1f} ms"
            f"{p['differanse_p50_ms']:>+10.0f} ms ({p['forhold_p50']:.1f}×)"
        )
    print(
        f"\nUtboksen (fra serveren uten Redis): {utboks} meldinger {utboks_oppgaver}, "
        f"{sendinger} sendinger; køer i Redis (fra serveren med Redis): {meldinger}"
    )
    ok = utboks >= sendinger and sum(meldinger.values()) >= sendinger
    if not ok:
        print("ADVARSEL: serverne tok ikke de veiene de skulle; tallene måler ikke det de sier.")
    loggede = sum(
        1 for linje in (mappe / "tilgang.log").open() if '"helsearbeid.foresporsel"' in linje
    )
    print(f"Tilgangslogg (JSON): {loggede} linjer")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "kommando": " ".join(["bench/redis_nede.py", *sys.argv[1:]]),
                    "startet_utc": startet,
                    "lastsnitt_start_slutt": [last_start, os.getloadavg()],
                    "kjerner": os.cpu_count(),
                    "innstillinger": settings.SETTINGS_MODULE,
                    "redis_oppe": redis_url,
                    "redis_nede": nede_url,
                    "runder": args.runder,
                    "sammendrag_ms": sammendrag,
                    "utboks": {"meldinger": utboks, "oppgaver": utboks_oppgaver},
                    "redis_koer": meldinger,
                    "tilgangslogglinjer": loggede,
                    "maalinger_ms": maalinger,
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    live.flushdb()
    if not args.behold:
        from django.db import connections

        connections.close_all()
        from psycopg2 import connect, sql

        deler = urlparse(url)
        vedlikehold = connect(deler._replace(path="/postgres").geturl())
        vedlikehold.autocommit = True
        with vedlikehold.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(deler.path.lstrip("/"))
                )
            )
        vedlikehold.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
