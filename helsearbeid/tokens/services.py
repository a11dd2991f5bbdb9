"""Writes for API tokens: make one (its clear text is returned once and never stored) and revoke."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from helsearbeid.typer import Bruker

from .models import ApiToken

# "<prefiks>.<hemmelighet>": 32 random bytes make the secret unguessable, so a plain SHA-256 is
# enough (no slow password hash, and the look-up stays one indexed query), as for the API keys.
SKILLE = "."


def token_hash(klartekst: str) -> str:
    return hashlib.sha256(klartekst.encode()).hexdigest()


def del_token(klartekst: str) -> tuple[str, str] | None:
    """'ab12cd34.secret' → ('ab12cd34', 'secret'); None when it cannot be one of our tokens."""
    prefiks, skille, hemmelig = klartekst.partition(SKILLE)
    if not skille or not prefiks or not hemmelig or len(prefiks) > 16:
        return None
    return prefiks, hemmelig


def passord_merke(bruker: Bruker) -> str:
    # Keyed with SECRET_KEY like Django's session hash: changing SECRET_KEY ends tokens too.
    return salted_hmac(
        "helsearbeid.tokens.passord", bruker.password or "", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def token_opprett(
    *, bruker: Bruker, navn: str = "", timer: float | None = None
) -> tuple[ApiToken, str]:
    """A new token for `bruker`, valid API_TOKEN_TIMER hours (or `timer`). Returns the row and the
    clear text, which is never stored: show it once."""
    levetid = timedelta(hours=settings.API_TOKEN_TIMER if timer is None else timer)
    for _forsok in range(5):
        prefiks = secrets.token_hex(4)
        klartekst = f"{prefiks}{SKILLE}{secrets.token_urlsafe(32)}"
        token = ApiToken(
            bruker=bruker,
            navn=navn,
            prefiks=prefiks,
            token_hash=token_hash(klartekst),
            passord_merke=passord_merke(bruker),
            gyldig_til=timezone.now() + levetid,
        )
        token.full_clean(exclude=["bruker"])
        try:
            # A savepoint, so that a (very unlikely) prefix collision only retries.
            with transaction.atomic():
                token.save()
        except IntegrityError:
            continue
        return token, klartekst
    raise RuntimeError("Fant ikke et ledig tokenprefiks etter fem forsøk.")


def token_trekk_tilbake(
    *, token: ApiToken, grunn: str, tidspunkt: datetime | None = None
) -> ApiToken:
    """Revoke one token. Idempotent: the first revocation (time and reason) is kept."""
    ApiToken.objects.filter(pk=token.pk, trukket_tilbake__isnull=True).update(
        trukket_tilbake=tidspunkt or timezone.now(), grunn=grunn
    )
    token.refresh_from_db()
    return token


def tokener_trekk_tilbake_for_bruker(*, bruker_id: int, grunn: str) -> int:
    """Revoke every live token of a user (a role removed, the account deactivated)."""
    return ApiToken.objects.filter(bruker_id=bruker_id, trukket_tilbake__isnull=True).update(
        trukket_tilbake=timezone.now(), grunn=grunn
    )
