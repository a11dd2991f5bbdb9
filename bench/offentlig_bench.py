"""Anonymous public reads under gunicorn with production settings, before and after the public
response cache (issue 20, tilbud/offentlig_cache.py), side by side in one run.

    nice .venv/bin/python bench/offentlig_bench.py [--sekunder 10] [--samtidige 8] \\
        [--arbeidere 2] [--json bench/resultat_offentlig.json]

Needs the shared PostgreSQL on 127.0.0.1 (a database `bench_offentlig` is made from scratch:
migrate and the real catalogue's import) and starts a private Redis (tests/drift/tjenester.py).
Two gunicorns (`--arbeidere` sync workers each, `bench.innstillinger`: production settings) run
at the same time on the same database and Redis: «før» with OFFENTLIG_CACHE=False, «etter» with
the cache on. For each address, «før» and «etter» are measured one after the other, so that
both meet the same machine load; /healthz is measured on both too.

The load generator is this file: `--samtidige` threads in a closed loop, a new connection per
request (sync workers close them), `X-Forwarded-Proto: https` as from the TLS terminator. It
shares the 2 cores with gunicorn and PostgreSQL, so absolute figures are pessimistic; compare
the ratios to /healthz within one run. «etter» is the warm case (the answer is in the cache
after the first request of the version), which is what GPs asking the same thing get between
two catalogue changes.

Environment differences from production, and why: API_STRUPING_ANONYM is raised (all traffic
comes from one address and would be throttled at 600/min); SECURE_SSL_REDIRECT stays on (the
clients send X-Forwarded-Proto).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROT = Path(__file__).resolve().parent.parent
if str(ROT) not in sys.path:
    sys.path.insert(0, str(ROT))

DB = "bench_offentlig"
PG = "postgres://postgres@127.0.0.1:5432"
HODER = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def adresser(tilbud_id: int) -> list[tuple[str, str]]:
    return [
        ("/healthz", "/healthz"),
        ("søke-API", "/api/v1/tilbud/?kommune=1804&diagnose=L86"),
        ("søkeside", "/?kommune=1804&diagnose=L86"),
        ("tilbudsside", f"/tilbud/{tilbud_id}/"),
        ("tilbud-API (detalj)", f"/api/v1/tilbud/{tilbud_id}/"),
    ]


def kjor(miljo: dict[str, str], *argv: str) -> str:
    ut = subprocess.run(  # noqa: S603
        [str(ROT / ".venv/bin/python"), "manage.py", *argv],
        cwd=ROT, env=miljo, capture_output=True, text=True, check=False, timeout=1800,
    )  # fmt: skip
    if ut.returncode != 0:
        raise RuntimeError(f"manage.py {argv[0]}: {ut.stderr[-3000:]}")
    return ut.stdout


def lag_database(miljo: dict[str, str]) -> int:
    for argv in (["dropdb", "--if-exists", DB], ["createdb", DB]):
        subprocess.run([*argv, "-h", "127.0.0.1", "-U", "postgres"], check=True)  # noqa: S603
    kjor(miljo, "migrate", "--noinput", "-v0")
    kjor(miljo, "importer_katalog")
    ut = kjor(
        miljo, "shell", "-c",
        "from tilbud.models import Tilbud; "
        "print(Tilbud.objects.filter(kilde_id='s4_6_4_3_1').values_list('id', flat=True)[0])",
    )  # fmt: skip
    return int(ut.strip().splitlines()[-1])


class Gunicorn:
    def __init__(self, miljo: dict[str, str], port: int, arbeidere: int, logg: Path) -> None:
        self.port = port
        self.logg = logg.open("w")
        self.p = subprocess.Popen(  # noqa: S603
            [str(ROT / ".venv/bin/gunicorn"), "helsearbeid.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(arbeidere), "--timeout", "60"],
            cwd=ROT, env=miljo, stdout=self.logg, stderr=subprocess.STDOUT,
        )  # fmt: skip
        slutt = time.monotonic() + 90
        while time.monotonic() < slutt:
            try:
                if hent(port, "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stopp()
        raise RuntimeError(f"gunicorn på {port} svarte ikke (logg {logg})")

    def stopp(self) -> None:
        self.p.terminate()
        self.p.wait(20)
        self.logg.close()


def hent(port: int, sti: str) -> tuple[int, float, str]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", sti, headers=HODER)
        svar = conn.getresponse()
        svar.read()
        return svar.status, time.perf_counter() - start, svar.getheader("X-Offentlig-Cache") or ""
    finally:
        conn.close()


def last(port: int, sti: str, sekunder: float, samtidige: int) -> dict[str, Any]:
    tider: list[float] = []
    statuser: dict[int, int] = {}
    cache: dict[str, int] = {}
    las = threading.Lock()
    hent(port, sti)  # warm: the first request of a version fills the cache
    til = time.monotonic() + sekunder

    def bruker() -> None:
        while time.monotonic() < til:
            try:
                status, tid, treff = hent(port, sti)
            except OSError:
                status, tid, treff = 0, 0.0, ""
            with las:
                tider.append(tid)
                statuser[status] = statuser.get(status, 0) + 1
                cache[treff] = cache.get(treff, 0) + 1

    start = time.monotonic()
    trader = [threading.Thread(target=bruker) for _ in range(samtidige)]
    for t in trader:
        t.start()
    for t in trader:
        t.join()
    varighet = time.monotonic() - start
    ok = sorted(t for t in tider if t)
    p = lambda q: round(ok[min(len(ok) - 1, int(q * len(ok)))] * 1000, 1) if ok else None  # noqa: E731
    return {
        "forespørsler": len(tider),
        "per_s": round(len(tider) / varighet, 1),
        "p50_ms": p(0.50),
        "p99_ms": p(0.99),
        "statuser": statuser,
        "cache": cache,
    }


def main() -> int:
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    a.add_argument("--sekunder", type=float, default=10)
    a.add_argument("--samtidige", type=int, default=8)
    a.add_argument("--runder", type=int, default=3, help="rounds; the table gives medians")
    a.add_argument("--arbeidere", type=int, default=2)
    a.add_argument("--json", type=Path)
    a.add_argument("--behold-database", action="store_true", help="do not rebuild bench_offentlig")
    args = a.parse_args()

    from tests.drift import tjenester as t

    redis = t.PrivatRedis().start()
    mappe = Path(tempfile.mkdtemp(prefix="offentlig_bench_"))
    miljo = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    miljo |= {
        "DJANGO_SETTINGS_MODULE": "bench.innstillinger",
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": redis.url,
        "BENCH_LOGG_TIL_FIL": str(mappe / "app.log"),
        "API_STRUPING_ANONYM": "100000000/min",
        "PYTHONPATH": str(ROT),
    }
    # The secrets production insists on, random for this run (as bench.innstillinger makes them),
    # given to both gunicorns and the manage.py calls alike.
    miljo.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    miljo.setdefault("HENVISNING_NOKKEL", base64.urlsafe_b64encode(os.urandom(32)).decode())
    miljo.setdefault("HENVISNING_HMAC_NOKKEL", secrets.token_urlsafe(64))
    miljo.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
    servere: list[Gunicorn] = []
    try:
        if args.behold_database:
            tilbud_id = int(
                kjor(
                    miljo, "shell", "-c",
                    "from tilbud.models import Tilbud; print(Tilbud.objects.filter("
                    "kilde_id='s4_6_4_3_1').values_list('id', flat=True)[0])",
                ).split()[-1]
            )  # fmt: skip
        else:
            tilbud_id = lag_database(miljo)
        # Production serves hashed static names from the manifest (whitenoise).
        kjor(miljo, "collectstatic", "--noinput", "-v0")
        for_ = Gunicorn(
            miljo | {"OFFENTLIG_CACHE": "False"}, t.ledig_port(), args.arbeidere, mappe / "for.log"
        )
        servere.append(for_)
        etter = Gunicorn(
            miljo | {"OFFENTLIG_CACHE": "True"}, t.ledig_port(), args.arbeidere, mappe / "etter.log"
        )
        servere.append(etter)
        last_start = os.getloadavg()
        rader = [
            {"navn": navn, "sti": sti, "før": [], "etter": []} for navn, sti in adresser(tilbud_id)
        ]
        for runde in range(args.runder):
            # Every other round «etter» goes first: neither side always meets the same moment.
            rekkefolge = [("før", for_), ("etter", etter)]
            if runde % 2:
                rekkefolge.reverse()
            for rad in rader:
                for modus, server in rekkefolge:
                    maling = last(server.port, rad["sti"], args.sekunder, args.samtidige)
                    rad[modus].append(maling)
                    print(runde, rad["navn"], modus, maling, flush=True)
        for rad in rader:
            for modus in ("før", "etter"):
                rad[f"{modus}_median"] = {
                    n: statistics.median(m[n] for m in rad[modus]) for n in ("per_s", "p99_ms")
                }
        resultat = {
            "kommando": " ".join(sys.argv),
            "sekunder": args.sekunder,
            "samtidige": args.samtidige,
            "runder": args.runder,
            "arbeidere": args.arbeidere,
            "lastsnitt_start_slutt": [last_start, os.getloadavg()],
            "rader": rader,
        }
    finally:
        for s in servere:
            s.stopp()
        redis.fjern()
    if args.json:
        args.json.write_text(json.dumps(resultat, ensure_ascii=False, indent=1) + "\n")
    helse_rad = next(r for r in rader if r["navn"] == "/healthz")
    helse = {m: helse_rad[f"{m}_median"]["per_s"] for m in ("før", "etter")}
    print(f"\nMedianer over {args.runder} runder, {args.samtidige} samtidige, {args.sekunder} s")
    print(
        "| forespørsel | før: per s | før: p99 ms | før: andel av /healthz "
        "| etter: per s | etter: p99 ms | etter: andel av /healthz | etter/før |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rader:
        f, e = r["før_median"], r["etter_median"]
        print(
            f"| {r['navn']} | {f['per_s']} | {f['p99_ms']} | {f['per_s'] / helse['før']:.2f} "
            f"| {e['per_s']} | {e['p99_ms']} | {e['per_s'] / helse['etter']:.2f} "
            f"| {e['per_s'] / f['per_s']:.1f}× |"
        )
    print(f"lastsnitt (1, 5, 15 min) ved start og slutt: {resultat['lastsnitt_start_slutt']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
