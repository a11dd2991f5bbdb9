"""Private PostgreSQL and Redis servers, gunicorn and Celery processes for the fault and load
tests (and bench/last.py). Every server is started in a temporary directory on a free port and
stopped by its own process id or data directory: the shared PostgreSQL (5432) and Redis (6379)
that other tests use are never touched.

As root, PostgreSQL's programs run as the `postgres` user (`runuser`), which also owns the
temporary directory; binaries from PG_BIN, else Debian's newest /usr/lib/postgresql/<version>/bin,
else PATH.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def vent(betingelse: Callable[[], Any], sekunder: float, hva: str, intervall: float = 0.1) -> Any:
    """Poll until `betingelse()` is truthy (returned), or fail after `sekunder`."""
    slutt = time.monotonic() + sekunder
    while True:
        verdi = betingelse()
        if verdi:
            return verdi
        if time.monotonic() > slutt:
            raise AssertionError(f"Tidsavbrudd etter {sekunder} s: {hva}")
        time.sleep(intervall)


def ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def stengt_port() -> Iterator[int]:
    """A port where nothing answers (connections are refused) for as long as the block runs:
    bound but not listening, so no other process (another test run's server on a free port)
    can start listening there meanwhile, as it could on a port that ledig_port() let go."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def _pg_bin_mapper() -> list[Path]:
    """Where PostgreSQL's server programs may be: PG_BIN first, then Debian's versions, newest
    first (found by version, so a machine with 16 or 17 works as well as one with 15)."""
    mapper = [Path(os.environ["PG_BIN"])] if os.environ.get("PG_BIN") else []
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    return mapper + sorted(
        debian, key=lambda m: int(m.parent.name) if m.parent.name.isdigit() else 0, reverse=True
    )


def _pg_bin(navn: str) -> str:
    for mappe in _pg_bin_mapper():
        if (mappe / navn).exists():
            return str(mappe / navn)
    funnet = shutil.which(navn)
    if funnet is None:
        raise FileNotFoundError(f"{navn} (PostgreSQL) finnes ikke; sett PG_BIN")
    return funnet


def postgres_tilgjengelig() -> bool:
    try:
        _pg_bin("initdb")
        _pg_bin("pg_ctl")
    except FileNotFoundError:
        return False
    return os.geteuid() != 0 or shutil.which("runuser") is not None


def redis_tilgjengelig() -> bool:
    return shutil.which("redis-server") is not None


class PrivatPostgres:
    """One PostgreSQL cluster of our own: initdb in a temporary directory, trust auth on
    127.0.0.1, fsync off (test data)."""

    def __init__(self) -> None:
        self.mappe = Path(tempfile.mkdtemp(prefix="helsearbeid-pg-"))
        self.data = self.mappe / "data"
        self.logg = self.mappe / "postgres.log"
        self.port = ledig_port()
        self._som = []
        if os.geteuid() == 0:
            import pwd

            bruker = pwd.getpwnam("postgres")
            os.chown(self.mappe, bruker.pw_uid, bruker.pw_gid)
            self._som = ["runuser", "-u", "postgres", "--"]

    def _kjor(self, *argv: str, timeout: float = 60) -> None:
        subprocess.run(  # noqa: S603
            [*self._som, *argv], check=True, capture_output=True, timeout=timeout
        )

    def init(self) -> "PrivatPostgres":
        self._kjor(
            _pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.start()
        return self

    def start(self) -> None:
        self._kjor(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.logg), "-w", "-t", "30",
            "-o", f"-p {self.port} -k {self.mappe} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c full_page_writes=off -c synchronous_commit=off -c max_connections=60",
            "start",
        )  # fmt: skip

    def stopp(self, modus: str = "fast") -> None:
        """Fast shutdown: open sessions are terminated, as in a restart during deployment."""
        if (self.data / "postmaster.pid").exists():
            self._kjor(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", modus, "-w", "stop")

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def sql(self, db: str, sporring: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg2

        forbindelse = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=db, connect_timeout=5
        )
        forbindelse.autocommit = True
        try:
            with forbindelse.cursor() as cursor:
                cursor.execute(sporring, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            forbindelse.close()

    def lag_database(self, navn: str, mal: str | None = None) -> str:
        mal_sql = f" TEMPLATE {mal}" if mal else ""
        self.sql("postgres", f'CREATE DATABASE "{navn}"{mal_sql}')
        return self.url(navn)

    def fjern(self) -> None:
        with contextlib.suppress(Exception):
            self.stopp("immediate")  # the data is thrown away
        shutil.rmtree(self.mappe, ignore_errors=True)


class PrivatRedis:
    """A redis-server of our own in the foreground (stopped by its pid). Append-only file on, as
    in docker-compose.yml: messages in Redis survive its restart."""

    def __init__(self) -> None:
        self.mappe = Path(tempfile.mkdtemp(prefix="helsearbeid-redis-"))
        self.port = ledig_port()
        self.prosess: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivatRedis":
        self.prosess = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", str(self.mappe)],
            stdout=(self.mappe / "redis.log").open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        vent(self.svarer, 10, "Redis starter")
        return self

    def svarer(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stopp(self) -> None:
        if self.prosess is not None and self.prosess.poll() is None:
            self.prosess.terminate()
            self.prosess.wait(timeout=10)
        self.prosess = None

    def fjern(self) -> None:
        self.stopp()
        shutil.rmtree(self.mappe, ignore_errors=True)


def app_miljo(database_url: str, redis_url: str | None, **ekstra: str) -> dict[str, str]:
    """Environment for the app's processes: the project's test settings pointed at our servers."""
    miljo = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    miljo |= {
        # The one settings module of the processes tests start (tests/arbeider_innstillinger.py).
        "DJANGO_SETTINGS_MODULE": "tests.arbeider_innstillinger",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROT),
        "PYTHONUNBUFFERED": "1",
        # Load and fault tests must not be throttled by the analyst API's quotas.
        "API_NOKKEL_STRUPING": "1000000/hour",
        "API_ANONYM_STRUPING": "1000000/hour",
        "API_STRUPING_ANONYM": "1000000/min",
        "API_STRUPING_INNLOGGET": "1000000/min",
    }
    if redis_url:
        miljo["REDIS_URL"] = redis_url
    miljo |= ekstra
    return miljo


def manage(miljo: dict[str, str], *argv: str, timeout: float = 120) -> str:
    resultat = subprocess.run(  # noqa: S603
        [sys.executable, str(ROT / "manage.py"), *argv],
        cwd=ROT, env=miljo, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if resultat.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(argv)} feilet:\n{resultat.stderr[-3000:]}")
    return resultat.stdout


class Prosess:
    """A child process in its own process group, with its output in a file."""

    def __init__(self, argv: list[str], miljo: dict[str, str], logg: Path) -> None:
        self.logg = logg
        self.prosess = subprocess.Popen(  # noqa: S603
            argv, cwd=ROT, env=miljo, stdout=logg.open("a"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.prosess.pid

    def lever(self) -> bool:
        return self.prosess.poll() is None

    def tekst(self) -> str:
        return self.logg.read_text(errors="replace") if self.logg.exists() else ""

    def stopp(self, sig: int = signal.SIGTERM, vent_sekunder: float = 15) -> None:
        if self.prosess.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.prosess.pid, sig)
        try:
            self.prosess.wait(timeout=vent_sekunder)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.prosess.pid, signal.SIGKILL)
            self.prosess.wait(timeout=10)


class Gunicorn(Prosess):
    def __init__(self, miljo: dict[str, str], logg: Path, arbeidere: int = 2) -> None:
        self.port = ledig_port()
        self.base = f"http://127.0.0.1:{self.port}"
        super().__init__(
            [str(BIN / "gunicorn"), "helsearbeid.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(arbeidere),
             "--timeout", "60", "--graceful-timeout", "5"],
            miljo, logg,
        )  # fmt: skip
        try:
            vent(self._klar, 60, f"gunicorn svarer på /healthz (logg: {logg})", 0.2)
        except BaseException:
            self.stopp()  # never leave a half-started server behind
            raise

    def _klar(self) -> bool:
        if not self.lever():
            raise AssertionError(f"gunicorn stoppet:\n{self.tekst()[-3000:]}")
        try:
            return hent(self.base + "/healthz", timeout=5)[0] == 200
        except OSError:
            return False

    def arbeidere(self) -> set[int]:
        """The worker processes' ids (children of the master)."""
        barn = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return {int(p) for p in barn.read_text().split()} if barn.exists() else set()


class Celery(Prosess):
    def __init__(self, miljo: dict[str, str], logg: Path, *argv: str) -> None:
        super().__init__([str(BIN / "celery"), "-A", "helsearbeid", *argv], miljo, logg)


def celery_beat(miljo: dict[str, str], logg: Path, mappe: Path) -> Celery:
    return Celery(
        miljo, logg, "beat", "-l", "info", "--schedule", str(mappe / "celerybeat-schedule")
    )


def hent(
    url: str,
    *,
    metode: str = "GET",
    data: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], str]:
    """(status, headers, body); a connection error raises OSError (the caller counts it)."""
    body = None
    headers = dict(headers or {})
    if data is not None:
        body = json.dumps(data).encode()
        headers.setdefault("Content-Type", "application/json")
    foresporsel = urllib.request.Request(url, data=body, method=metode, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(foresporsel, timeout=timeout) as svar:  # noqa: S310
            return svar.status, dict(svar.headers), svar.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as feil:
        return feil.code, dict(feil.headers), feil.read().decode("utf-8", "replace")
