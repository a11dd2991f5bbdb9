"""Limits on automated use of the anonymous forms (ASVS 11.1.4), counted in the cache
(helsearbeid/kvote.py). DRF rate syntax ("5/hour"); an empty value turns a limit off. Star-
imported in base.py."""

from datetime import timedelta

from .env import env_str

# «Meld feil» on a tilbud page: reports per client address, and per tilbud from everyone.
FEILMELDING_STRUPING_ADRESSE = env_str("FEILMELDING_STRUPING_ADRESSE", "5/hour") or None
FEILMELDING_STRUPING_TILBUD = env_str("FEILMELDING_STRUPING_TILBUD", "20/hour") or None
# Confirmation e-mails (the only mail to an unverified address), per e-mail address.
FEILMELDING_EPOST_STRUPING = env_str("FEILMELDING_EPOST_STRUPING", "1/day") or None
# How long the confirmation link is valid.
FEILMELDING_BEKREFTELSE_GYLDIG = timedelta(days=7)

# Password reset: requests per typed e-mail address (account), and per client address.
PASSORD_STRUPING_KONTO = env_str("PASSORD_STRUPING_KONTO", "3/hour") or None
PASSORD_STRUPING_ADRESSE = env_str("PASSORD_STRUPING_ADRESSE", "10/hour") or None
