"""Time the regional-summary rebuild against the bare SQL GROUP BY, side by side.

    DJANGO_SETTINGS_MODULE=helsearbeid.settings.dev \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helsearbeid_sammendrag_bench \\
    .venv/bin/python bench/sammendrag_bench.py [--runder 3]

Build the catalogue first with bench/lag_katalog.py (same DATABASE_URL, --antall 100000). The
script refuses a database that is not on localhost or whose name lacks "bench". It prints:

- full rebuild (all four RHF, `bygg_sammendrag`: aggregates + compare + write + swap + prune),
  forced to write a new generation each round;
- the bare SQL: the same GROUP BY queries (`beregn_rader` without the write), i.e. the floor;
- one region (HSO, the largest), both ways.

Referrals: not yet (the henvisning app is not connected to the summaries), so the
1 000 000-referral part of the benchmark is still to come.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsearbeid.settings.dev")


def sjekk_database() -> None:
    deler = urlparse(os.environ.get("DATABASE_URL", ""))
    navn = deler.path.lstrip("/")
    if deler.hostname not in ("127.0.0.1", "localhost") or "bench" not in navn:
        sys.exit("DATABASE_URL må peke på en lokal PostgreSQL-database med «bench» i navnet.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runder", type=int, default=3)
    args = parser.parse_args()
    sjekk_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from rapporter.models import Sammendragsgenerasjon
    from rapporter.services.sammendrag import beregn_rader, bygg_sammendrag, rhf_koder
    from tilbud.models import Organisasjon, Tilbud

    call_command("migrate", verbosity=0)
    antall = Tilbud.objects.count()
    koder = rhf_koder()
    rhf = {o.kode: o for o in Organisasjon.objects.filter(type="rhf")}
    dato = timezone.localdate()

    def sql(kodeliste: list[str]) -> float:
        start = time.perf_counter()
        for kode in kodeliste:
            beregn_rader(rhf[kode], dato)
        return time.perf_counter() - start

    def bygg(kodeliste: list[str]) -> float:
        # Drop the generations first, so each round really writes and swaps.
        Sammendragsgenerasjon.objects.filter(rhf__kode__in=kodeliste).delete()
        start = time.perf_counter()
        for kode in kodeliste:
            bygg_sammendrag(kode)
        return time.perf_counter() - start

    sql(koder)  # warm-up
    resultater: dict[str, list[float]] = {k: [] for k in ("sql", "bygg", "sql1", "bygg1")}
    for _ in range(args.runder):  # alternate A/B, as the shared box wants
        resultater["sql"].append(sql(koder))
        resultater["bygg"].append(bygg(koder))
        resultater["sql1"].append(sql(["HSO"]))
        resultater["bygg1"].append(bygg(["HSO"]))
    rader = sum(g.antall_rader for g in Sammendragsgenerasjon.objects.filter(status="ferdig"))

    m = {k: statistics.median(v) for k, v in resultater.items()}
    print(f"Tilbud i katalogen: {antall}; rader i sammendraget: {rader}; runder: {args.runder}")
    print(f"{'':32}{'bar SQL GROUP BY':>18}{'full ombygging':>18}{'forhold':>10}")
    print(
        f"{'Alle fire RHF':32}{m['sql']:>16.2f} s{m['bygg']:>16.2f} s{m['bygg'] / m['sql']:>9.2f}x"
    )
    print(
        f"{'Én region (HSO)':32}{m['sql1']:>16.2f} s{m['bygg1']:>16.2f} s"
        f"{m['bygg1'] / m['sql1']:>9.2f}x"
    )
    print("Mål: full ombygging ≤ 30 s og innen 2× bar SQL; én region ≤ 5 s.")
    print("Henvisninger: ikke ennå (henvisningstallene er ikke koblet til sammendragene).")


if __name__ == "__main__":
    main()
