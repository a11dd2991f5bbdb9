"""Adresseregisteret (AR): the CommunicationParty API the registry synchronises HER-ids against.

Without AR_BASE_URL the beat job does nothing (development, test); `manage.py
synk_adresseregister` then says what is missing.
"""

from .env import env_str

# e.g. https://cpapi.test.grunndata.nhn.no/ (the API's root, the calls are relative to it).
AR_BASE_URL = env_str("AR_BASE_URL", "")
# «helseid» (client credentials + DPoP, production) or «ingen» (a local copy without auth).
AR_AUTENTISERING = env_str("AR_AUTENTISERING", "helseid")
AR_HELSEID_TOKEN_URL = env_str("AR_HELSEID_TOKEN_URL", "")
AR_HELSEID_KLIENT_ID = env_str("AR_HELSEID_KLIENT_ID", "")
# The client's private key: a JWK (JSON on one line) or PEM, as for OIDC_RP_PRIVAT_NOKKEL.
AR_HELSEID_PRIVAT_NOKKEL = env_str("AR_HELSEID_PRIVAT_NOKKEL", "")
AR_HELSEID_SCOPE = env_str("AR_HELSEID_SCOPE", "nhn:cp-api/access-v2-dpop")
AR_TIDSAVBRUDD_SEKUNDER = float(env_str("AR_TIDSAVBRUDD_SEKUNDER", "60") or 60)
# NHN: polling «once every hour should be sufficient».
AR_SYNK_INTERVALL_SEKUNDER = float(env_str("AR_SYNK_INTERVALL_SEKUNDER", "3600") or 3600)
# The beat job's first wait after AR failed to answer; doubled for each new try (max 30 min).
AR_FORSOK_PAUSE_SEKUNDER = float(env_str("AR_FORSOK_PAUSE_SEKUNDER", "60") or 60)
