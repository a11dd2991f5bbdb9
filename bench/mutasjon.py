"""Mutation testing of the modules that hold the rules (`make mutation`; not part of `make test`).

Each module is mutated on its own, in its own scratch directory (.mutasjon/<name>/, symlinks to
the project plus a pyproject.toml with that module's [tool.mutmut] section), and is tested by its
own test files only, on SQLite, one module at a time (the CI machine has two cores). The kill rate
per module goes to bench/mutasjon.json; survivors are listed there by name.

    .venv/bin/python bench/mutasjon.py                 # every module
    .venv/bin/python bench/mutasjon.py frister rangering  # some of them
    MUTASJON_MAKS_SEKUNDER=1800 ...                      # stop a module after 30 min
    MUTASJON_FORTSETT=1 ...                              # go on where a stopped run ended
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROT = Path(__file__).resolve().parent.parent
ARBEID = ROT / ".mutasjon"
RESULTAT = ROT / "bench" / "mutasjon.json"
MUTMUT = Path(sys.executable).parent / "mutmut"

# name: (files to mutate, mutant name glob or None for all, the module's own test files)
MODULER: dict[str, tuple[list[str], str | None, list[str]]] = {
    "frister": (["henvisning/frister.py"], None, ["tests/henvisning/test_frister.py"]),
    "livssyklus": (["henvisning/livssyklus.py"], None, ["tests/henvisning/test_livssyklus.py"]),
    "henvisning-tilgang": (
        ["henvisning/tilgang.py", "henvisning/rules.py"],
        None,
        # The matrix never searches by fødselsnummer (its POST has no body) and checks the
        # referrer types only for a fastlege: the tests that do, by node id (the rest of their
        # files exercise other modules).
        [
            "tests/henvisning/test_tilgang.py",
            "tests/henvisning/test_personvern.py::test_sok_pa_fodselsnummer_med_nokkelhash_bare_egne_og_logget",
            "tests/henvisning/test_html.py::test_hvem_kan_henvise",
        ],
    ),
    "tilbud-tilgang": (
        ["tilbud/tilgang.py", "tilbud/rules.py"],
        None,
        [
            "tests/koordinator/test_tilgangsmatrise.py",
            "tests/koordinator/test_tilgang_par.py",
            "tests/koordinator/test_tilgang_grenser.py",
        ],
    ),
    # The small-cell rule is two functions of a larger module: only they are mutated.
    "smaa-celler": (
        ["rapporter/henvisningstall.py"],
        "rapporter.henvisningstall.x_undertrykk*",
        # The rule's own tests; the property test (minutes per run) is left to `make test`.
        ["tests/rapporter/test_sammendrag.py"],
    ),
    "filters": (
        ["tilbud/sok/felt.py", "tilbud/sok/parametere.py", "tilbud/sok/filtre.py"],
        None,
        ["tests/tilbud/test_api_tilbud.py", "tests/tilbud/test_sok.py"],
    ),
    # Most of the ranking (the tier-by-tier page, NivadeltSok) runs on PostgreSQL only; on SQLite
    # test_rangering.py skips, so this module is mutated on PostgreSQL (PAA_POSTGRES), with the
    # tests that rank by the patient's kommune through the API as well.
    "rangering": (
        ["tilbud/sok/rangering.py"],
        None,
        [
            "tests/tilbud/test_rangering.py",
            "tests/tilbud/test_sok.py::test_oslo_patients_rank_the_hospitals_of_all_bydel_areas_as_their_own",
            "tests/tilbud/test_views.py::test_tier_outside_the_region_is_marked",
            "tests/tilbud/test_sokerad.py::test_a_site_from_another_region_ranks_alike_in_both_tables",
            "tests/tilbud/test_referanse.py::test_a_new_agreement_ranks_the_provider_up_at_once",
        ],
    ),
}
# Modules whose tests need PostgreSQL (DATABASE_URL, and REDIS_URL, from the environment);
# the others run on SQLite, whatever the environment says.
PAA_POSTGRES = {"rangering"}

# What the tests need besides the Python packages: settings find fixtures/ and templates/ next to
# the packages (BASE_DIR), so they are copied into mutmut's mutants/ directory too.
LENKER = [
    "helsearbeid",
    "tilbud",
    "henvisning",
    "rapporter",
    "tests",
    "fixtures",
    "templates",
    "static",
    "manage.py",
]


def _toml_liste(verdier: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in verdier) + "]"


def forbered(navn: str) -> Path:
    filer, _glob, tester = MODULER[navn]
    mappe = ARBEID / navn
    # MUTASJON_FORTSETT=1 goes on from where a run stopped (mutmut keeps its results in
    # mutants/); otherwise every run starts afresh from the code as it is now.
    if mappe.exists() and not os.environ.get("MUTASJON_FORTSETT"):
        shutil.rmtree(mappe)
    mappe.mkdir(parents=True, exist_ok=True)
    for lenke in LENKER:
        if not (mappe / lenke).is_symlink():
            (mappe / lenke).symlink_to(ROT / lenke)
    # importlib mode: pytest must not put the scratch directory (the unmutated code) first on
    # sys.path; mutmut puts mutants/ there. No cache: results must not depend on earlier runs.
    (mappe / "pyproject.toml").write_text(
        (ROT / "pyproject.toml").read_text()
        + f"""
[tool.mutmut]
source_paths = ["helsearbeid", "tilbud", "henvisning", "rapporter"]
only_mutate = {_toml_liste(filer)}
also_copy = ["fixtures", "templates", "static", "manage.py"]
# tests.mutasjon_db + --reuse-db: every pytest starts from a copy of the migrated test database
# with the catalogue (lag_mal), not from an empty one.
pytest_add_cli_args = [
    "-p", "no:cacheprovider", "--import-mode=importlib", "-q",
    "-p", "tests.mutasjon_db", "--reuse-db",
]
pytest_add_cli_args_test_selection = {_toml_liste(tester)}
use_git_change_detection = false
# Each mutant's pytest run starts pytest (and Django) again in a fork, which alone takes longer
# than mutmut's default CPU limit (15 × the tests' own time + 1 s) on a shared machine.
timeout_constant = 120.0
"""
    )
    return mappe


def lag_mal(navn: str, mappe: Path, miljo: dict[str, str]) -> str:
    """The test database every mutant's pytest starts from (tests/mutasjon_db.py copies it):
    migrated and given the catalogue here, once, instead of once per mutant."""
    if navn in PAA_POSTGRES:
        import dj_database_url
        import psycopg2

        url = dj_database_url.parse(miljo["DATABASE_URL"])
        mal = f"mutasjon_mal_{navn.replace('-', '_')}"
        tilkobling = psycopg2.connect(
            dbname="postgres", user=url["USER"], password=url["PASSWORD"] or None,
            host=url["HOST"], port=url["PORT"] or None,
        )  # fmt: skip
        tilkobling.autocommit = True
        with tilkobling.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{mal}"')
            cursor.execute(f'CREATE DATABASE "{mal}"')
        tilkobling.close()
        database_url = miljo["DATABASE_URL"].rsplit("/", 1)[0] + "/" + mal
    else:
        fil = mappe / "mal.sqlite3"
        fil.unlink(missing_ok=True)
        mal = str(fil)
        database_url = f"sqlite:///{fil}"
    for kommando in (["migrate", "--noinput"], ["importer_katalog"]):
        subprocess.run(  # noqa: S603 (our own venv's python, fixed arguments)
            [sys.executable, str(ROT / "manage.py"), *kommando],
            env={**miljo, "DATABASE_URL": database_url},
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return mal


def _slett_pg_kopier(miljo: dict[str, str]) -> None:
    """Drop the template and the copies of pytest processes that the time limit killed before
    they could drop their own (tests/mutasjon_db.py)."""
    import dj_database_url
    import psycopg2

    url = dj_database_url.parse(miljo["DATABASE_URL"])
    tilkobling = psycopg2.connect(
        dbname="postgres", user=url["USER"], password=url["PASSWORD"] or None,
        host=url["HOST"], port=url["PORT"] or None,
    )  # fmt: skip
    tilkobling.autocommit = True
    with tilkobling.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname = %s OR datname LIKE %s",
            [miljo["MUTASJON_DB_MAL"], miljo["MUTASJON_DB_MAL"] + "\\_p%"],
        )
        for (navn,) in cursor.fetchall():
            cursor.execute(f'DROP DATABASE IF EXISTS "{navn}" WITH (FORCE)')
    tilkobling.close()


def tell(mappe: Path, filer: list[str], glob: str | None) -> dict:
    status = {
        1: "killed",
        3: "killed",
        0: "survived",
        5: "no tests",
        33: "no tests",
        34: "skipped",
        36: "timeout",
        24: "timeout",
        -24: "timeout",
        152: "timeout",
        255: "timeout",
        37: "caught by type check",
        None: "not checked",
    }
    import fnmatch

    antall: Counter = Counter()
    overlevende: list[str] = []
    for fil in filer:
        meta = json.loads((mappe / "mutants" / (fil + ".meta")).read_text())
        for mutant, kode in meta["exit_code_by_key"].items():
            if glob and not fnmatch.fnmatch(mutant, glob):
                continue
            s = status.get(kode, "suspicious")
            antall[s] += 1
            if s != "killed":
                overlevende.append(f"{mutant} ({s})")
    totalt = sum(antall.values())
    # Timeouts count as killed (the mutant made the tests hang, which CI notices).
    drept = antall["killed"] + antall["timeout"]
    return {
        "filer": filer,
        "mutanter": totalt,
        "drept": drept,
        "andel_drept": round(drept / totalt, 4) if totalt else None,
        "etter_status": dict(sorted(antall.items())),
        "ikke_drept": sorted(overlevende),
    }


def _prov_overlevende_igjen(mappe: Path, filer: list[str]) -> None:
    """On a resumed run the survivors are tried again, against the tests as they are now (mutmut
    keeps a survivor's verdict even when a new test would kill it)."""
    for fil in filer:
        sti = mappe / "mutants" / (fil + ".meta")
        if not sti.exists():
            continue
        meta = json.loads(sti.read_text())
        meta["exit_code_by_key"] = {
            k: None if v == 0 else v for k, v in meta["exit_code_by_key"].items()
        }
        sti.write_text(json.dumps(meta, indent=4))


def kjor(navn: str) -> dict:
    filer, glob, tester = MODULER[navn]
    mappe = forbered(navn)
    miljo = {**os.environ, "DJANGO_SETTINGS_MODULE": "helsearbeid.settings.test"}
    if navn not in PAA_POSTGRES:
        miljo.pop("DATABASE_URL", None)  # SQLite
        miljo.pop("REDIS_URL", None)
    if os.environ.get("MUTASJON_FORTSETT"):
        _prov_overlevende_igjen(mappe, filer)
    start = time.monotonic()
    miljo["MUTASJON_DB_MAL"] = lag_mal(navn, mappe, miljo)
    # A time limit per module (MUTASJON_MAKS_SEKUNDER): what is not done by then is reported as
    # «not checked», never as killed.
    maks = float(os.environ.get("MUTASJON_MAKS_SEKUNDER", "0")) or None
    prosess = subprocess.Popen(  # noqa: S603 (our own venv's mutmut, fixed arguments)
        [
            str(MUTMUT),
            "run",
            "--max-children",
            os.environ.get("MUTASJON_BARN", "1"),
            *([glob] if glob else []),
        ],
        cwd=mappe,
        env=miljo,
        start_new_session=True,
    )
    try:
        kode = prosess.wait(timeout=maks)
    except subprocess.TimeoutExpired:
        os.killpg(prosess.pid, signal.SIGTERM)
        prosess.wait()
        kode = None
    if navn in PAA_POSTGRES:
        _slett_pg_kopier(miljo)
    else:
        # Copies of pytest processes the time limit killed before they removed their own.
        for kopi in mappe.glob("prosess-*.sqlite3*"):
            kopi.unlink(missing_ok=True)
    resultat = tell(mappe, filer, glob)
    resultat["tester"] = tester
    resultat["database"] = "postgresql" if navn in PAA_POSTGRES else "sqlite"
    resultat["sekunder"] = round(time.monotonic() - start)
    resultat["avbrutt_etter_tidsgrense"] = kode is None
    resultat["mutmut_kode"] = kode
    return resultat


def main(navn: list[str]) -> int:
    ukjente = [n for n in navn if n not in MODULER]
    if ukjente:
        print(f"Ukjent modul: {', '.join(ukjente)}. Kjente: {', '.join(MODULER)}", file=sys.stderr)
        return 2
    uten_pg = [n for n in navn or list(MODULER) if n in PAA_POSTGRES]
    if uten_pg and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print(
            f"{', '.join(uten_pg)} trenger PostgreSQL: sett DATABASE_URL (og REDIS_URL), "
            "f.eks. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
            file=sys.stderr,
        )
        return 2
    for n in navn or list(MODULER):
        print(f"==> mutmut: {n}", flush=True)
        resultat = kjor(n)
        # Read the file again just before writing: another module's run may have written to it
        # in the meantime (two runs at once lost one result before).
        alle = json.loads(RESULTAT.read_text()) if RESULTAT.exists() else {}
        alle[n] = resultat
        RESULTAT.write_text(json.dumps(alle, indent=2, ensure_ascii=False) + "\n")
        print(f"    {resultat['drept']}/{resultat['mutanter']} drept", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
