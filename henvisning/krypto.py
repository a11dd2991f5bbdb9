"""Identifying fields encrypted at rest (Fernet, keys from the environment) and a keyed hash
(HMAC-SHA256 with a separate key) for exact look-up by fødselsnummer without decrypting.

HENVISNING_NOKKEL may hold several comma-separated Fernet keys: the first encrypts, all decrypt
(key rotation with MultiFernet)."""

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class Dekrypteringsfeil(Exception):
    """The stored value cannot be decrypted with any configured key."""


def _nokler(navn: str) -> list[str]:
    verdi = getattr(settings, navn, "") or ""
    nokler = [n.strip() for n in verdi.split(",") if n.strip()]
    if not nokler:
        raise ImproperlyConfigured(f"{navn} må settes i miljøet (se .env.example).")
    return nokler


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(n.encode()) for n in _nokler("HENVISNING_NOKKEL")])
    except ValueError as feil:
        raise ImproperlyConfigured(
            "HENVISNING_NOKKEL er ikke en gyldig Fernet-nøkkel (32 byte, url-safe base64)."
        ) from feil


def krypter(tekst: str) -> str:
    if not tekst:
        return ""
    return _fernet().encrypt(tekst.encode()).decode()


def dekrypter(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as feil:
        raise Dekrypteringsfeil("Feltet kan ikke dekrypteres med nøklene som er satt.") from feil


def normaliser_fodselsnummer(tekst: str) -> str:
    return "".join(tegn for tegn in tekst if tegn.isdigit())


def fodselsnummer_hash(fodselsnummer: str) -> str:
    """Keyed hash for exact look-up: equal numbers give equal hashes, and without the key the
    11-digit space cannot be brute-forced offline."""
    nokkel = _nokler("HENVISNING_HMAC_NOKKEL")[0].encode()
    return hmac.new(
        nokkel, normaliser_fodselsnummer(fodselsnummer).encode(), hashlib.sha256
    ).hexdigest()
