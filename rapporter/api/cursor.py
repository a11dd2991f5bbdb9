"""Keyset cursors for the sync stream: a signed (endret, id), so a tampered or made-up cursor is
refused with a 400 instead of silently skipping rows."""

from datetime import datetime

from django.core import signing
from rest_framework.exceptions import ValidationError

from rapporter.selectors import SynkPosisjon

# A plain Signer, not signing.dumps: that one stamps the time, which would make the same page
# give a different `next` (and ETag) from one second to the next.
_SIGNER = signing.Signer(salt="rapporter.synk.tilbud.v1")


def lag_cursor(posisjon: SynkPosisjon) -> str:
    return _SIGNER.sign_object([posisjon.endret.isoformat(), posisjon.id])


def les_cursor(cursor: str) -> SynkPosisjon:
    try:
        endret, id_ = _SIGNER.unsign_object(cursor)
        return SynkPosisjon(endret=datetime.fromisoformat(endret), id=int(id_))
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError(
            {
                "cursor": [
                    "Ugyldig cursor: den er endret eller kommer ikke fra dette API-et. Bruk "
                    "`next`/`fortsett` fra et svar uendret, eller start på nytt med endret_etter."
                ]
            }
        ) from None
