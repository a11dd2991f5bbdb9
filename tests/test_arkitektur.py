"""The house's floors hold (README «Arkitektur»): import-linter's contracts in pyproject.toml,
every task a service queues by name exists, and the type-checked modules never type a user Any."""

import ast
import re
import subprocess
import sys
import tomllib
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


# Parameter names that hold a user in the services, selectors and access checks.
_BRUKERNAVN = {"bruker", "sender", "user"}


def _mypy_filer() -> list[Path]:
    """The files and folders [tool.mypy] checks, as Python files."""
    oppsett = tomllib.loads((ROT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    filer: list[Path] = []
    for sti in oppsett:
        filer += sorted((ROT / sti).rglob("*.py")) if sti.endswith("/") else [ROT / sti]
    return filer


def test_a_user_is_never_typed_any_in_the_type_checked_modules() -> None:
    """mypy accepts `bruker: Any`; the house rule does not (helsearbeid.typer)."""
    filer = _mypy_filer()
    assert ROT / "tilbud/tilgang.py" in filer and ROT / "henvisning/services.py" in filer
    funn = [
        f"{fil.relative_to(ROT)}:{arg.lineno} {arg.arg}"
        for fil in filer
        for node in ast.walk(ast.parse(fil.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]
        if arg.arg in _BRUKERNAVN
        and (arg.annotation is None or "Any" in ast.unparse(arg.annotation))
    ]
    assert funn == []


def test_the_readme_opens_with_exactly_the_two_commands() -> None:
    """A newcomer's first screen: the title, then `make run` and `make test`, nothing else."""
    tekst = (ROT / "README.md").read_text(encoding="utf-8")
    tittel, _, resten = tekst.partition("\n\n")
    assert tittel.startswith("# ") and resten.startswith("```sh\n")
    forste_blokk = resten.removeprefix("```sh\n").split("```", 1)[0]
    kommandoer = [linje.split("#")[0].strip() for linje in forste_blokk.splitlines()]
    assert [k for k in kommandoer if k] == ["make run", "make test"]
