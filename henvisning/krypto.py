"""Personal fields encrypted at rest (Fernet, keys from the environment) and a keyed hash
(HMAC-SHA256 with a separate key) for exact look-up by fødselsnummer without decrypting.

HENVISNING_NOKKEL may hold several comma-separated Fernet keys, newest first: the first encrypts,
all decrypt (key rotation with MultiFernet; `manage.py roter_henvisningsnokkel` re-encrypts every
row with the newest).

A key that is valid but wrong would silently make every referral written with it unreadable
once the right key is back. So the keys are checked against a check value in the database
(`Nokkelsjekk`: a Fernet token of a known constant) before anything is encrypted, at start-up
(system check, run by `migrate`) and in /readyz; a mismatch is `Nokkelfeil`, which the portal
answers with 503 (helsearbeid.nokkelfeil) and never writes a record."""

import functools
import hashlib
import hmac
import threading

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from helsearbeid.nokler import fernet_feil, fernet_nokler

SJEKKVERDI = b"helsearbeid-henvisning-nokkelsjekk-v1"


class Nokkelfeil(ImproperlyConfigured):
    """HENVISNING_NOKKEL is malformed or does not fit the data in the database. The message
    never contains a key."""


class Dekrypteringsfeil(Exception):
    """The stored value cannot be decrypted with any configured key."""


def _nokler(navn: str) -> list[str]:
    nokler = fernet_nokler(getattr(settings, navn, "") or "")
    if not nokler:
        raise Nokkelfeil(f"{navn} må settes i miljøet (se .env.example).")
    return nokler


def fernet() -> MultiFernet:
    """Every configured key, newest first. Nokkelfeil if one is malformed."""
    return _multifernet(getattr(settings, "HENVISNING_NOKKEL", "") or "")


@functools.lru_cache(maxsize=8)
def _multifernet(verdi: str) -> MultiFernet:
    if feil := fernet_feil(verdi):
        raise Nokkelfeil(feil)
    return MultiFernet([Fernet(n.encode()) for n in fernet_nokler(verdi)])


def nyeste() -> Fernet:
    return Fernet(_nokler("HENVISNING_NOKKEL")[0].encode())


# --------------------------------------------------------------------------- the check value

_lås = threading.Lock()
# The key lists (as tuples, the HMAC key's check hash last) this process has checked against
# the database.
_kontrollert: set[tuple[str, ...]] = set()


@receiver(setting_changed)
def _glem_ved_ny_nokkel(*, setting: str, **kwargs: object) -> None:
    if setting in {"HENVISNING_NOKKEL", "HENVISNING_HMAC_NOKKEL"}:
        glem_kontroll()


def glem_kontroll() -> None:
    with _lås:
        _kontrollert.clear()


def _eksisterende_token() -> str | None:
    """One encrypted value already in the database, if any: the check for a database that holds
    referrals from before the check value existed."""
    from .models import Henvisning

    rad = (
        Henvisning.objects.exclude(navn_kryptert="")
        .order_by("-id")
        .values_list("navn_kryptert", flat=True)
        .first()
    )
    return rad


def _hmac_sjekk() -> str:
    """The HMAC key's check value: its hash of the known constant (not the key)."""
    nokkel = _nokler("HENVISNING_HMAC_NOKKEL")[0].encode()
    return hmac.new(nokkel, SJEKKVERDI, hashlib.sha256).hexdigest()


def _hmac_passer_til_dataene(mf: MultiFernet) -> bool:
    """A database from before the check value: the HMAC key must give the stored hash of one
    fødselsnummer already there (decrypted with the Fernet keys, which have passed)."""
    from .models import Henvisning

    rad = (
        Henvisning.objects.exclude(fodselsnummer_kryptert="")
        .exclude(fodselsnummer_hash="")
        .order_by("-id")
        .values_list("fodselsnummer_kryptert", "fodselsnummer_hash")
        .first()
    )
    if rad is None:
        return True
    fodselsnummer = mf.decrypt(rad[0].encode()).decode()
    return hmac.compare_digest(fodselsnummer_hash(fodselsnummer), rad[1])


HMAC_FEIL = (
    "HENVISNING_HMAC_NOKKEL passer ikke til dataene i databasen: oppslag på fødselsnummer ville "
    "ikke finne henvisningene som finnes. Sett nøkkelen nøkkelhashene er laget med og start på "
    "nytt."
)


def kontroller_mot_databasen() -> str:
    """Check the keys' format and that they decrypt the check value in the database; create the
    check value (with the newest key) when there is none yet. Returns "ok"; raises Nokkelfeil.
    The first check per process and key list queries the database; later ones are free."""
    from .models import Nokkelsjekk

    hmac_sjekk = _hmac_sjekk()
    nokler = (*_nokler("HENVISNING_NOKKEL"), hmac_sjekk)
    if nokler in _kontrollert:
        return "ok"
    mf = fernet()
    rad = Nokkelsjekk.objects.filter(pk=1).first()
    try:
        if rad is None:
            if (token := _eksisterende_token()) is not None:
                mf.decrypt(token.encode())
            if not _hmac_passer_til_dataene(mf):
                raise Nokkelfeil(HMAC_FEIL)
            rad, laget = Nokkelsjekk.objects.get_or_create(
                pk=1, defaults={"token": mf.encrypt(SJEKKVERDI).decode(), "hmac": hmac_sjekk}
            )
            if laget:
                rad = None  # written with these keys: nothing more to check
        # Otherwise (also when another process made it a moment ago) the keys must fit it.
        if rad is not None:
            if mf.decrypt(rad.token.encode()) != SJEKKVERDI:
                raise InvalidToken
            if rad.hmac and not hmac.compare_digest(rad.hmac, hmac_sjekk):
                raise Nokkelfeil(HMAC_FEIL)
            if not rad.hmac:  # made before the HMAC check value existed (migration 0004)
                if not _hmac_passer_til_dataene(mf):
                    raise Nokkelfeil(HMAC_FEIL)
                Nokkelsjekk.objects.filter(pk=1, hmac="").update(hmac=hmac_sjekk)
    except InvalidToken as feil:
        raise Nokkelfeil(
            "HENVISNING_NOKKEL passer ikke til dataene i databasen: ingen av nøklene "
            "dekrypterer kontrollverdien. Sett nøkkelen henvisningene er kryptert med "
            "(eventuelt etter den nye, kommaseparert) og start på nytt."
        ) from feil
    with _lås:
        _kontrollert.add(nokler)
    return "ok"


def krypteres_med_nyeste(token: str) -> bool:
    try:
        nyeste().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


# --------------------------------------------------------------------------- values


def krypter(tekst: str) -> str:
    """Encrypt with the newest key, once the keys are known to fit the database."""
    if not tekst:
        return ""
    kontroller_mot_databasen()
    return fernet().encrypt(tekst.encode()).decode()


def dekrypter(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
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


def fernet_nokler_satt() -> list[str]:
    return fernet_nokler(getattr(settings, "HENVISNING_NOKKEL", "") or "")
