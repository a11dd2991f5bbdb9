"""Issue 15, finding 2: no key written in this repository is accepted by production.

The scan finds key-looking literals in every file git knows (tracked, or new and not ignored):
Fernet keys anywhere, and string values given to SECRET_KEY, HENVISNING_NOKKEL,
HENVISNING_HMAC_NOKKEL and other *_NOKKEL / *_KEY / *_SECRET settings. Each must be in
helsearbeid.nokler.PUBLISERTE_NOKLER or be refused by production's rules anyway (too short,
too weak, malformed). A new dev, test or example key therefore fails this test until it is added
to the list, and production then refuses it."""

import base64
import re
import secrets
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key

from helsearbeid.nokler import (
    PUBLISERTE_NOKLER,
    entropi_bits,
    fernet_feil,
    hemmelighet_feil,
)

ROT = Path(__file__).resolve().parents[2]
# Generated data, not code: lock files hold integrity hashes that look like keys.
HOPP_OVER = {"package-lock.json"}

FERNET = re.compile(r"(?<![A-Za-z0-9_\-+/])[A-Za-z0-9_\-]{43}=(?![A-Za-z0-9_\-+/=])")
NAVN = r"[A-Z_]*(?:SECRET_KEY|_NOKKEL|_SECRET|HMAC[A-Z_]*)"
# NAME = "value", NAME: "value", "NAME": "value", NAME = env_str("NAME") or "value", NAME=value
TILORDNING = re.compile(
    rf"""\b{NAVN}["']?\s*(?:=|:)\s*(?:[^\n#]*?\bor\s+)?["']([^"'\n]+)["']"""
    rf"""|^\s*{NAVN}=([^\s"'$#]+)""",
    re.MULTILINE,
)


def _filer() -> list[Path]:
    ut = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],  # noqa: S607
        cwd=ROT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    filer = []
    for navn in filter(None, ut.split("\0")):
        sti = ROT / navn
        if sti.name in HOPP_OVER or not sti.is_file() or sti.is_symlink():
            continue
        filer.append(sti)
    return filer


def funn(tekst: str) -> set[str]:
    """Key-looking literals in a text."""
    treff = set()
    for m in FERNET.finditer(tekst):
        try:
            if len(base64.urlsafe_b64decode(m.group(0))) == 32:
                treff.add(m.group(0))
        except ValueError:
            pass
    for m in TILORDNING.finditer(tekst):
        verdi = m.group(1) or m.group(2)
        if verdi and "{" not in verdi:  # f-strings and ${…} are not literals
            treff.add(verdi)
    return treff


def godtas_i_produksjon(verdi: str) -> bool:
    if verdi in PUBLISERTE_NOKLER:
        return False
    return (
        hemmelighet_feil("SECRET_KEY", verdi) is None
        or hemmelighet_feil("HENVISNING_HMAC_NOKKEL", verdi) is None
        or fernet_feil(verdi) is None
    )


def test_ingen_nokkel_i_repoet_godtas_i_produksjon() -> None:
    godtatt: dict[str, list[str]] = {}
    antall = 0
    for sti in _filer():
        try:
            tekst = sti.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for verdi in funn(tekst):
            antall += 1
            if godtas_i_produksjon(verdi):
                godtatt.setdefault(verdi, []).append(str(sti.relative_to(ROT)))
    assert not godtatt, (
        "Nøkler som står i repoet, men som produksjon ville godta: legg dem i "
        f"helsearbeid.nokler.PUBLISERTE_NOKLER: {godtatt}"
    )
    # The scan does find the known ones (settings/dev.py), so it is not blind.
    assert antall >= 5


def test_skanningen_finner_nokkelformene() -> None:
    fernet = Fernet.generate_key().decode()
    hmac = secrets.token_urlsafe(64)
    tekst = "\n".join(
        [
            f'HENVISNING_NOKKEL = env_str("HENVISNING_NOKKEL") or "{fernet}"',
            f'    "HENVISNING_HMAC_NOKKEL": "{hmac}",',
            "SECRET_KEY=kort-men-synlig",
            'settings.HENVISNING_NOKKEL = f"{b},{a}"',
            "SECRET_KEY: ${SECRET_KEY:?må settes}",
        ]
    )
    assert funn(tekst) == {fernet, hmac, "kort-men-synlig"}
    assert godtas_i_produksjon(fernet) and godtas_i_produksjon(hmac)
    assert not godtas_i_produksjon("kort-men-synlig")


@pytest.mark.parametrize("verdi", sorted(PUBLISERTE_NOKLER))
def test_publiserte_nokler_nektes(verdi: str) -> None:
    assert not godtas_i_produksjon(verdi)


@pytest.mark.parametrize(
    ("lag", "navn"),
    [
        (lambda: secrets.token_urlsafe(64), "HENVISNING_HMAC_NOKKEL"),
        (lambda: secrets.token_hex(32), "HENVISNING_HMAC_NOKKEL"),
        (get_random_secret_key, "SECRET_KEY"),
        (lambda: secrets.token_urlsafe(64), "SECRET_KEY"),
    ],
)
def test_anbefalte_nokler_godtas(lag, navn: str) -> None:
    for _ in range(200):
        verdi = lag()
        assert hemmelighet_feil(navn, verdi) is None, verdi
        assert entropi_bits(verdi) >= 256
    assert all(fernet_feil(Fernet.generate_key().decode()) is None for _ in range(200))


@pytest.mark.parametrize(
    ("navn", "verdi", "grunn"),
    [
        ("HENVISNING_HMAC_NOKKEL", "x", "for kort"),
        ("HENVISNING_HMAC_NOKKEL", "abcde" * 13, "for svak"),
        ("HENVISNING_HMAC_NOKKEL", "abcdefghijklmnopqrstuvwxyz" * 3, "for svak"),
        ("HENVISNING_HMAC_NOKKEL", "a" * 80, "for svak"),
        ("SECRET_KEY", "abcde" * 10, "for svak"),
        ("SECRET_KEY", "", "må settes"),
    ],
)
def test_svake_nokler_nektes(navn: str, verdi: str, grunn: str) -> None:
    melding = hemmelighet_feil(navn, verdi)
    assert melding is not None and grunn in melding
    if verdi:
        assert verdi not in melding
