"""A pytest plugin that keeps skips honest: a run may skip only what tests/forventede_hopp.py
lists for its backend, and every listed skip must still happen.

A test that skips for a reason nobody wrote down (a missing program, a service that is down, a
marker that matches too much) fails the run, and so does a listed skip that no longer happens
(the test can now run, so the list is out of date). Only the tests the run reached are
checked, so a run of one file, or one stopped by -x, is judged on those tests alone.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field

import pytest
from _pytest.terminal import TerminalReporter

from tests.forventede_hopp import FORVENTEDE_HOPP


def kjoringens_oppsett() -> str:
    """The backend a run tests, as tests/forventede_hopp.py names them."""
    from django.conf import settings

    motor = {"sqlite3": "sqlite"}.get(
        m := settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1], m
    )
    return f"{motor}+redis" if os.environ.get("REDIS_URL") else motor


@dataclass
class Vurdering:
    uventede: list[str] = field(default_factory=list)
    utgatte: list[str] = field(default_factory=list)
    ikke_hoppet: list[str] = field(default_factory=list)

    @property
    def feil(self) -> bool:
        return bool(self.uventede or self.utgatte or self.ikke_hoppet)


def vurder(forventet: dict[str, str], innsamlet: list[str], hoppet: set[str]) -> Vurdering:
    """Compare a run's skips with the expected list (node id patterns, fnmatch).

    - an item that skipped and matches no pattern is unexpected;
    - an item that matches a pattern but ran is not skipped as listed;
    - a pattern that matched collected items of which none skipped is out of date (reported
      once, instead of once per item)."""
    vurdering = Vurdering()
    for node in sorted(hoppet):
        if not any(fnmatch.fnmatchcase(node, m) for m in forventet):
            vurdering.uventede.append(node)
    for monster in forventet:
        treff = [n for n in innsamlet if fnmatch.fnmatchcase(n, monster)]
        if not treff:
            continue
        kjorte = [n for n in treff if n not in hoppet]
        if len(kjorte) == len(treff):
            vurdering.utgatte.append(monster)
        else:
            vurdering.ikke_hoppet.extend(kjorte)
    return vurdering


class Hoppvakt:
    def __init__(self) -> None:
        self.innsamlet: list[str] = []
        self.hoppet: set[str] = set()
        self.vurdering: Vurdering | None = None
        self.oppsett = ""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Only the tests that were run count: a run stopped early (-x, a failure in a fixture
        # shared by the rest) is judged on what it reached.
        if report.when == "setup":
            self.innsamlet.append(report.nodeid)
        if report.skipped and not hasattr(report, "wasxfail"):
            self.hoppet.add(report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.oppsett = kjoringens_oppsett()
        forventet = FORVENTEDE_HOPP.get(self.oppsett)
        if forventet is None:
            return  # a local combination CI does not run (e.g. PostgreSQL without Redis)
        self.vurdering = vurder(forventet, self.innsamlet, self.hoppet)
        if self.vurdering.feil and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: TerminalReporter) -> None:
        v = self.vurdering
        if v is None:
            if self.oppsett:
                terminalreporter.write_line(
                    f"hoppvakt: ingen liste for {self.oppsett}; hopp ble ikke kontrollert"
                )
            return
        if not v.feil:
            terminalreporter.write_line(
                f"hoppvakt: {len(self.hoppet)} hopp, alle forventet for {self.oppsett}"
            )
            return
        terminalreporter.write_sep("=", f"FEIL: hopp som ikke stemmer med listen ({self.oppsett})")
        for node in v.uventede:
            terminalreporter.write_line(
                f"uventet hopp (står ikke i tests/forventede_hopp.py): {node}"
            )
        for node in v.ikke_hoppet:
            terminalreporter.write_line(f"skulle vært hoppet over, men kjørte: {node}")
        for monster in v.utgatte:
            terminalreporter.write_line(f"står i listen, men ble ikke hoppet over: {monster}")


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(Hoppvakt(), "hoppvakt")
