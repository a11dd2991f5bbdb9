"""`Authorization: Token <prefiks>.<hemmelighet>` for people (coordinators, editors, referrers and
receivers in their own systems). A token that is unknown, revoked, expired, outlived its password
or belongs to a deactivated user is refused with 401 saying which."""

import hmac

from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from helsearbeid.hemmelighet import del_hemmelighet, hemmelighet_hash

from .models import ApiToken
from .services import passord_merke, token_trekk_tilbake

NOKKELORD = "Token"


def _tid(tidspunkt) -> str:
    return timezone.localtime(tidspunkt).strftime("%d.%m.%Y %H:%M")


class TokenAutentisering(BaseAuthentication):
    # The clear text never reaches an error report's frame variables.
    @sensitive_variables("klartekst", "deler")
    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        deler = get_authorization_header(request).split()
        if not deler or deler[0].lower() != NOKKELORD.lower().encode():
            return None
        if len(deler) != 2:
            raise AuthenticationFailed(
                f"Ugyldig Authorization-header. Bruk «{NOKKELORD} <token>».", code="ugyldig_header"
            )
        try:
            klartekst = deler[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Ukjent token.", code="ukjent_token") from None
        deltekst = del_hemmelighet(klartekst)
        token = (
            ApiToken.objects.select_related("bruker").filter(prefiks=deltekst[0]).first()
            if deltekst
            else None
        )
        if token is None or not hmac.compare_digest(token.token_hash, hemmelighet_hash(klartekst)):
            raise AuthenticationFailed("Ukjent token.", code="ukjent_token")
        bruker = token.bruker
        if token.trukket_tilbake is None and not hmac.compare_digest(
            token.passord_merke, passord_merke(bruker)
        ):
            token = token_trekk_tilbake(token=token, grunn=ApiToken.Grunn.PASSORD)
        if token.trukket_tilbake is None and not bruker.is_active:
            token = token_trekk_tilbake(token=token, grunn=ApiToken.Grunn.DEAKTIVERT)
        if token.trukket_tilbake is not None:
            raise AuthenticationFailed(
                f"Tokenet {token.prefiks} ble trukket tilbake {_tid(token.trukket_tilbake)} "
                f"({token.get_grunn_display()}). Lag et nytt.",
                code="token_trukket_tilbake",
            )
        if token.er_utlopt():
            raise AuthenticationFailed(
                f"Tokenet {token.prefiks} utløp {_tid(token.gyldig_til)}. Lag et nytt.",
                code="token_utlopt",
            )
        return bruker, token

    def authenticate_header(self, request: Request) -> str:
        return f'{NOKKELORD} realm="api"'
