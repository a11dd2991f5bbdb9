"""Writes for the rapporter app: API keys here; the regional summaries in .sammendrag."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from helsearbeid.hemmelighet import lagre_ny_hemmelighet
from helsearbeid.typer import Bruker
from rapporter.models import ApiNokkel


@transaction.atomic
def api_nokkel_opprett(
    *,
    navn: str,
    eier: str,
    gyldig_til: datetime | None = None,
    opprettet_av: Bruker | None = None,
) -> tuple[ApiNokkel, str]:
    """Create a key and return it with its clear text, which is never stored: show it once."""

    def lag(prefiks: str, hash_: str) -> ApiNokkel:
        nokkel = ApiNokkel(
            navn=navn,
            eier=eier,
            prefiks=prefiks,
            nokkel_hash=hash_,
            gyldig_til=gyldig_til,
            opprettet_av=opprettet_av,
        )
        # The prefix's uniqueness is left to the database: a collision retries.
        nokkel.full_clean(validate_unique=False)
        return nokkel

    return lagre_ny_hemmelighet(lag, "nøkkel")


@transaction.atomic
def api_nokkel_trekk_tilbake(*, nokkel: ApiNokkel, tidspunkt: datetime | None = None) -> ApiNokkel:
    """Revoke a key. Idempotent: the first revocation time is kept."""
    nokkel = ApiNokkel.objects.select_for_update().get(pk=nokkel.pk)
    if nokkel.trukket_tilbake is None:
        nokkel.trukket_tilbake = tidspunkt or timezone.now()
        nokkel.save(update_fields=["trukket_tilbake"])
    return nokkel
