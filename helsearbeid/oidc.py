"""Login through OpenID Connect (HelseID or another provider) with mozilla-django-oidc.

Off unless OIDC_AKTIV (then the views answer 404 and the backend is not installed). The flow is
the authorization code flow with PKCE, state and nonce (mozilla-django-oidc). On top of what the
library checks (signature, algorithm, expiry, nonce) this module checks the ID token's issuer and
audience, that the user info belongs to the same `sub` as the ID token, and it finds users by
`sub`, never by e-mail: an e-mail address is not an identity. Settings: settings/sikkerhet.py.
"""

import hashlib
import json
import logging
import time
import uuid
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

BRUKERNAVN_PREFIKS = "oidc:"
KLIENTBEVIS_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

logger = logging.getLogger(__name__)


def brukernavn_for(sub: str) -> str:
    """The Django user name for a provider's `sub` (user names hold at most 150 characters)."""
    brukernavn = BRUKERNAVN_PREFIKS + sub
    if len(brukernavn) > 150:
        brukernavn = BRUKERNAVN_PREFIKS + hashlib.sha256(sub.encode()).hexdigest()
    return brukernavn


def klientbevis(privat_nokkel: str, klient_id: str, mottaker: str) -> str:
    """A signed client assertion (RFC 7523, `private_key_jwt`): what HelseID asks of its clients
    instead of a shared secret. `privat_nokkel` is a private JWK (JSON) or a PEM key."""
    naa = int(time.time())
    pastand = {
        "iss": klient_id,
        "sub": klient_id,
        "aud": mottaker,
        "jti": str(uuid.uuid4()),
        "iat": naa,
        "nbf": naa,
        "exp": naa + 60,
    }
    if privat_nokkel.lstrip().startswith("{"):
        jwk = json.loads(privat_nokkel)
        nokkel = jwt.PyJWK(jwk)
        alg = jwk.get("alg") or "RS256"
        hode = {"kid": jwk["kid"]} if jwk.get("kid") else {}
        return jwt.encode(pastand, nokkel.key, algorithm=alg, headers=hode)
    return jwt.encode(pastand, privat_nokkel, algorithm="RS256")


class OidcBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        """A provider that cannot be reached or refuses the code is a failed login (back to the
        login page with a message), not a server error."""
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as feil:
            logger.warning("OIDC-innlogging feilet mot tilbyderen: %s", type(feil).__name__)
            return None

    def get_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        """With OIDC_RP_PRIVAT_NOKKEL the client proves itself with a signed assertion
        (private_key_jwt) and sends no secret; otherwise client_secret_post."""
        if settings.OIDC_RP_PRIVAT_NOKKEL:
            payload = {k: v for k, v in payload.items() if k != "client_secret"}
            payload["client_assertion_type"] = KLIENTBEVIS_TYPE
            payload["client_assertion"] = klientbevis(
                settings.OIDC_RP_PRIVAT_NOKKEL, self.OIDC_RP_CLIENT_ID, self.OIDC_OP_TOKEN_ENDPOINT
            )
        return super().get_token(payload)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID-tokenet er utstedt av en annen enn OIDC_OP_ISSUER.")
        aud = payload.get("aud")
        mottakere = [aud] if isinstance(aud, str) else list(aud or [])
        if self.OIDC_RP_CLIENT_ID not in mottakere:
            raise SuspiciousOperation("ID-tokenet er ikke utstedt til denne klienten (aud).")
        if len(mottakere) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID-tokenet har flere mottakere og feil azp.")
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        claims = super().get_userinfo(access_token, id_token, payload)
        if not payload.get("sub") or claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("Brukerinformasjonen gjelder en annen sub enn ID-tokenet.")
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet:
        return self.UserModel.objects.filter(username=brukernavn_for(claims["sub"]))

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"sub {claims.get('sub')}"

    def create_user(self, claims: dict[str, Any]) -> AbstractBaseUser:
        bruker = self.UserModel(username=brukernavn_for(claims["sub"]))
        bruker.set_unusable_password()
        return self.update_user(bruker, claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        """Name and e-mail follow the provider at every login."""
        fornavn = claims.get("given_name")
        etternavn = claims.get("family_name")
        if not (fornavn or etternavn) and claims.get("name"):
            fornavn, _, etternavn = claims["name"].rpartition(" ")
        user.first_name = (fornavn or "")[:150]
        user.last_name = (etternavn or "")[:150]
        user.email = (claims.get("email") or "")[:254]
        user.save()
        return user


class _KreverOidc:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_AKTIV:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OidcStart(_KreverOidc, OIDCAuthenticationRequestView):
    """GET: to the provider's login, with state, nonce and a PKCE challenge kept in the session."""


class OidcTilbake(_KreverOidc, OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code; an unknown state is a 400."""

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            f"Innloggingen med {settings.OIDC_NAVN} ble ikke fullført. Prøv igjen.",
        )
        return HttpResponseRedirect(reverse("login"))


urlpatterns = [
    path("start/", OidcStart.as_view(), name="oidc-start"),
    path("tilbake/", OidcTilbake.as_view(), name="oidc-tilbake"),
]
