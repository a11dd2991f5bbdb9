"""Prefixed secrets, shared by the API tokens (helsearbeid.tokens) and the analysts' API keys
(rapporter): the client sends "<prefiks>.<secret>"; the row is found by its prefix and checked
against a SHA-256 of the whole text. 32 random bytes make the secret unguessable, so a plain
SHA-256 is enough (no slow password hash, and the look-up stays one indexed query)."""

import hashlib
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, models, transaction

SKILLE = "."
MAKS_PREFIKS = 16  # ours are 8 hex digits; longer cannot be ours
FORSOK = 5

M = TypeVar("M", bound=models.Model)


def hemmelighet_hash(klartekst: str) -> str:
    return hashlib.sha256(klartekst.encode()).hexdigest()


def del_hemmelighet(klartekst: str) -> tuple[str, str] | None:
    """'ab12cd34.secret' → ('ab12cd34', 'secret'); None when it cannot be one of ours."""
    prefiks, skille, hemmelig = klartekst.partition(SKILLE)
    if not skille or not prefiks or not hemmelig or len(prefiks) > MAKS_PREFIKS:
        return None
    return prefiks, hemmelig


def lagre_ny_hemmelighet(lag: Callable[[str, str], M], hva: str) -> tuple[M, str]:
    """Make a fresh secret, build its row with `lag(prefiks, hash)` and save it; returns the row
    and the clear text, which is never stored (show it once). A prefix collision (very unlikely)
    only retries, with a new secret, inside a savepoint."""
    for _forsok in range(FORSOK):
        prefiks = secrets.token_hex(4)
        klartekst = f"{prefiks}{SKILLE}{secrets.token_urlsafe(32)}"
        rad = lag(prefiks, hemmelighet_hash(klartekst))
        try:
            with transaction.atomic():
                rad.save()
        except IntegrityError:
            continue
        return rad, klartekst
    raise RuntimeError(f"Fant ikke et ledig {hva}prefiks etter {FORSOK} forsøk.")
