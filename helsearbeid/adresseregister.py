"""A client for NHN's CommunicationParty API (Adresseregisteret, AR), behind settings.

Three calls (anchors_integration.md [A11][A12]):
- `GET /CommunicationParties/{herId}`: one communication party;
- `GET /CommunicationPartyExport`: a full copy, `{"LastEventId": …, "CommunicationParties": […]}`;
- `GET /CommunicationPartyEvents?eventId=…`: the events after a cursor,
  `{"CommunicationParties": [{"EventId", "EventType", "HerId", "CommunicationParty"}…],
  "Links": {"Next": {"Href": …}}}`.

Authentication is pluggable (`Autentisering`): production uses HelseID client credentials with a
signed client assertion (private_key_jwt) and a DPoP-bound access token (RFC 9449), scope
`nhn:cp-api/access-v2-dpop`; development may use none. Only stdlib HTTP and PyJWT/cryptography:
no crypto of our own beyond putting the DPoP proof's claims together.

Errors are two kinds the synchronisation treats differently: `ArUtilgjengelig` (network, 5xx,
429, auth refused: try again later, nothing written) and `MarkorUtlopt` (AR no longer knows the
cursor: start again from a full export).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from helsearbeid.oidc import klientbevis

logger = logging.getLogger(__name__)

DPOP_SCOPE = "nhn:cp-api/access-v2-dpop"


class ArFeil(Exception):
    """Something went wrong talking to AR."""


class ArUtilgjengelig(ArFeil):
    """AR (or HelseID) did not answer usefully: try again later."""


class MarkorUtlopt(ArFeil):
    """AR no longer has events after our cursor: a full export is needed."""


class IkkeFunnet(ArFeil):
    """No communication party with that HER-id."""


def http_adresse(url: str, navn: str) -> str:
    """Only http(s) addresses: urllib would also open file: and ftp: ones."""
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(f"{navn} må være en http(s)-adresse, ikke {url!r}.")
    return url


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Autentisering(Protocol):
    """Adds the headers one request to AR needs."""

    def hoder(self, metode: str, url: str) -> dict[str, str]: ...

    def glem_token(self) -> None: ...


class IngenAutentisering:
    """Development against a local AR copy: no headers."""

    def hoder(self, metode: str, url: str) -> dict[str, str]:
        return {}

    def glem_token(self) -> None:
        return None


@dataclass
class DpopNokkel:
    """The client's DPoP key pair (EC P-256, ES256). A new pair per process is allowed by
    RFC 9449: the token is bound to whichever key asked for it."""

    privat: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )

    def offentlig_jwk(self) -> dict[str, str]:
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.privat.public_key()))
        return {k: jwk[k] for k in ("kty", "crv", "x", "y")}

    def bevis(
        self,
        metode: str,
        url: str,
        *,
        access_token: str | None = None,
        nonce: str | None = None,
    ) -> str:
        """A DPoP proof JWT (RFC 9449 §4.2): typ dpop+jwt, the public key in the header, and
        htm/htu/iat/jti (+ ath for a resource request, + the server's nonce when it asked)."""
        deler = urllib.parse.urlsplit(url)
        pastand: dict[str, Any] = {
            "jti": str(uuid.uuid4()),
            "htm": metode.upper(),
            # htu is the URI without query and fragment (§4.2).
            "htu": urllib.parse.urlunsplit((deler.scheme, deler.netloc, deler.path, "", "")),
            "iat": int(time.time()),
        }
        if access_token is not None:
            pastand["ath"] = b64url(hashlib.sha256(access_token.encode("ascii")).digest())
        if nonce:
            pastand["nonce"] = nonce
        return jwt.encode(
            pastand,
            self.privat,
            algorithm="ES256",
            headers={"typ": "dpop+jwt", "jwk": self.offentlig_jwk()},
        )


class HelseIdDpop:
    """HelseID client credentials with a client assertion and DPoP (production).

    The access token is fetched once and reused until shortly before it expires; a 401 from AR
    forgets it (`glem_token`) so the next request fetches a new one."""

    def __init__(
        self,
        *,
        token_url: str,
        klient_id: str,
        privat_nokkel: str,
        scope: str = DPOP_SCOPE,
        tidsavbrudd: float = 30,
    ) -> None:
        self.token_url = http_adresse(token_url, "AR_HELSEID_TOKEN_URL")
        self.klient_id = klient_id
        self.privat_nokkel = privat_nokkel
        self.scope = scope
        self.tidsavbrudd = tidsavbrudd
        self.dpop = DpopNokkel()
        self._token: str | None = None
        self._utloper = 0.0
        self._nonce: str | None = None

    def _hent_token(self) -> str:
        for _forsok in range(2):  # the second time with the nonce HelseID asked for
            data = urllib.parse.urlencode(
                {
                    "grant_type": "client_credentials",
                    "scope": self.scope,
                    "client_assertion_type": (
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                    ),
                    "client_assertion": klientbevis(
                        self.privat_nokkel, self.klient_id, self.token_url
                    ),
                }
            ).encode("ascii")
            foresporsel = urllib.request.Request(  # noqa: S310 (https checked in __init__)
                self.token_url,
                data=data,
                method="POST",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "DPoP": self.dpop.bevis("POST", self.token_url, nonce=self._nonce),
                },
            )
            try:
                with urllib.request.urlopen(foresporsel, timeout=self.tidsavbrudd) as svar:  # noqa: S310
                    innhold = json.load(svar)
            except urllib.error.HTTPError as feil:
                nonce = feil.headers.get("DPoP-Nonce")
                if feil.code in (400, 401) and nonce and nonce != self._nonce:
                    self._nonce = nonce
                    continue
                raise ArUtilgjengelig(f"HelseID svarte {feil.code} på tokenforespørselen") from feil
            except (OSError, ValueError) as feil:
                raise ArUtilgjengelig(f"HelseID svarte ikke: {feil}") from feil
            dpop = str(innhold.get("token_type", "")).lower() == "dpop"
            if not dpop or "access_token" not in innhold:
                raise ArUtilgjengelig("HelseID ga ikke et DPoP-token")
            self._token = str(innhold["access_token"])
            self._utloper = time.monotonic() + float(innhold.get("expires_in", 300)) - 30
            return self._token
        raise ArUtilgjengelig("HelseID godtok ikke DPoP-beviset")

    def hoder(self, metode: str, url: str) -> dict[str, str]:
        token = self._token if self._token and time.monotonic() < self._utloper else None
        if token is None:
            token = self._hent_token()
        return {
            "Authorization": f"DPoP {token}",
            "DPoP": self.dpop.bevis(metode, url, access_token=token),
        }

    def glem_token(self) -> None:
        self._token = None


class ArKlient:
    """The three calls, with the errors sorted into the two kinds the sync needs."""

    def __init__(self, base_url: str, autentisering: Autentisering, tidsavbrudd: float = 60):
        if not base_url:
            raise ImproperlyConfigured("AR_BASE_URL er ikke satt.")
        self.base_url = http_adresse(base_url, "AR_BASE_URL").rstrip("/") + "/"
        self.autentisering = autentisering
        self.tidsavbrudd = tidsavbrudd

    def _url(self, sti: str, **parametre: str) -> str:
        url = urllib.parse.urljoin(self.base_url, sti)
        if parametre:
            url += "?" + urllib.parse.urlencode(parametre)
        return url

    def _get(self, url: str) -> Any:
        for forsok in range(2):  # once more with a fresh token after a 401
            foresporsel = urllib.request.Request(  # noqa: S310 (https checked in __init__)
                url,
                headers={"Accept": "application/json", **self.autentisering.hoder("GET", url)},
            )
            try:
                with urllib.request.urlopen(foresporsel, timeout=self.tidsavbrudd) as svar:  # noqa: S310
                    # The export is streamed: json.load reads it from the socket as it comes.
                    return json.load(svar)
            except urllib.error.HTTPError as feil:
                if feil.code == 401 and forsok == 0:
                    self.autentisering.glem_token()
                    continue
                if feil.code == 404:
                    raise IkkeFunnet(url) from feil
                # AR answers 410 Gone (or 400 about the event id) when the cursor is too old.
                if feil.code == 410:
                    raise MarkorUtlopt(url) from feil
                raise ArUtilgjengelig(f"AR svarte {feil.code} på {url}") from feil
            except (OSError, ValueError) as feil:
                raise ArUtilgjengelig(f"AR svarte ikke på {url}: {feil}") from feil
        raise ArUtilgjengelig(f"AR godtok ikke tokenet på {url}")

    def kommunikasjonspart(self, her_id: int) -> dict[str, Any]:
        svar = self._get(self._url(f"CommunicationParties/{int(her_id)}"))
        if not isinstance(svar, dict):
            raise ArUtilgjengelig("uventet svar fra AR")
        return svar

    def eksport(self) -> tuple[str, list[dict[str, Any]]]:
        """The full copy: (LastEventId, the communication parties)."""
        svar = self._get(self._url("CommunicationPartyExport"))
        try:
            return str(svar["LastEventId"]), list(svar["CommunicationParties"])
        except (KeyError, TypeError) as feil:
            raise ArUtilgjengelig("AR-eksporten mangler LastEventId eller parter") from feil

    def hendelser(self, etter: str) -> tuple[list[dict[str, Any]], str | None]:
        """One page of events after `etter`: (events, the next page's URL or None)."""
        svar = self._get(self._url("CommunicationPartyEvents", eventId=etter))
        return self.hendelsesside(svar)

    def neste_side(self, url: str) -> tuple[list[dict[str, Any]], str | None]:
        return self.hendelsesside(self._get(urllib.parse.urljoin(self.base_url, url)))

    @staticmethod
    def hendelsesside(svar: Any) -> tuple[list[dict[str, Any]], str | None]:
        try:
            hendelser = list(svar.get("CommunicationParties") or [])
            neste = ((svar.get("Links") or {}).get("Next") or {}).get("Href")
        except AttributeError as feil:
            raise ArUtilgjengelig("uventet hendelsessvar fra AR") from feil
        return hendelser, (str(neste) if neste else None)


def ar_klient() -> ArKlient:
    """The client the settings describe (AR_BASE_URL, AR_AUTENTISERING, HELSEID_*)."""
    if settings.AR_AUTENTISERING == "ingen":
        autentisering: Autentisering = IngenAutentisering()
    elif settings.AR_AUTENTISERING == "helseid":
        if not (settings.AR_HELSEID_TOKEN_URL and settings.AR_HELSEID_KLIENT_ID):
            raise ImproperlyConfigured(
                "AR_HELSEID_TOKEN_URL og AR_HELSEID_KLIENT_ID må settes for AR med HelseID."
            )
        if not settings.AR_HELSEID_PRIVAT_NOKKEL:
            raise ImproperlyConfigured("AR_HELSEID_PRIVAT_NOKKEL må settes for AR med HelseID.")
        autentisering = HelseIdDpop(
            token_url=settings.AR_HELSEID_TOKEN_URL,
            klient_id=settings.AR_HELSEID_KLIENT_ID,
            privat_nokkel=settings.AR_HELSEID_PRIVAT_NOKKEL,
            scope=settings.AR_HELSEID_SCOPE,
            tidsavbrudd=settings.AR_TIDSAVBRUDD_SEKUNDER,
        )
    else:
        raise ImproperlyConfigured(
            f"AR_AUTENTISERING={settings.AR_AUTENTISERING!r}: bruk «helseid» eller «ingen»."
        )
    return ArKlient(settings.AR_BASE_URL, autentisering, settings.AR_TIDSAVBRUDD_SEKUNDER)
