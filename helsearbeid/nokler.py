"""What production accepts as a secret: SECRET_KEY, HENVISNING_HMAC_NOKKEL and the Fernet keys in
HENVISNING_NOKKEL. Plain functions without Django settings, so that settings/production.py can
use them before Django is set up.

A key is refused when it is published in this repository (PUBLISERTE_NOKLER: the dev and test
keys, examples; tests/sikkerhet/test_publiserte_nokler.py greps the repository so that a new one
cannot be added without landing here), when it is malformed, or when its estimated entropy is
below 256 bits. The estimate is the usual brute-force one (length × log2 of the pool of
character classes it uses), and the key must also look random: its Shannon entropy per
character at least 75 % of what a random string of that length could have, and not one block
repeated (`'abcde'*10` fails both)."""

import base64
import binascii
import math
from collections import Counter

MIN_BITS = 256
# Per secret: the shortest accepted. Django's own generated SECRET_KEY has 50 characters. For the
# HMAC key 64: 32 random bytes in url-safe base64 (43 characters) land just under 256 bits by
# the estimate now and then, when a character class happens to be missing, and a key that is
# refused by chance is worse than a rule; 32 bytes in hex (secrets.token_hex(32)) are 64.
MIN_LENGDE = {"SECRET_KEY": 50, "HENVISNING_HMAC_NOKKEL": 64}
TILFELDIGHET = 0.75

# Every secret written in this repository (settings/dev.py, settings/test.py, tests, examples).
# Anyone can read them, so production refuses each of them whatever its entropy.
PUBLISERTE_NOKLER = frozenset(
    {
        # settings/dev.py and settings/test.py, and tests that start production settings
        "Dm_4d7gDoEoBSO457_unWcYCBMBYdQyor8WPOYWYlDw=",
        "dev-only-hmac-helsearbeid",
        "django-insecure-dev-only-helsearbeid",
        "django-insecure-test-only-helsearbeid",
        # tests
        "test-hmac-nokkel-ikke-for-produksjon",
        "hmac-for-loggtesten",
    }
)

_KLASSER = [
    (set("abcdefghijklmnopqrstuvwxyz"), 26),
    (set("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 26),
    (set("0123456789"), 10),
    (set("-_"), 2),  # url-safe base64
    (set("+/="), 3),  # standard base64
]


_HEKS = set("0123456789abcdef")


def _pool(tekst: str) -> int:
    """The size of the alphabet the text draws from, by character classes."""
    if set(tekst) <= _HEKS:
        return 16
    pool = 0
    rest = set(tekst)
    for tegn, storrelse in _KLASSER:
        if rest & tegn:
            pool += storrelse
            rest -= tegn
    # Other printable ASCII punctuation counts as one class; anything else per character.
    annet_ascii = {t for t in rest if 32 <= ord(t) < 127}
    if annet_ascii:
        pool += 32 - 5
    return pool + len(rest - annet_ascii)


def shannon_per_tegn(tekst: str) -> float:
    if not tekst:
        return 0.0
    n = len(tekst)
    return -sum(c / n * math.log2(c / n) for c in Counter(tekst).values())


def entropi_bits(tekst: str) -> float:
    """Estimated entropy: length × log2(pool), 0 when the text does not look random."""
    if not tekst or not ser_tilfeldig_ut(tekst):
        return 0.0
    return len(tekst) * math.log2(max(_pool(tekst), 1))


def ser_tilfeldig_ut(tekst: str | bytes) -> bool:
    n = len(tekst)
    if n < 2:
        return False
    if tekst in (tekst + tekst)[1:-1]:  # one block repeated: 'abcde'*10
        return False
    hoyest = math.log2(min(n, _pool(tekst) if isinstance(tekst, str) else 256))
    return shannon_per_tegn(tekst) >= TILFELDIGHET * hoyest  # type: ignore[arg-type]


def hemmelighet_feil(navn: str, verdi: str) -> str | None:
    """Why SECRET_KEY / HENVISNING_HMAC_NOKKEL is refused, or None. Never repeats the value."""
    lag = "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    if not verdi:
        return f"{navn} må settes i miljøet i produksjon."
    if verdi in PUBLISERTE_NOKLER:
        return (
            f"{navn} er en nøkkel som står i kildekoden (for utvikling og test): "
            f"lag en ny med {lag}."
        )
    if navn == "SECRET_KEY" and verdi.startswith("django-insecure"):
        return f"{navn} er usikker (django-insecure…): lag en ny med {lag}."
    if navn == "HENVISNING_HMAC_NOKKEL" and "," in verdi:
        # henvisning.krypto reads the HMAC key like the Fernet list and would use only the part
        # before the comma.
        return f"{navn} kan ikke inneholde komma. Lag en ny med {lag}."
    minst = MIN_LENGDE.get(navn, 64)
    if len(verdi) < minst:
        return f"{navn} er for kort: minst {minst} tilfeldige tegn. Lag en ny med {lag}."
    if entropi_bits(verdi) < MIN_BITS:
        return (
            f"{navn} er for svak: anslått under {MIN_BITS} bit entropi (for få ulike tegn, "
            f"gjentatte mønstre). Lag en ny med {lag}."
        )
    return None


def fernet_nokler(verdi: str) -> list[str]:
    """HENVISNING_NOKKEL split into its keys, newest first."""
    return [n.strip() for n in (verdi or "").split(",") if n.strip()]


def fernet_feil(verdi: str) -> str | None:
    """Why HENVISNING_NOKKEL is refused, or None. Names the position of a bad key, never it."""
    lag = (
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    )
    nokler = fernet_nokler(verdi)
    if not nokler:
        return f"HENVISNING_NOKKEL må settes (lag en med {lag})."
    for nr, nokkel in enumerate(nokler, start=1):
        hvilken = (
            "HENVISNING_NOKKEL" if len(nokler) == 1 else f"Nøkkel nr. {nr} i HENVISNING_NOKKEL"
        )
        try:
            raa = base64.urlsafe_b64decode(nokkel.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raa = b""
        if len(raa) != 32:
            return (
                f"{hvilken} er ikke en gyldig Fernet-nøkkel (32 byte i url-safe base64, "
                f"44 tegn). Lag en med {lag}."
            )
        if not ser_tilfeldig_ut(raa):
            return f"{hvilken} er ikke tilfeldig (gjentatte byte). Lag en med {lag}."
    return None


def publiserte_fernet_nokler(verdi: str) -> list[int]:
    """Positions (1-based) of keys in HENVISNING_NOKKEL that are published in the repository."""
    return [nr for nr, n in enumerate(fernet_nokler(verdi), start=1) if n in PUBLISERTE_NOKLER]
