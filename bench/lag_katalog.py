"""Build a deterministic synthetic catalogue of N tilbud on a scratch PostgreSQL database.

    DJANGO_SETTINGS_MODULE=helsearbeid.settings.dev \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helsearbeid_bench \\
    .venv/bin/python bench/lag_katalog.py --antall 100000 [--seed 42] [--nullstill]

Steps: migrate, `manage.py importer_katalog` (real geography, codes, målgrupper, organisations and
the 70 real tilbud), then N synthetic tilbud shaped like the real ones (fagområde, målgrupper,
behandlingsformer, text vocabulary, RHF split HSO ~50 %, HV ~23 %, HMN/HN ~13.5 % each), synthetic
sites in real kommuner and synthetic private providers with agreements, all with `bulk_create`.
Then the search index is refreshed (the backend's `oppdater_sokeindeks()` if it exists, else one
UPDATE here) and the tables are VACUUM ANALYZEd.

The same --antall and --seed on a fresh database give the same rows with the same ids. The script
refuses any database whose name does not contain "bench" or that is not on localhost.
"""

import argparse
import importlib
import inspect
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helsearbeid.settings.dev")

KILDE_ID_PREFIKS = "bench-"
# Share of tilbud per RHF in the synthetic catalogue (the brief: HSO ~50 %, HV ~23 %, HMN and
# HN ~14 % each; normalised to 1).
RHF_ANDEL = {"HSO": 0.50, "HV": 0.23, "HMN": 0.135, "HN": 0.135}
BATCH = 2000

# Synthetic private providers: name parts and the agreement type each kind holds.
PRIVAT_PREFIKS = [
    ("Rehabiliteringssenteret", "arr"),
    ("Arbeidshelse", "arr"),
    ("Ryggklinikken", "arr"),
    ("Friskvernklinikken", "arr"),
    ("Jobbmestring", "arr"),
    ("Psykologsenteret", "phv"),
    ("Mestringsklinikken", "phv"),
    ("Psykologtjenesten", "phv"),
]
HF_STEDSTYPER = ["DPS", "Poliklinikk", "Rehabiliteringsenhet", "Behandlingssenter", "Sykehus"]
PRIVAT_STEDSTYPER = ["Klinikk", "Senter", "Avdeling"]


def sjekk_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    deler = urlparse(url)
    navn = deler.path.lstrip("/")
    if deler.scheme not in ("postgres", "postgresql", "pgsql") or not navn:
        sys.exit("DATABASE_URL må peke på en PostgreSQL-database (postgres://…/helsearbeid_bench).")
    if deler.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"Nekter: databasen ligger på {deler.hostname}, ikke på 127.0.0.1.")
    if "bench" not in navn:
        sys.exit(f"Nekter: databasenavnet «{navn}» inneholder ikke «bench» (kladdedatabase).")
    return url


def nullstill_database(url: str) -> None:
    """Drop and recreate the scratch database (name already checked to contain 'bench')."""
    import psycopg2
    from psycopg2 import sql

    deler = urlparse(url)
    navn = deler.path.lstrip("/")
    vedlikehold = deler._replace(path="/postgres").geturl()
    conn = psycopg2.connect(vedlikehold)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(navn)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(navn)))
    conn.close()
    print(f"Databasen {navn} er slettet og laget på nytt.")


def setninger(tekst: str) -> list[str]:
    """Sentences of a real text; the report's '…' elisions become sentence breaks."""
    tekst = re.sub(r"\s+", " ", (tekst or "").replace("…", ". "))
    biter = re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9«\"(])", tekst)
    ut = []
    for b in biter:
        b = b.strip(" .")
        if 25 <= len(b) <= 400:
            ut.append(b + ".")
    return ut


class Tid:
    def __init__(self) -> None:
        self.start = time.monotonic()
        self.fase = self.start

    def __call__(self, tekst: str) -> None:
        naa = time.monotonic()
        print(f"[{naa - self.start:7.1f} s] (+{naa - self.fase:5.1f} s) {tekst}", flush=True)
        self.fase = naa


class Vokabular:
    """What the real catalogue looks like: templates, sentences and frequencies."""

    def __init__(self) -> None:
        from tilbud.models import Tilbud

        self.maler = list(
            Tilbud.objects.exclude(kilde_id__startswith=KILDE_ID_PREFIKS)
            .select_related("organisasjon")
            .prefetch_related("malgrupper", "behandlingsformer")
            .order_by("id")
        )
        if not self.maler:
            sys.exit("Fant ingen ekte tilbud: importer_katalog har ikke lagt inn katalogen.")
        self.malgruppe_setn: dict[str, list[str]] = defaultdict(list)
        self.innhold_setn: dict[str, list[str]] = defaultdict(list)
        self.alle_malgruppe_setn: list[str] = []
        self.alle_innhold_setn: list[str] = []
        self.henvisning_setn: list[str] = []
        self.navnebiter: list[str] = []
        self.diagnoser: list[str] = []
        self.behandlingsform_frekvens: Counter[str] = Counter()
        for t in self.maler:
            ms = setninger(t.malgruppe_tekst)
            inn = setninger(t.innhold) + setninger(t.behandlingsform_tekst)
            self.malgruppe_setn[t.fagomrade] += ms
            self.innhold_setn[t.fagomrade] += inn
            self.alle_malgruppe_setn += ms
            self.alle_innhold_setn += inn
            self.henvisning_setn += setninger(t.henvisning_tekst)
            grunn = re.sub(r"\s*\([^)]*\)\s*$", "", t.navn)
            self.navnebiter += [b.strip() for b in re.split(r"\s[–-]\s", grunn) if len(b) > 3]
            self.diagnoser += [d for d in t.diagnoser if isinstance(d, str)]
            self.behandlingsform_frekvens.update(b.kode for b in t.behandlingsformer.all())
        self.navnebiter = sorted(set(self.navnebiter))
        self.diagnoser = sorted(set(self.diagnoser))
        if not self.alle_innhold_setn or not self.alle_malgruppe_setn:
            sys.exit("Fant ingen tekst i de ekte tilbudene å hente ordforråd fra.")


def bygg_katalog(antall: int, seed: int, tid: Tid) -> None:
    from django.db import transaction

    from tilbud.models import (
        Avtale,
        Kommune,
        Lokasjon,
        Malgruppe,
        Opptaksomrade,
        Organisasjon,
        Tilbud,
    )

    rng = random.Random(seed)
    vok = Vokabular()
    tid(
        f"Ordforråd fra {len(vok.maler)} ekte tilbud: {len(vok.alle_malgruppe_setn)} "
        f"målgruppesetninger, {len(vok.alle_innhold_setn)} innholdssetninger, "
        f"{len(vok.navnebiter)} navnebiter"
    )

    rhf = {o.kode: o for o in Organisasjon.objects.rhf().order_by("kode")}
    kommuner_per_rhf: dict[int, list[Kommune]] = defaultdict(list)
    for k in Kommune.objects.order_by("nummer"):
        kommuner_per_rhf[k.rhf_id].append(k)
    kommuner_per_hf: dict[int, list[Kommune]] = defaultdict(list)
    for o in Opptaksomrade.objects.select_related("kommune").order_by("kommune_id", "bydelsnummer"):
        if o.kommune not in kommuner_per_hf[o.helseforetak_id]:
            kommuner_per_hf[o.helseforetak_id].append(o.kommune)
    offentlige_per_rhf: dict[int, list[Organisasjon]] = defaultdict(list)
    for o in Organisasjon.objects.filter(type__in=["hf", "ideell"]).order_by("id"):
        offentlige_per_rhf[o.rhf_id].append(o)
    malgrupper = list(Malgruppe.objects.order_by("id"))

    with transaction.atomic():
        # ---- synthetic private providers with agreements
        antall_privat = max(20, antall // 500)
        kommune_navn = sorted({k.navn for ks in kommuner_per_rhf.values() for k in ks})
        brukte = set(Organisasjon.objects.values_list("navn", flat=True))
        nye_org, avtale_plan = [], []
        for i in range(antall_privat):
            kode = rng.choices(list(RHF_ANDEL), weights=list(RHF_ANDEL.values()))[0]
            prefiks, avtaletype = PRIVAT_PREFIKS[i % len(PRIVAT_PREFIKS)]
            navn = f"{prefiks} {rng.choice(kommune_navn)} AS"
            n = 2
            while navn in brukte:
                navn = f"{prefiks} {rng.choice(kommune_navn)} {n} AS"
                n += 1
            brukte.add(navn)
            nye_org.append(Organisasjon(navn=navn, type=Organisasjon.Type.PRIVAT))
            koder = [kode]
            if rng.random() < 0.1:
                koder.append(rng.choice([k for k in RHF_ANDEL if k != kode]))
            avtale_plan.append((koder, avtaletype))
        Organisasjon.objects.bulk_create(nye_org, batch_size=BATCH)
        Avtale.objects.bulk_create(
            [
                Avtale(leverandor=org, rhf=rhf[k], type=avtaletype)
                for org, (koder, avtaletype) in zip(nye_org, avtale_plan, strict=True)
                for k in koder
            ],
            batch_size=BATCH,
        )
        tid(f"{len(nye_org)} syntetiske private leverandører med avtaler")

        # Private providers (real and synthetic) per RHF they hold an agreement with.
        privat_per_rhf: dict[int, list[Organisasjon]] = defaultdict(list)
        for a in Avtale.objects.select_related("leverandor").order_by("id"):
            if a.leverandor not in privat_per_rhf[a.rhf_id]:
                privat_per_rhf[a.rhf_id].append(a.leverandor)

        # ---- synthetic sites in real kommuner
        lok_per_org: dict[int, list[Lokasjon]] = defaultdict(list)
        for lok in Lokasjon.objects.order_by("id"):
            lok_per_org[lok.organisasjon_id].append(lok)
        nye_lok = []
        steder_per_hf = max(3, antall // 2000)
        for orgs in offentlige_per_rhf.values():
            for org in orgs:
                omrade = kommuner_per_hf.get(org.id) or kommuner_per_rhf[org.rhf_id]
                navn_brukt = {lok.navn for lok in lok_per_org[org.id]}
                for _ in range(steder_per_hf):
                    kommune = rng.choice(omrade)
                    navn = f"{rng.choice(HF_STEDSTYPER)} {kommune.navn}"
                    if navn in navn_brukt:
                        continue
                    navn_brukt.add(navn)
                    nye_lok.append(Lokasjon(organisasjon=org, navn=navn, kommune=kommune))
        for org, ((kode, *_andre), _type) in zip(nye_org, avtale_plan, strict=True):
            navn_brukt = set()
            for _ in range(rng.choice([1, 1, 2, 3])):
                kommune = rng.choice(kommuner_per_rhf[rhf[kode].id])
                navn = f"{org.navn.removesuffix(' AS')} {rng.choice(PRIVAT_STEDSTYPER)} "
                navn += kommune.navn
                if navn in navn_brukt:
                    continue
                navn_brukt.add(navn)
                nye_lok.append(Lokasjon(organisasjon=org, navn=navn, kommune=kommune))
        Lokasjon.objects.bulk_create(nye_lok, batch_size=BATCH)
        for lok in nye_lok:
            lok_per_org[lok.organisasjon_id].append(lok)
        tid(f"{len(nye_lok)} syntetiske lokasjoner i ekte kommuner")

        # Real private tilbud without a site still need one: give such providers one.
        ekstra = []
        for orgs in privat_per_rhf.values():
            for org in orgs:
                if not lok_per_org[org.id]:
                    rhf_id = next(r for r, os_ in privat_per_rhf.items() if org in os_)
                    kommune = rng.choice(kommuner_per_rhf[rhf_id])
                    ekstra.append(Lokasjon(organisasjon=org, navn=kommune.navn, kommune=kommune))
        Lokasjon.objects.bulk_create(ekstra, batch_size=BATCH)
        for lok in ekstra:
            lok_per_org[lok.organisasjon_id].append(lok)

        # ---- tilbud
        maler_privat = [t for t in vok.maler if t.organisasjon.type == Organisasjon.Type.PRIVAT]
        maler_offentlig = [t for t in vok.maler if t.organisasjon.type != Organisasjon.Type.PRIVAT]
        andel_privat = len(maler_privat) / len(vok.maler)
        bf_koder = sorted(vok.behandlingsform_frekvens)
        bf_vekter = [vok.behandlingsform_frekvens[k] for k in bf_koder]
        koder = list(RHF_ANDEL)
        vekter = list(RHF_ANDEL.values())
        through_mg = Tilbud.malgrupper.through
        through_bf = Tilbud.behandlingsformer.through
        through_lok = Tilbud.lokasjoner.through
        start_dato = date(2019, 6, 1)
        dager = (date(2026, 10, 1) - start_dato).days
        status_teller: Counter[str] = Counter()
        rhf_teller: Counter[str] = Counter()
        bygget = 0
        while bygget < antall:
            n = min(BATCH, antall - bygget)
            objekter, relasjoner = [], []
            for j in range(n):
                i = bygget + j
                kode = rng.choices(koder, weights=vekter)[0]
                region = rhf[kode]
                privat = rng.random() < andel_privat and privat_per_rhf[region.id]
                if privat:
                    mal = rng.choice(maler_privat)
                    org = rng.choice(privat_per_rhf[region.id])
                    henvisning_til = rng.choice(["regional", "regional", "leverandor"])
                else:
                    mal = rng.choice(maler_offentlig)
                    org = rng.choice(offentlige_per_rhf[region.id])
                    henvisning_til = "hf"
                steder = lok_per_org[org.id]
                valgte_steder = rng.sample(steder, k=min(len(steder), rng.choice([1, 1, 1, 2, 3])))
                sted = valgte_steder[0].navn if valgte_steder else org.navn
                if rng.random() < 0.5 or not vok.navnebiter:
                    grunn = re.sub(r"\s*\([^)]*\)\s*$", "", mal.navn)
                else:
                    grunn = " – ".join(rng.sample(vok.navnebiter, k=2))
                navn = f"{grunn} ({sted})"[:300]
                mg_pool = vok.malgruppe_setn.get(mal.fagomrade) or vok.alle_malgruppe_setn
                inn_pool = vok.innhold_setn.get(mal.fagomrade) or vok.alle_innhold_setn
                malgruppe_tekst = " ".join(rng.choices(mg_pool, k=rng.randint(1, 3)))
                innhold = " ".join(rng.choices(inn_pool, k=rng.randint(2, 5)))
                diagnoser = list(mal.diagnoser)
                if vok.diagnoser and rng.random() < 0.3:
                    diagnoser.append(rng.choice(vok.diagnoser))
                r = rng.random()
                alder = (18, 67) if r < 0.25 else (16, 30) if r < 0.30 else (None, None)
                r = rng.random()
                status = "aktiv" if r < 0.93 else "ikke_bekreftet" if r < 0.98 else "avsluttet"
                sist_bekreftet = start_dato + timedelta(days=rng.randrange(dager))
                felt = {
                    "kilde_id": f"{KILDE_ID_PREFIKS}{seed}-{i:07d}",
                    "navn": navn,
                    "organisasjon": org,
                    "rhf": region,
                    "kategori": mal.kategori,
                    "fagomrade": mal.fagomrade,
                    "malgruppe_tekst": malgruppe_tekst,
                    "diagnoser": diagnoser,
                    "alder_fra": alder[0],
                    "alder_til": alder[1],
                    "alder_tekst": f"{alder[0]}–{alder[1]} år" if alder[0] else "",
                    "innhold": innhold,
                    "yrkesgrupper": list(mal.yrkesgrupper),
                    "helseiarbeid": rng.random() < 0.2,
                    "henvisere": list(mal.henvisere),
                    "henvisning_til": henvisning_til,
                    "henvisning_tekst": rng.choice(vok.henvisning_setn)
                    if vok.henvisning_setn and rng.random() < 0.6
                    else "",
                    "status": status,
                    "kilde": f"Syntetisk katalog (bench/lag_katalog.py, seed {seed})",
                    "sist_bekreftet": sist_bekreftet,
                    "bekreftet_av": "bench/lag_katalog.py",
                }
                if status == "avsluttet":
                    felt["avsluttet_dato"] = sist_bekreftet
                    felt["avsluttet_grunn"] = "Syntetisk: avsluttet."
                if rng.random() < 0.35:
                    uker = rng.randint(1, 20)
                    felt |= {
                        "ventetid_uker": uker,
                        "ventetid_tekst": f"Ca. {uker} uker",
                        "ventetid_type": "fra henvisning til oppstart",
                        "ventetid_dato": sist_bekreftet,
                        "ventetid_kilde": "Syntetisk (bench)",
                    }
                mg = {m.id for m in mal.malgrupper.all()}
                if rng.random() < 0.15:
                    mg.add(rng.choice(malgrupper).id)
                bf = {b.kode for b in mal.behandlingsformer.all()}
                if not bf:
                    bf = set(rng.choices(bf_koder, weights=bf_vekter, k=rng.randint(1, 3)))
                elif rng.random() < 0.2:
                    bf ^= {rng.choice(bf_koder)}
                objekter.append(Tilbud(**felt))
                relasjoner.append((sorted(mg), sorted(bf), [s.id for s in valgte_steder]))
                status_teller[status] += 1
                rhf_teller[kode] += 1
            Tilbud.objects.bulk_create(objekter, batch_size=BATCH)
            mg_rader, bf_rader, lok_rader = [], [], []
            for obj, (mg, bf, lok) in zip(objekter, relasjoner, strict=True):
                mg_rader += [through_mg(tilbud_id=obj.id, malgruppe_id=m) for m in mg]
                bf_rader += [through_bf(tilbud_id=obj.id, behandlingsform_id=b) for b in bf]
                lok_rader += [through_lok(tilbud_id=obj.id, lokasjon_id=s) for s in lok]
            through_mg.objects.bulk_create(mg_rader, batch_size=BATCH * 2)
            through_bf.objects.bulk_create(bf_rader, batch_size=BATCH * 2)
            through_lok.objects.bulk_create(lok_rader, batch_size=BATCH * 2)
            bygget += n
            if bygget % (BATCH * 5) == 0 or bygget == antall:
                tid(f"{bygget:>8} / {antall} syntetiske tilbud")
    andeler = ", ".join(f"{k} {100 * v / antall:.1f} %" for k, v in sorted(rhf_teller.items()))
    print(f"  per RHF: {andeler}; status: {dict(sorted(status_teller.items()))}")


def oppdater_sokeindeks(tid: Tid) -> str:
    """The backend's refresh if it exists; otherwise fill sokeord/sokevektor with SQL here."""
    from django.db import connection, transaction

    try:
        sok = importlib.import_module("tilbud.services.sok")
    except ModuleNotFoundError:
        sok = None
    funksjon = getattr(sok, "oppdater_sokeindeks", None)
    if funksjon is not None:
        tid(f"Kaller tilbud.services.sok.oppdater_sokeindeks{inspect.signature(funksjon)}")
        resultat = funksjon()
        tid(f"oppdater_sokeindeks() ferdig (returnerte {resultat!r})")
        return "tilbud.services.sok.oppdater_sokeindeks()"
    tid("tilbud.services.sok.oppdater_sokeindeks finnes ikke ennå: fyller søkefeltene med SQL")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """
            WITH mg AS (
                SELECT tm.tilbud_id, string_agg(m.navn, ' ' ORDER BY m.navn) AS navn
                FROM tilbud_tilbud_malgrupper tm
                JOIN tilbud_malgruppe m ON m.id = tm.malgruppe_id
                GROUP BY tm.tilbud_id
            )
            UPDATE tilbud_tilbud t SET
                sokeord = lower(concat_ws(' ', t.navn, o.navn, mg.navn,
                                          t.diagnoser::text, t.kategori)),
                sokevektor =
                    setweight(to_tsvector('norwegian', t.navn), 'A')
                    || setweight(to_tsvector('norwegian',
                           concat_ws(' ', mg.navn, t.diagnoser::text, t.kategori)), 'B')
                    || setweight(to_tsvector('norwegian', t.malgruppe_tekst), 'B')
                    || setweight(to_tsvector('norwegian', concat_ws(' ', o.navn, t.innhold)), 'C')
            FROM tilbud_organisasjon o, mg
            WHERE o.id = t.organisasjon_id AND mg.tilbud_id = t.id
            """
        )
        tid(f"sokeord/sokevektor fylt for {cur.rowcount} tilbud (egen SQL i lag_katalog.py)")
    return "egen UPDATE i bench/lag_katalog.py (oppdater_sokeindeks fantes ikke)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--antall", type=int, default=100_000, help="syntetiske tilbud")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--nullstill",
        action="store_true",
        help="slett og lag kladdedatabasen på nytt først (navnet må inneholde «bench»)",
    )
    args = parser.parse_args()
    if args.antall < 1:
        parser.error("--antall må være minst 1")
    url = sjekk_database()
    if args.nullstill:
        nullstill_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tilbud.models import Tilbud

    tid = Tid()
    call_command("migrate", interactive=False, verbosity=0)
    tid("migrate ferdig")
    call_command("importer_katalog")
    tid("importer_katalog ferdig")
    if Tilbud.objects.filter(kilde_id__startswith=KILDE_ID_PREFIKS).exists():
        sys.exit("Databasen har allerede en syntetisk katalog. Kjør med --nullstill.")
    bygg_katalog(args.antall, args.seed, tid)
    kilde = oppdater_sokeindeks(tid)
    with connection.cursor() as cur:
        # The search table's triggers rewrite a tilbud's row for each link table filled after
        # it (målgrupper, behandlingsformer, sites): a bulk load leaves three dead versions per
        # row in front of the live ones, which a sequential scan (the capped count) still
        # reads. Compact it as a production bulk load would, then VACUUM sets the visibility
        # map again, which index-only scans need (VACUUM FULL does not set it).
        cur.execute("VACUUM FULL tilbud_sokerad")
        cur.execute("VACUUM ANALYZE")
        tid("VACUUM FULL tilbud_sokerad, VACUUM ANALYZE ferdig")
        cur.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('tilbud_tilbud')), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        tabell, database = cur.fetchone()
    totalt = Tilbud.objects.count()
    print(
        f"Ferdig: {totalt} tilbud ({args.antall} syntetiske, seed {args.seed}); "
        f"tilbud_tilbud {tabell}, databasen {database}; søkeindeks: {kilde}. "
        f"Total tid {time.monotonic() - tid.start:.1f} s."
    )


if __name__ == "__main__":
    main()
