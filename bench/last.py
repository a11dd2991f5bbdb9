"""Load test: GP searches, tilbud pages, API pulls, coordinator edits and referral updates mixed,
against gunicorn on PostgreSQL, at increasing concurrency. Reports p50/p95/p99, throughput and
error rate per step, and checks that no update was lost. See bench/README.md («Lasttest»).

    .venv/bin/python bench/last.py [--steg 1,4,8,16,32] [--sekunder 60] [--arbeidere 3]
                                   [--json bench/resultat_last.json]

Everything runs on servers the script starts itself and stops afterwards: a private PostgreSQL
cluster and Redis (tests/drift/tjenester.py: temporary directories, free ports), gunicorn with
`--arbeidere` sync workers and one Celery worker, all with the project's test settings
(tests/arbeider_innstillinger.py: DEBUG off, real broker). The shared PostgreSQL and Redis are not
touched.

The load generator is this file: one thread per simulated user, each in a closed loop (next
request as soon as the previous answered, no think time), a new HTTP connection per request
(gunicorn's sync workers close them anyway). It runs in the same 2 cores as gunicorn and
PostgreSQL, so the figures are pessimistic. tests/drift/test_last.py runs the same scenario for a
few seconds in CI.

The subcommands `oppsett` and `sjekk` run inside Django (DJANGO_SETTINGS_MODULE, DATABASE_URL):
they create the users, tokens and API key the scenario uses, and verify the journal of writes
against the database (no lost updates).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROT = Path(__file__).resolve().parent.parent
if str(ROT) not in sys.path:
    sys.path.insert(0, str(ROT))

# GP searches: (kommune, diagnose) as a GP types them (names, codes, words).
SOK = [
    ("Bodø", "L86"),
    ("Stavanger", "F41.1"),
    ("0301", "M54"),
    ("Karasjok", "P76"),
    ("Tromsø", "korsrygg"),
    ("Trondheim", "angst"),
    ("Bergen", "L03"),
    ("Kristiansand", "utbrent"),
]
# Share of operations (per hundred): what a weekday looks like, reads dominating.
VEKTER = {
    "sok_api": 30,
    "sok_side": 20,
    "tilbudside": 20,
    "api_synk": 5,
    "koordinator_endring": 15,
    "henvisning_oppdatering": 10,
}
# Statuses that are answers, not errors: a stale If-Match is refused (412), as designed.
FORVENTET = {
    "koordinator PATCH": {200, 412},
    "henvisning opprett": {201},
}
ETAG_VERSJON = re.compile(r"-v(\d+)-")
# Synthetic fødselsnummer with valid check digits (no real person).
FNR = "15108695088"


# --------------------------------------------------------------------------- measuring


@dataclass
class Maling:
    navn: str
    status: int  # 0: no answer (connection error, timeout)
    ms: float
    feil: str | None


@dataclass
class Journal:
    """Every write the clients saw answered: the lost-update check compares it with the DB."""

    kjoring: str
    endringer: list[dict[str, Any]] = field(default_factory=list)
    henvisninger: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    las: threading.Lock = field(default_factory=threading.Lock)

    def som_json(self) -> dict[str, Any]:
        return {
            "kjoring": self.kjoring,
            "endringer": self.endringer,
            "henvisninger": {str(k): v for k, v in self.henvisninger.items()},
        }


class Klient:
    """One simulated user's HTTP calls, each timed and judged."""

    def __init__(self, base: str, malinger: list[Maling], timeout: float = 30) -> None:
        self.base = base
        self.malinger = malinger
        self.timeout = timeout

    def kall(
        self,
        navn: str,
        sti: str,
        *,
        metode: str = "GET",
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        from tests.drift.tjenester import hent

        url = sti if sti.startswith("http") else self.base + sti
        start = time.perf_counter()
        try:
            status, hoder, tekst = hent(
                url, metode=metode, data=data, headers=headers, timeout=self.timeout
            )
        except OSError as feil:
            self.malinger.append(
                Maling(navn, 0, (time.perf_counter() - start) * 1000, type(feil).__name__)
            )
            return 0, {}, None
        ms = (time.perf_counter() - start) * 1000
        forventet = FORVENTET.get(navn, {200})
        self.malinger.append(
            Maling(navn, status, ms, None if status in forventet else f"HTTP {status}")
        )
        innhold: Any = tekst
        if hoder.get("Content-Type", "").startswith("application/json"):
            try:
                innhold = json.loads(tekst)
            except ValueError:
                innhold = None
        return status, hoder, innhold


# --------------------------------------------------------------------------- the scenario


class Bruker:
    """A simulated user; picks an operation by VEKTER, over and over until the deadline.
    Referral users carry their referral from state to state."""

    def __init__(self, nr: int, data: dict[str, Any], journal: Journal) -> None:
        self.nr = nr
        self.data = data
        self.journal = journal
        self.tilfeldig = random.Random(nr)
        self.henvisning: int | None = None
        self.henvisning_steg = 0

    def kjor(self, klient: Klient, til: float) -> None:
        navn = list(VEKTER)
        vekter = list(VEKTER.values())
        while time.monotonic() < til:
            operasjon = self.tilfeldig.choices(navn, vekter)[0]
            getattr(self, operasjon)(klient)

    def _sok(self) -> str:
        kommune, diagnose = self.tilfeldig.choice(SOK)
        return urlencode({"kommune": kommune, "diagnose": diagnose})

    def sok_api(self, k: Klient) -> None:
        k.kall("sok API", "/api/v1/tilbud/?" + self._sok())

    def sok_side(self, k: Klient) -> None:
        k.kall("sok side", "/?" + self._sok())

    def tilbudside(self, k: Klient) -> None:
        k.kall("tilbudside", f"/tilbud/{self.tilfeldig.choice(self.data['tilbud'])}/")

    def api_synk(self, k: Klient) -> None:
        """An analyst's mirror: every page of the cursor-paged sync until `next` is null."""
        hoder = {"Authorization": f"Api-Key {self.data['api_nokkel']}"}
        url: str | None = "/api/v1/synk/tilbud/?page_size=25"
        while url:
            status, _h, svar = k.kall("API synk (side)", url, headers=hoder)
            url = svar.get("next") if status == 200 and isinstance(svar, dict) else None

    def koordinator_endring(self, k: Klient) -> None:
        """Read the ETag, change the waiting-time text, PATCH with If-Match. A coordinator
        elsewhere may have saved in between: 412, which is the design, not an error."""
        rhf = self.tilfeldig.choice(sorted(self.data["koordinatorer"]))
        tilbud = self.tilfeldig.choice(self.data["redigerbare"][rhf])
        hoder = {"Authorization": f"Token {self.data['koordinatorer'][rhf]}"}
        status, svar_hoder, _ = k.kall(
            "koordinator GET", f"/api/v1/tilbud/{tilbud}/", headers=hoder
        )
        if status != 200:
            return
        verdi = f"{self.journal.kjoring}-{uuid.uuid4().hex[:12]}"
        status, svar_hoder, _svar = k.kall(
            "koordinator PATCH",
            f"/api/v1/tilbud/{tilbud}/",
            metode="PATCH",
            data={"ventetid_tekst": verdi, "grunn": "lasttest"},
            headers={**hoder, "If-Match": svar_hoder.get("ETag", "")},
        )
        if status in (200, 412):
            versjon = ETAG_VERSJON.search(svar_hoder.get("ETag", "")) if status == 200 else None
            with self.journal.las:
                self.journal.endringer.append(
                    {
                        "tilbud": tilbud,
                        "verdi": verdi,
                        "status": status,
                        "versjon": int(versjon.group(1)) if versjon else None,
                    }
                )

    def henvisning_oppdatering(self, k: Klient) -> None:
        """One step of a referral's life: create, send (GP); receive, assess, start, end
        (the receiving unit); then a new one."""
        fastlege = {"Authorization": f"Token {self.data['henviser']}"}
        mottak = {"Authorization": f"Token {self.data['mottaker']}"}
        sti = f"/api/v1/henvisninger/{self.henvisning}/"
        if self.henvisning is None:
            status, _h, svar = k.kall(
                "henvisning opprett",
                "/api/v1/henvisninger/",
                metode="POST",
                data={"tilbud": self.data["henvisningstilbud"], **henvisningsdata()},
                headers=fastlege,
            )
            if status == 201:
                self.henvisning = svar["id"]
                self.henvisning_steg = 1
                self._logg(svar)
            return
        steg = [
            ("send", fastlege, None),
            ("motta", mottak, None),
            ("vurder", mottak, {"utfall": "rett", "frist": str(idag() + timedelta(40))}),
            ("start", mottak, None),
            ("avslutt", mottak, None),
        ]
        handling, hoder, data = steg[self.henvisning_steg - 1]
        status, _h, svar = k.kall(
            f"henvisning {handling}", sti + handling + "/", metode="POST", data=data, headers=hoder
        )
        if status == 200:
            self._logg(svar)
            self.henvisning_steg += 1
            if self.henvisning_steg > len(steg):
                self.henvisning = None
        elif status != 0:
            self.henvisning = None  # counted as an error; start a new one

    def _logg(self, svar: dict[str, Any]) -> None:
        with self.journal.las:
            self.journal.henvisninger[svar["id"]].append(svar["status"])


def idag() -> date:
    return datetime.now(ZoneInfo("Europe/Oslo")).date()


def henvisningsdata() -> dict[str, Any]:
    return {
        "fodselsnummer": FNR,
        "navn": "Ola Testpasient",
        "diagnosekoder": ["L86"],
        "sykmeldt": True,
        "sykmelding_prosent": 50,
        "sykmeldt_fra": str(idag() - timedelta(days=30)),
        "sporsmal": "Vurdering av arbeidsrettet rehabilitering.",
        "arbeidssituasjon": "Lagerarbeider, 100 % stilling.",
        "arbeidsgiverkontakt": "Leder er kjent med saken.",
        "nav_kontakt": "NAV-veileder.",
        "samtykke": True,
    }


# --------------------------------------------------------------------------- running steps


def persentil(verdier: list[float], p: float) -> float:
    if not verdier:
        return float("nan")
    if len(verdier) == 1:
        return verdier[0]
    return statistics.quantiles(verdier, n=100, method="inclusive")[int(p) - 1]


def oppsummer(malinger: list[Maling], sekunder: float, samtidighet: int) -> dict[str, Any]:
    tider = [m.ms for m in malinger]
    feil = [m for m in malinger if m.feil]
    per_navn: dict[str, Any] = {}
    for navn in sorted({m.navn for m in malinger}):
        egne = [m for m in malinger if m.navn == navn]
        per_navn[navn] = {
            "antall": len(egne),
            "p50": round(persentil([m.ms for m in egne], 50), 1),
            "p95": round(persentil([m.ms for m in egne], 95), 1),
            "feil": sum(1 for m in egne if m.feil),
        }
    return {
        "samtidighet": samtidighet,
        "sekunder": round(sekunder, 1),
        "foresporsler": len(malinger),
        "per_sekund": round(len(malinger) / sekunder, 1) if sekunder else 0.0,
        "p50": round(persentil(tider, 50), 1),
        "p95": round(persentil(tider, 95), 1),
        "p99": round(persentil(tider, 99), 1),
        "feil": len(feil),
        "feilrate": round(len(feil) / len(malinger), 4) if malinger else 0.0,
        "feiltyper": dict(Counter(m.feil for m in feil)),
        "serverfeil_5xx": sum(1 for m in malinger if m.status >= 500),
        "uten_svar": sum(1 for m in malinger if m.status == 0),
        "avvist_412": sum(1 for m in malinger if m.status == 412),
        "per_operasjon": per_navn,
    }


def kjor_steg(
    base: str, data: dict[str, Any], journal: Journal, brukere: list[Bruker], samtidighet: int,
    sekunder: float,
) -> dict[str, Any]:  # fmt: skip
    """`samtidighet` users in closed loops for `sekunder`; users are kept between steps (a
    referral in progress goes on)."""
    while len(brukere) < samtidighet:
        brukere.append(Bruker(len(brukere), data, journal))
    malinger: list[Maling] = []
    til = time.monotonic() + sekunder
    start = time.monotonic()
    trader = [
        threading.Thread(target=b.kjor, args=(Klient(base, malinger), til), daemon=True)
        for b in brukere[:samtidighet]
    ]
    for t in trader:
        t.start()
    for t in trader:
        t.join(timeout=sekunder + 120)
    resultat = oppsummer(malinger, time.monotonic() - start, samtidighet)
    # The machine's 1-minute load average at the end of the step: others share these 2 cores.
    resultat["lastsnitt"] = round(os.getloadavg()[0], 1)
    return resultat


# --------------------------------------------------------------------------- inside Django


def oppsett() -> dict[str, Any]:
    """Users, tokens and an API key for the scenario (idempotent)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from helsearbeid.tokens.services import token_opprett
    from henvisning.models import Sjekkliste
    from rapporter.services import api_nokkel_opprett
    from tilbud.models import Organisasjon, Rolle, Tilbud

    bruker_modell = get_user_model()

    def bruker(navn: str, **rolle: Any) -> str:
        b, ny = bruker_modell.objects.get_or_create(
            username=navn, defaults={"email": f"{navn}@example.no"}
        )
        if ny:
            Rolle.objects.create(bruker=b, **rolle)
        # Tokens are stored hashed: a new one each run, valid long enough for the scenario.
        return token_opprett(bruker=b, navn="lasttest", timer=24)[1]

    aktive = Tilbud.objects.exclude(status="avsluttet").order_by("pk")
    koordinatorer, redigerbare = {}, {}
    for rhf in Organisasjon.objects.rhf().order_by("kode"):
        egne = list(aktive.filter(rhf=rhf).values_list("pk", flat=True)[:3])
        if egne:
            koordinatorer[rhf.kode] = bruker(
                f"last-koordinator-{rhf.kode}", type="koordinator", rhf=rhf
            )
            redigerbare[rhf.kode] = egne
    klinikk, _ = Organisasjon.objects.get_or_create(
        navn="Lastklinikken AS", defaults={"type": Organisasjon.Type.PRIVAT}
    )
    henvisningstilbud = Tilbud.objects.filter(organisasjon=klinikk).first()
    if henvisningstilbud is None:
        from tests.factories import TilbudFactory

        henvisningstilbud = TilbudFactory(
            organisasjon=klinikk, henvisning_til=Tilbud.HenvisningTil.LEVERANDOR
        )
        Sjekkliste.objects.create(tilbud=henvisningstilbud, punkter=["Funksjonsnivå i arbeid"])
    _nokkel, klartekst = api_nokkel_opprett(navn="lasttest", eier="bench/last.py")
    return {
        "tilbud": list(aktive.values_list("pk", flat=True)),
        "koordinatorer": koordinatorer,
        "redigerbare": redigerbare,
        "henviser": bruker("last-fastlege", type="henviser", henvisertype="fastlege"),
        "mottaker": bruker("last-mottak", type="mottaker", organisasjon=klinikk),
        "henvisningstilbud": henvisningstilbud.pk,
        "api_nokkel": klartekst,
    }


def sjekk(journal: dict[str, Any]) -> dict[str, Any]:
    """No lost updates: every coordinator edit answered 200 is in the history exactly once, with
    the version its ETag named; no edit refused with 412 is anywhere; the history holds no edit
    the clients were not told about; each tilbud ends as its last successful write. Every
    referral's status log is exactly the transitions the clients saw answered, in order."""
    import django

    django.setup()
    from henvisning.models import Henvisning
    from tilbud.models import Tilbud

    hendelse = Tilbud.pgh_event_model
    avvik: list[str] = []
    endringer = journal["endringer"]
    per_tilbud: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in endringer:
        per_tilbud[e["tilbud"]].append(e)
    for tilbud_id, egne in per_tilbud.items():
        historikk = list(
            hendelse.objects.filter(
                pgh_obj_id=tilbud_id, ventetid_tekst__startswith=journal["kjoring"] + "-"
            ).values_list("ventetid_tekst", "versjon")
        )
        lagret = Counter(historikk)
        verdier = Counter(v for v, _ in historikk)
        ok = [e for e in egne if e["status"] == 200]
        avvik += [
            f"tilbud {tilbud_id}: {e['verdi']} v{e['versjon']} (200) ikke lagret nøyaktig én gang"
            for e in ok
            if lagret[(e["verdi"], e["versjon"])] != 1
        ]
        avvik += [
            f"tilbud {tilbud_id}: {e['verdi']} ble avvist (412), men er lagret"
            for e in egne
            if e["status"] == 412 and verdier[e["verdi"]]
        ]
        if len(historikk) != len(ok):
            avvik.append(
                f"tilbud {tilbud_id}: {len(historikk)} endringer i historikken, {len(ok)} svar 200"
            )
        if any(n > 1 for n in Counter(e["versjon"] for e in ok).values()):
            avvik.append(f"tilbud {tilbud_id}: to svar 200 med samme versjon")
        if ok:
            siste = max(ok, key=lambda e: e["versjon"])
            t = Tilbud.objects.get(pk=tilbud_id)
            if (t.ventetid_tekst, t.versjon) != (siste["verdi"], siste["versjon"]):
                avvik.append(
                    f"tilbud {tilbud_id}: slutter som {t.ventetid_tekst} v{t.versjon}, siste "
                    f"skriving var {siste['verdi']} v{siste['versjon']}"
                )
    for hid, sett in journal["henvisninger"].items():
        h = Henvisning.objects.get(pk=int(hid))
        logg = list(
            h.statusendringer.order_by("tidspunkt", "id").values_list("til_status", flat=True)
        )
        if logg != sett or h.status != sett[-1]:
            avvik.append(
                f"henvisning {hid}: statuslogg {logg}, status {h.status}, klientene så {sett}"
            )
    return {
        "tilbud_skrivinger_200": sum(1 for e in endringer if e["status"] == 200),
        "tilbud_avvist_412": sum(1 for e in endringer if e["status"] == 412),
        "tilbud_endret": len(per_tilbud),
        "henvisninger": len(journal["henvisninger"]),
        "henvisning_overganger": sum(len(v) for v in journal["henvisninger"].values()),
        "tapte_oppdateringer": avvik,
    }


# --------------------------------------------------------------------------- the whole run


class Miljo:
    """Private PostgreSQL + Redis, the catalogue, gunicorn and a Celery worker (started in
    __enter__, stopped in __exit__, also on Ctrl-C)."""

    def __init__(
        self, mappe: Path, *, arbeidere: int, celery: bool = True, pg: Any = None,
        mal: str | None = None,
    ) -> None:  # fmt: skip
        self.mappe = mappe
        self.arbeidere = arbeidere
        self.celery = celery
        self.pg = pg
        self.mal = mal
        self.egen_pg = pg is None
        self.prosesser: list[Any] = []

    def __enter__(self) -> Miljo:
        from tests import celery_arbeider
        from tests.drift import tjenester as t

        try:
            if self.pg is None:
                self.pg = t.PrivatPostgres().init()
            self.redis = t.PrivatRedis().start()
            db = f"last_{uuid.uuid4().hex[:8]}"
            url = self.pg.lag_database(db, self.mal)
            self.db = db
            self.miljo = t.app_miljo(url, self.redis.url)
            if self.mal is None:
                t.manage(self.miljo, "migrate", "--noinput", "-v0")
                t.manage(self.miljo, "importer_katalog")
            self.data = json.loads(django_kall(self.miljo, "oppsett"))
            self.gunicorn = t.Gunicorn(self.miljo, self.mappe / "gunicorn.log", self.arbeidere)
            self.prosesser.append(self.gunicorn)
            if self.celery:
                self.prosesser.append(
                    celery_arbeider.start(
                        self.miljo, self.mappe / "celery.log", navn=f"last-{t.ledig_port()}"
                    )
                )
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        for p in reversed(self.prosesser):
            p.stopp()
        if getattr(self, "redis", None):
            self.redis.fjern()
        if self.egen_pg and self.pg is not None:
            self.pg.fjern()

    def sjekk(self, journal: Journal) -> dict[str, Any]:
        fil = self.mappe / "journal.json"
        fil.write_text(json.dumps(journal.som_json()))
        return json.loads(django_kall(self.miljo, "sjekk", str(fil)))


def django_kall(miljo: dict[str, str], *argv: str) -> str:
    import subprocess

    resultat = subprocess.run(  # noqa: S603
        [sys.executable, __file__, *argv], cwd=ROT, env=miljo, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    if resultat.returncode != 0:
        raise RuntimeError(f"bench/last.py {argv[0]} feilet:\n{resultat.stderr[-3000:]}")
    return resultat.stdout.strip().splitlines()[-1]


def tabell(steg: list[dict[str, Any]]) -> str:
    linjer = [
        "| samtidige | forespørsler | per s | p50 ms | p95 ms | p99 ms | feil | feilrate | 412 "
        "| lastsnitt |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    linjer += [
        f"| {s['samtidighet']} | {s['foresporsler']} | {s['per_sekund']} | {s['p50']} | "
        f"{s['p95']} | {s['p99']} | {s['feil']} | {s['feilrate']:.2%} | {s['avvist_412']} "
        f"| {s.get('lastsnitt', '')} |"
        for s in steg
    ]
    return "\n".join(linjer)


def operasjonstabell(steg: list[dict[str, Any]]) -> str:
    """p50/p95 per request type, one column per step."""
    navn = sorted({n for s in steg for n in s["per_operasjon"]})
    linjer = [
        "| forespørsel | " + " | ".join(f"c={s['samtidighet']} p50/p95" for s in steg) + " |",
        "|---|" + "---|" * len(steg),
    ]
    for n in navn:
        celler = []
        for s in steg:
            o = s["per_operasjon"].get(n)
            celler.append(f"{o['p50']:.0f} / {o['p95']:.0f}" if o else "–")
        linjer.append(f"| {n} | " + " | ".join(celler) + " |")
    return "\n".join(linjer)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kommando", nargs="?", default="kjor", choices=["kjor", "oppsett", "sjekk"])
    parser.add_argument("journal", nargs="?")
    parser.add_argument("--steg", default="1,4,8,16,32", help="samtidige brukere per steg")
    parser.add_argument("--sekunder", type=float, default=60, help="varighet per steg")
    parser.add_argument("--arbeidere", type=int, default=3, help="gunicorn-arbeidere")
    parser.add_argument("--json", type=Path, help="skriv resultatet hit")
    a = parser.parse_args()
    if a.kommando == "oppsett":
        print(json.dumps(oppsett()))
        return 0
    if a.kommando == "sjekk":
        resultat = sjekk(json.loads(Path(a.journal).read_text()))
        print(json.dumps(resultat))
        return 0

    import tempfile

    mappe = Path(tempfile.mkdtemp(prefix="helsearbeid-last-"))
    print(f"Logger i {mappe}", flush=True)
    with Miljo(mappe, arbeidere=a.arbeidere) as m:
        journal = Journal(kjoring=f"last-{uuid.uuid4().hex[:6]}")
        brukere: list[Bruker] = []
        kjor_steg(m.gunicorn.base, m.data, journal, brukere, 2, 5)  # warm-up, not reported
        steg = []
        for samtidighet in [int(x) for x in a.steg.split(",")]:
            resultat = kjor_steg(m.gunicorn.base, m.data, journal, brukere, samtidighet, a.sekunder)
            steg.append(resultat)
            print(
                f"c={samtidighet}: {resultat['foresporsler']} forespørsler, "
                f"{resultat['per_sekund']}/s, p50/p95/p99 {resultat['p50']}/{resultat['p95']}/"
                f"{resultat['p99']} ms, feil {resultat['feil']} {resultat['feiltyper']}",
                flush=True,
            )
        kontroll = m.sjekk(journal)
    print()
    print(tabell(steg))
    print()
    print(operasjonstabell(steg))
    print()
    print(json.dumps(kontroll, indent=2, ensure_ascii=False))
    if a.json:
        a.json.write_text(
            json.dumps({"steg": steg, "kontroll": kontroll, "arbeidere": a.arbeidere}, indent=2,
                       ensure_ascii=False) + "\n"
        )  # fmt: skip
    return 1 if kontroll["tapte_oppdateringer"] or any(s["feil"] for s in steg) else 0


if __name__ == "__main__":
    sys.exit(main())
