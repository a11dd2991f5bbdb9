"""A local fake Adresseregisteret (CommunicationParty API) and HelseID token endpoint, for the
AR synchronisation tests. A small threaded HTTP server on 127.0.0.1 with a random port.

Data are generated and clearly synthetic: HER-ids from 990 000 001 up (nine digits, beyond the
ones AR hands out) and names «Syntetisk …». The server checks what the real ones check:
- `POST /connect/token`: client credentials with a client assertion signed by the test client's
  key, and a DPoP proof (RFC 9449); the first request is refused with a nonce to use
  (`use_dpop_nonce`), as HelseID does. The token is bound to the proof's key (cnf.jkt).
- the API: `Authorization: DPoP <token>` and a fresh DPoP proof by the same key, for this method
  and URL, with `ath` = the token's hash.

Switches: `nede` (every API call answers 503), `feil_etter` (the n-th API call from now fails),
`utlopt_for` (events before this index are forgotten: an older cursor answers 410).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from helsearbeid.adresseregister import b64url

FORSTE_HER_ID = 990_000_001
KLIENT_ID = "syntetisk-klient"
SCOPE = "nhn:cp-api/access-v2-dpop"


def tommelavtrykk(jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint of an EC key (the members in order, no spaces)."""
    kanonisk = json.dumps(
        {k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True
    )
    return b64url(hashlib.sha256(kanonisk.encode()).digest())


def syntetisk_part(nummer: int, **ekstra: Any) -> dict[str, Any]:
    """A synthetic service-level communication party."""
    return {
        "HerId": FORSTE_HER_ID + nummer,
        "Name": f"Syntetisk tjeneste {nummer}",
        "Type": "Service",
        "OrganizationNumber": f"{990_100_000 + nummer:09d}",
        "ParentHerId": FORSTE_HER_ID + 5000 + nummer,
        "ServiceCode": "14",
        "Active": True,
        "Messages": ["henvisning-2.0", "dialogmelding-1.1"],
        **ekstra,
    }


@dataclass
class FalskAr:
    klient_nokkel: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    parter: dict[int, dict[str, Any]] = field(default_factory=dict)
    hendelser: list[dict[str, Any]] = field(default_factory=list)
    sidestorrelse: int = 2
    nede: bool = False
    feil_etter: int | None = None
    utlopt_for: int = 0
    kall: list[str] = field(default_factory=list)
    avvist: list[str] = field(default_factory=list)
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    brukte_jti: set[str] = field(default_factory=set)
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    lås: threading.Lock = field(default_factory=threading.Lock)

    # --- the test's side -------------------------------------------------------------------

    def privat_jwk(self) -> str:
        """The test client's private key as HelseID settings take it (JWK on one line)."""
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.klient_nokkel))
        return json.dumps({**jwk, "alg": "ES256", "kid": "syntetisk"})

    def legg_til(self, part: dict[str, Any], hendelse: str = "CommunicationPartyCreated") -> None:
        with self.lås:
            self.parter[part["HerId"]] = part
            self._hendelse(hendelse, part["HerId"], part)

    def endre(self, her_id: int, **felt: Any) -> None:
        with self.lås:
            self.parter[her_id] = {**self.parter[her_id], **felt}
            self._hendelse("CommunicationPartyUpdated", her_id, self.parter[her_id])

    def slett(self, her_id: int) -> None:
        with self.lås:
            del self.parter[her_id]
            self._hendelse("CommunicationPartyDeleted", her_id, None)

    def _hendelse(self, type_: str, her_id: int, part: dict[str, Any] | None) -> None:
        self.hendelser.append(
            {
                "EventId": f"syntetisk-{len(self.hendelser) + 1:06d}",
                "EventType": type_,
                "HerId": her_id,
                "FromDatetime": "2026-01-01T00:00:00+00:00",
                "CommunicationParty": part,
            }
        )

    def siste_hendelse(self) -> str:
        return self.hendelser[-1]["EventId"] if self.hendelser else "syntetisk-000000"

    def glem_hendelser(self) -> None:
        """AR keeps events for a while only: every cursor so far becomes too old."""
        self.utlopt_for = len(self.hendelser)

    # --- checks ----------------------------------------------------------------------------

    def _sjekk_dpop(self, bevis: str | None, metode: str, url: str) -> dict[str, Any]:
        if not bevis:
            raise PermissionError("mangler DPoP")
        hode = jwt.get_unverified_header(bevis)
        if hode.get("typ") != "dpop+jwt" or hode.get("alg") != "ES256" or "jwk" not in hode:
            raise PermissionError("feil DPoP-hode")
        if "d" in hode["jwk"]:
            raise PermissionError("privat nøkkel i DPoP-hodet")
        nokkel = jwt.PyJWK(hode["jwk"], algorithm="ES256").key
        pastand = jwt.decode(bevis, nokkel, algorithms=["ES256"])
        if pastand.get("htm") != metode or pastand.get("htu") != url:
            raise PermissionError("htm/htu stemmer ikke")
        if abs(time.time() - int(pastand.get("iat", 0))) > 60:
            raise PermissionError("gammelt DPoP-bevis")
        with self.lås:
            if pastand.get("jti") in self.brukte_jti:
                raise PermissionError("DPoP-bevis brukt før")
            self.brukte_jti.add(pastand["jti"])
        return {"jkt": tommelavtrykk(hode["jwk"]), **pastand}

    def utsted_token(self, skjema: dict[str, str], bevis: str | None, url: str) -> dict[str, Any]:
        dpop = self._sjekk_dpop(bevis, "POST", url)
        if dpop.get("nonce") != self.nonce:
            raise KeyError("use_dpop_nonce")
        if skjema.get("grant_type") != "client_credentials" or skjema.get("scope") != SCOPE:
            raise PermissionError("feil grant eller scope")
        if skjema.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            raise PermissionError("feil client_assertion_type")
        pastand = jwt.decode(
            skjema.get("client_assertion", ""),
            self.klient_nokkel.public_key(),
            algorithms=["ES256"],
            audience=url,
        )
        if pastand.get("iss") != KLIENT_ID or pastand.get("sub") != KLIENT_ID:
            raise PermissionError("ukjent klient")
        token = secrets.token_urlsafe(24)
        with self.lås:
            self.tokens[token] = (dpop["jkt"], time.time() + 300)
        return {"access_token": token, "token_type": "DPoP", "expires_in": 300}

    def sjekk_api(self, autorisasjon: str | None, bevis: str | None, url: str) -> None:
        if not autorisasjon or not autorisasjon.startswith("DPoP "):
            raise PermissionError("mangler DPoP-token")
        token = autorisasjon.removeprefix("DPoP ")
        jkt, utloper = self.tokens.get(token, ("", 0.0))
        if utloper < time.time():
            raise PermissionError("ukjent eller utløpt token")
        dpop = self._sjekk_dpop(bevis, "GET", url)
        if dpop["jkt"] != jkt:
            raise PermissionError("tokenet er bundet til en annen nøkkel")
        if dpop.get("ath") != b64url(hashlib.sha256(token.encode()).digest()):
            raise PermissionError("ath stemmer ikke")

    # --- answers ---------------------------------------------------------------------------

    def svar(self, sti: str, sporring: dict[str, list[str]]) -> tuple[int, Any]:
        if sti == "/CommunicationPartyExport":
            with self.lås:
                return 200, {
                    "LastEventId": self.siste_hendelse(),
                    "CommunicationParties": list(self.parter.values()),
                }
        if sti == "/CommunicationPartyEvents":
            etter = (sporring.get("eventId") or sporring.get("EventId") or [""])[0]
            with self.lås:
                ider = [h["EventId"] for h in self.hendelser]
                if etter not in ider and etter != "syntetisk-000000":
                    return 410, {"title": "Unknown or expired eventId"}
                start = ider.index(etter) + 1 if etter in ider else 0
                if start < self.utlopt_for:
                    return 410, {"title": "Unknown or expired eventId"}
                side = self.hendelser[start : start + self.sidestorrelse]
                neste = None
                if side and start + self.sidestorrelse < len(self.hendelser):
                    neste = {"Href": "/CommunicationPartyEvents?eventId=" + side[-1]["EventId"]}
                return 200, {"CommunicationParties": side, "Links": {"Next": neste}}
        if sti.startswith("/CommunicationParties/"):
            her_id = int(sti.rsplit("/", 1)[1])
            with self.lås:
                if her_id not in self.parter:
                    return 404, {"title": "Not found"}
                return 200, self.parter[her_id]
        return 404, {"title": "Not found"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(self, status: int, innhold: Any, hoder: dict[str, str] | None = None) -> None:
        data = json.dumps(innhold).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for navn, verdi in (hoder or {}).items():
            self.send_header(navn, verdi)
        self.end_headers()
        self.wfile.write(data)

    def _url(self, sti: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{sti}"

    def do_POST(self) -> None:
        ar = self.server.ar
        lengde = int(self.headers.get("Content-Length") or 0)
        skjema = dict(urllib.parse.parse_qsl(self.rfile.read(lengde).decode()))
        if self.path != "/connect/token":
            self._send(404, {})
            return
        try:
            svar = ar.utsted_token(skjema, self.headers.get("DPoP"), self._url("/connect/token"))
        except KeyError:
            self._send(400, {"error": "use_dpop_nonce"}, {"DPoP-Nonce": ar.nonce})
            return
        except (PermissionError, jwt.PyJWTError) as feil:
            ar.avvist.append(f"token: {feil}")
            self._send(400, {"error": "invalid_client"})
            return
        self._send(200, svar)

    def do_GET(self) -> None:
        ar = self.server.ar
        deler = urllib.parse.urlsplit(self.path)
        ar.kall.append(self.path)
        try:
            ar.sjekk_api(
                self.headers.get("Authorization"), self.headers.get("DPoP"), self._url(deler.path)
            )
        except (PermissionError, jwt.PyJWTError) as feil:
            ar.avvist.append(f"{deler.path}: {feil}")
            self._send(401, {"title": str(feil)}, {"WWW-Authenticate": "DPoP"})
            return
        if ar.nede:
            self._send(503, {"title": "Service Unavailable"})
            return
        if ar.feil_etter is not None:
            ar.feil_etter -= 1
            if ar.feil_etter <= 0:
                ar.feil_etter = None
                self._send(503, {"title": "Service Unavailable"})
                return
        status, innhold = ar.svar(deler.path, urllib.parse.parse_qs(deler.query))
        self._send(status, innhold)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    ar: FalskAr


class KjorendeFalskAr:
    """The fake AR running in a thread; `.stopp()` shuts it down."""

    def __init__(self, ar: FalskAr) -> None:
        self.ar = ar
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.ar = ar
        self.trad = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.trad.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/connect/token"

    def stopp(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.trad.join(5)
