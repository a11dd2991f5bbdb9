"""Writes for API tokens: make one (its clear text is returned once and never stored) and revoke."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from helsearbeid.hemmelighet import lagre_ny_hemmelighet
from helsearbeid.typer import Bruker

from .models import ApiToken


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

    def lag(prefiks: str, hash_: str) -> ApiToken:
        token = ApiToken(
            bruker=bruker,
            navn=navn,
            prefiks=prefiks,
            token_hash=hash_,
            passord_merke=passord_merke(bruker),
            gyldig_til=timezone.now() + levetid,
        )
        # The prefix's uniqueness is left to the database: a collision retries.
        token.full_clean(exclude=["bruker"], validate_unique=False)
        return token

    return lagre_ny_hemmelighet(lag, "token")


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
