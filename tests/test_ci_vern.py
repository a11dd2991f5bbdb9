"""The suite's own guards: a run may skip only what it lists, and no test can hang the run."""

import os

import pytest

from helsearbeid.settings import testkjoring
from tests.forventede_hopp import FORVENTEDE_HOPP
from tests.hoppvakt import kjoringens_oppsett, vurder

ALLE = ["a.py::t1", "a.py::t2", "b.py::t[x]", "b.py::t[y]"]


def test_a_listed_skip_that_happened_is_fine() -> None:
    v = vurder({"b.py::t[[]*]": "no server"}, ALLE, {"b.py::t[x]", "b.py::t[y]"})
    assert not v.feil


def test_an_unlisted_skip_is_reported() -> None:
    v = vurder({}, ALLE, {"a.py::t1"})
    assert v.uventede == ["a.py::t1"]


def test_a_listed_skip_that_no_longer_happens_is_reported() -> None:
    v = vurder({"a.py::t1": "old reason"}, ALLE, set())
    assert v.utgatte == ["a.py::t1"] and not v.uventede


def test_a_pattern_that_matches_a_test_that_ran_is_reported() -> None:
    v = vurder({"b.py::*": "no server"}, ALLE, {"b.py::t[x]"})
    assert v.ikke_hoppet == ["b.py::t[y]"]


def test_patterns_for_tests_the_run_did_not_collect_are_not_judged() -> None:
    assert not vurder({"c.py::*": "elsewhere"}, ALLE, set()).feil


INDRE = ["-p", "no:django", "-p", "no:cacheprovider", "-p", "tests.hoppvakt"]


def test_a_run_with_an_unlisted_skip_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_hopp="import pytest\n\ndef test_x():\n    pytest.skip('a server is missing')\n"
    )
    resultat = pytester.runpytest_inprocess(*INDRE)
    assert resultat.ret == pytest.ExitCode.TESTS_FAILED
    resultat.stdout.fnmatch_lines(["*uventet hopp*test_hopp.py::test_x*"])


def test_a_run_whose_listed_skip_ran_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    oppsett = kjoringens_oppsett()
    monkeypatch.setitem(FORVENTEDE_HOPP, oppsett, {"test_kjorer.py::test_x": "was skipped once"})
    pytester.makepyfile(test_kjorer="def test_x():\n    assert True\n")
    resultat = pytester.runpytest_inprocess(*INDRE)
    assert resultat.ret == pytest.ExitCode.TESTS_FAILED
    resultat.stdout.fnmatch_lines(["*står i listen, men ble ikke hoppet over*test_kjorer.py*"])


def test_the_runs_ci_makes_have_a_list() -> None:
    assert {"sqlite", "postgresql+redis"} <= set(FORVENTEDE_HOPP)


def test_every_test_has_a_time_limit(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.hasplugin("timeout")
    assert 0 < float(pytestconfig.getini("timeout")) <= 600


def test_a_test_over_its_limit_fails_instead_of_hanging(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_heng="import time\n\ndef test_heng():\n    time.sleep(30)\n")
    resultat = pytester.runpytest_inprocess(
        "-p", "no:django", "-p", "no:cacheprovider", "-o", "timeout=1"
    )
    assert resultat.ret == pytest.ExitCode.TESTS_FAILED
    resultat.stdout.fnmatch_lines(["*Timeout*"])


def test_a_run_stopped_early_is_judged_on_what_it_reached(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    oppsett = kjoringens_oppsett()
    monkeypatch.setitem(FORVENTEDE_HOPP, oppsett, {"test_tidlig.py::test_b": "skips"})
    pytester.makepyfile(
        test_tidlig=(
            "import pytest\n\ndef test_a():\n    assert False\n\n"
            "def test_b():\n    pytest.skip('no server')\n"
        )
    )
    resultat = pytester.runpytest_inprocess(*INDRE, "-x")
    assert resultat.ret == pytest.ExitCode.TESTS_FAILED  # test_a's failure, nothing else
    assert "står i listen" not in resultat.stdout.str()


def test_an_xdist_worker_does_not_take_over_its_controllers_redis_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The controller (run 4242) claimed database 3; its worker gw1 inherits the environment.
    monkeypatch.setenv(testkjoring.KJORING_MILJO, "4242")
    monkeypatch.setenv(testkjoring.REDIS_DB_MILJO, "4242:3")
    monkeypatch.setenv(testkjoring.XDIST_MILJO, "gw1")
    assert testkjoring.redis_eier() == "4242-gw1"
    assert testkjoring._arvet_db("4242-gw1") is None  # so the worker claims one of its own
    # A Celery worker or gunicorn that gw1 starts inherits gw1's claim and uses it.
    monkeypatch.setenv(testkjoring.REDIS_DB_MILJO, "4242-gw1:7")
    assert testkjoring.kjoringens_redis_url("redis://127.0.0.1:6379/0") == (
        "redis://127.0.0.1:6379/7"
    )


def test_this_process_uses_the_redis_database_it_claimed(settings) -> None:
    if not os.environ.get("REDIS_URL"):
        pytest.skip("bare med Redis")  # listed in tests/forventede_hopp.py for SQLite
    eier, _, db = os.environ[testkjoring.REDIS_DB_MILJO].rpartition(":")
    assert eier == testkjoring.redis_eier()
    assert settings.REDIS_URL.endswith(f"/{db}")
    import redis

    felles = redis.Redis.from_url(settings.REDIS_URL.rsplit("/", 1)[0] + "/0")
    assert felles.get(testkjoring.KRAV_NOKKEL.format(db)) == eier.encode()
