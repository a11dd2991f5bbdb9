"""The locks (requirements.lock for production, requirements-test.lock for the test run) hold
every package with hashes, and agree with pyproject.toml: the versions pyproject pins are the
versions the locks install, and production gets exactly what the tests ran against.

Refresh them with `make las` after changing pyproject.toml."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROT / "pyproject.toml").read_text(encoding="utf-8"))
PRODUKSJON = ROT / "requirements.lock"
TEST = ROT / "requirements-test.lock"


def les_las(sti: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for every entry of a pip-compile lock."""
    tekst = sti.read_text(encoding="utf-8").replace("\\\n", " ")
    oppforinger: dict[str, tuple[str, list[str]]] = {}
    for linje in tekst.splitlines():
        linje = linje.split("#", 1)[0].strip()
        if not linje:
            continue
        treff = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})*)", linje)
        assert treff, f"{sti.name}: en linje uten fast versjon eller med ukjent form: {linje!r}"
        navn = canonicalize_name(treff.group(1))
        hasher = re.findall(r"sha256:([0-9a-f]{64})", treff.group(3))
        oppforinger[navn] = (treff.group(2), hasher)
    return oppforinger


def direkte(krav: list[str]) -> dict[str, str]:
    """name -> exact version for pyproject's requirements, which must all be pinned with ==."""
    pinnet = {}
    for tekst in krav:
        k = Requirement(tekst)
        spesifikasjoner = list(k.specifier)
        assert len(spesifikasjoner) == 1 and spesifikasjoner[0].operator == "==", (
            f"pyproject.toml: {tekst!r} er ikke festet til én versjon"
        )
        pinnet[canonicalize_name(k.name)] = spesifikasjoner[0].version
    return pinnet


@pytest.mark.parametrize("sti", [PRODUKSJON, TEST], ids=lambda s: s.name)
def test_every_locked_package_has_a_pinned_version_and_hashes(sti: Path) -> None:
    las = les_las(sti)
    assert len(las) > 20
    uten_hash = [navn for navn, (_versjon, hasher) in las.items() if not hasher]
    assert not uten_hash, f"{sti.name}: uten hash: {uten_hash}"


@pytest.mark.parametrize(
    ("sti", "krav"),
    [
        (PRODUKSJON, PYPROJECT["project"]["dependencies"]),
        (
            TEST,
            PYPROJECT["project"]["dependencies"]
            + PYPROJECT["project"]["optional-dependencies"]["test"],
        ),
    ],
    ids=["produksjon", "test"],
)
def test_the_lock_installs_the_versions_pyproject_pins(sti: Path, krav: list[str]) -> None:
    las = les_las(sti)
    avvik = {
        navn: (versjon, las.get(navn, ("mangler",))[0])
        for navn, versjon in direkte(krav).items()
        if las.get(navn, ("mangler",))[0] != versjon
    }
    assert not avvik, f"{sti.name} stemmer ikke med pyproject.toml (kjør make las): {avvik}"


def test_production_gets_what_the_tests_ran_against() -> None:
    produksjon, test = les_las(PRODUKSJON), les_las(TEST)
    ulik = {
        n: (v[0], test.get(n, ("mangler",))[0])
        for n, v in produksjon.items()
        if test.get(n, ("mangler",))[0] != v[0]
    }
    assert not ulik, f"produksjon og test låser ulike versjoner: {ulik}"


def test_the_build_backend_is_locked_too() -> None:
    krav = [Requirement(k) for k in PYPROJECT["build-system"]["requires"]]
    for sti in (PRODUKSJON, TEST):
        las = les_las(sti)
        for k in krav:
            navn = canonicalize_name(k.name)
            assert navn in las, f"{sti.name} mangler byggeverktøyet {k.name}"
            assert k.specifier.contains(las[navn][0]), (
                f"{sti.name}: {k.name} {las[navn][0]} passer ikke {k}"
            )
