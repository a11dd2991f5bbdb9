"""Quotas on automated use of anonymous forms (ASVS 11.1.4): a counter per key and fixed window
in the cache (Redis in production, shared by every process). Rates in DRF's syntax
("5/hour"); settings in helsearbeid/settings/automatisering.py.

Keys are hashed: a key may be an e-mail or client address, which has no place in Redis in
plain text. A cache that is down counts nothing (the form still works): the quota is a brake
on floods, not the only control (CSRF, form validation and the coordinators' review remain)."""

import contextlib
import hashlib
import time

from django.core.cache import cache

PERIODER = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def les_sats(sats: str) -> tuple[int, int]:
    """ "5/hour" -> (5, 3600)."""
    antall, periode = sats.split("/")
    return int(antall), PERIODER[periode.strip()[0]]


def _cache_nokkel(navn: str, nokkel: str, sekunder: int, naa: int) -> str:
    hash_ = hashlib.sha256(f"{navn}\x00{nokkel}".encode()).hexdigest()[:32]
    return f"kvote:{navn}:{hash_}:{naa // sekunder}"


def bruk_kvote(navn: str, nokkel: str, sats: str | None) -> int | None:
    """Count one use of `navn` by `nokkel`. None while within `sats` (or without a rate), else
    the seconds until the window ends (for Retry-After and the message)."""
    if not sats:
        return None
    antall, sekunder = les_sats(sats)
    naa = int(time.time())
    cache_nokkel = _cache_nokkel(navn, nokkel, sekunder, naa)
    cache.add(cache_nokkel, 0, sekunder + 1)
    try:
        brukt = cache.incr(cache_nokkel)
    except ValueError:  # the key is gone (a cache that is down or was flushed)
        return None
    if brukt > antall:
        return sekunder - naa % sekunder
    return None


def gi_tilbake_kvote(navn: str, nokkel: str, sats: str | None) -> None:
    """Undo one use counted by bruk_kvote in the current window: for work that failed and will
    be retried (a mail the server did not take must not use up the address's one mail)."""
    if not sats:
        return
    _antall, sekunder = les_sats(sats)
    # ValueError: the window ended or the cache lost the key, so there is nothing to undo.
    with contextlib.suppress(ValueError):
        cache.decr(_cache_nokkel(navn, nokkel, sekunder, int(time.time())))


def minutter(sekunder: int) -> int:
    return max(1, -(-sekunder // 60))
