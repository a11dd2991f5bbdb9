"""Writes for the rapporter app: API keys here; the regional summaries in .sammendrag."""

import hashlib
import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from helsearbeid.typer import Bruker
from rapporter.models import ApiNokkel

# The key a client sends: "<prefiks>.<secret>". 32 random bytes make the secret unguessable, so
# a plain SHA-256 is enough (no slow password hash needed, and look-up stays one indexed query).
_SKILLE = "."


def api_nokkel_hash(klartekst: str) -> str:
    return hashlib.sha256(klartekst.encode()).hexdigest()


def del_api_nokkel(klartekst: str) -> tuple[str, str] | None:
    """'ab12cd34.secret' → ('ab12cd34', 'secret'); None when it cannot be one of our keys."""
    prefiks, skille, hemmelig = klartekst.partition(_SKILLE)
    if not skille or not prefiks or not hemmelig:
        return None
    return prefiks, hemmelig


@transaction.atomic
def api_nokkel_opprett(
    *,
    navn: str,
    eier: str,
    gyldig_til: datetime | None = None,
    opprettet_av: Bruker | None = None,
) -> tuple[ApiNokkel, str]:
    """Create a key and return it with its clear text, which is never stored: show it once."""
    for _forsok in range(5):
        prefiks = secrets.token_hex(4)
        klartekst = f"{prefiks}{_SKILLE}{secrets.token_urlsafe(32)}"
        nokkel = ApiNokkel(
            navn=navn,
            eier=eier,
            prefiks=prefiks,
            nokkel_hash=api_nokkel_hash(klartekst),
            gyldig_til=gyldig_til,
            opprettet_av=opprettet_av,
        )
        nokkel.full_clean()
        try:
            # A savepoint, so that a (very unlikely) prefix collision only retries.
            with transaction.atomic():
                nokkel.save()
        except IntegrityError:
            continue
        return nokkel, klartekst
    raise RuntimeError("Fant ikke et ledig nøkkelprefiks etter fem forsøk.")


@transaction.atomic
def api_nokkel_trekk_tilbake(*, nokkel: ApiNokkel, tidspunkt: datetime | None = None) -> ApiNokkel:
    """Revoke a key. Idempotent: the first revocation time is kept."""
    nokkel = ApiNokkel.objects.select_for_update().get(pk=nokkel.pk)
    if nokkel.trukket_tilbake is None:
        nokkel.trukket_tilbake = tidspunkt or timezone.now()
        nokkel.save(update_fields=["trukket_tilbake"])
    return nokkel
