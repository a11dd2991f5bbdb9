"""The house's floors hold (README «Arkitektur»): import-linter's contracts in pyproject.toml, and
every task a service queues by name exists."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helsearbeid import oppgaver

ROT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.mark.timeout(120)
def test_import_contracts_hold() -> None:
    """Apps import only downward, the base imports no app, services never import tasks."""
    kjoring = subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(ROT / "pyproject.toml")],
        cwd=ROT,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    rapport = kjoring.stdout + kjoring.stderr
    assert kjoring.returncode == 0, rapport
    assert "0 broken" in rapport and "3 kept" in rapport, rapport


# A task named in a string, as services name them for helsearbeid.oppgaver.
_OPPGAVENAVN = re.compile(
    r"""["']((?:helsearbeid|tilbud|henvisning|rapporter)(?:\.\w+)*\.tasks\.\w+)["']"""
)


def test_every_task_a_service_queues_by_name_is_registered() -> None:
    """A typo in a task name would only show when the task is sent, after commit: caught here."""
    navn = {
        treff
        for fil in ROT.glob("*/**/*.py")
        if ".venv" not in fil.parts and "tests" not in fil.parts
        for treff in _OPPGAVENAVN.findall(fil.read_text())
    }
    # The ones the services send today, so a pattern that stopped matching cannot pass silently.
    assert {
        "henvisning.tasks.varsle_mottaker",
        "henvisning.tasks.varsle_sender",
        "rapporter.tasks.bygg_sammendrag_for_region",
        "tilbud.tasks.send_takk_for_feilmelding",
        "tilbud.tasks.send_epostbekreftelse_for_feilmelding",
    } <= navn
    for oppgave in sorted(navn):
        assert oppgaver.oppgave(oppgave).name == oppgave
