"""`Authorization: Api-Key <nøkkel>` for analyst clients."""

from dataclasses import dataclass

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from rapporter.models import ApiNokkel
from rapporter.selectors import api_nokkel_for_klartekst

NOKKELORD = "Api-Key"


@dataclass(frozen=True)
class ApiKlient:
    """request.user for a key: authenticated, but no Django user and no permissions."""

    nokkel: ApiNokkel
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __str__(self) -> str:
        return f"API-klient {self.nokkel}"


class ApiNokkelAutentisering(BaseAuthentication):
    """No header: anonymous (public reads stay open). A key that is wrong, revoked or expired is
    refused with 401 and says which, rather than silently falling back to anonymous."""

    def authenticate(self, request: Request) -> tuple[ApiKlient, ApiNokkel] | None:
        deler = get_authorization_header(request).split()
        if not deler or deler[0].lower() != NOKKELORD.lower().encode():
            return None
        if len(deler) != 2:
            raise AuthenticationFailed(
                f"Ugyldig Authorization-header. Bruk «{NOKKELORD} <nøkkel>».", code="ugyldig_header"
            )
        try:
            klartekst = deler[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Ukjent API-nøkkel.", code="ukjent_nokkel") from None
        nokkel = api_nokkel_for_klartekst(klartekst)
        if nokkel is None:
            raise AuthenticationFailed("Ukjent API-nøkkel.", code="ukjent_nokkel")
        if nokkel.trukket_tilbake is not None:
            tid = timezone.localtime(nokkel.trukket_tilbake).strftime("%d.%m.%Y %H:%M")
            raise AuthenticationFailed(
                f"API-nøkkelen {nokkel.prefiks} ble trukket tilbake {tid}. "
                "Be en administrator om en ny.",
                code="nokkel_trukket_tilbake",
            )
        if nokkel.er_utlopt():
            tid = timezone.localtime(nokkel.gyldig_til).strftime("%d.%m.%Y %H:%M")
            raise AuthenticationFailed(
                f"API-nøkkelen {nokkel.prefiks} utløp {tid}. Be en administrator om en ny.",
                code="nokkel_utlopt",
            )
        return ApiKlient(nokkel), nokkel

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) instead of 403.
        return f'{NOKKELORD} realm="api"'
