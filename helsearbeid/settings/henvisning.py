"""Settings for referrals (henvisning). Star-imported at the end of base.py.

The encryption keys have no default here: production must set them; dev.py and test.py set
development-only keys."""

from celery.schedules import crontab

from .env import env_str

# Fernet key(s) for identifying fields (fødselsnummer, name), comma-separated for rotation: the
# first encrypts, all decrypt. Make one with
#   python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'
HENVISNING_NOKKEL = env_str("HENVISNING_NOKKEL", "")
# A separate secret for the keyed hash (HMAC-SHA256) used to look up a fødselsnummer exactly.
HENVISNING_HMAC_NOKKEL = env_str("HENVISNING_HMAC_NOKKEL", "")
# Days after a referral ends (avsluttet, trukket, avvist, ikke rett, videresendt) until its
# personal data is removed; the anonymous statistical record stays.
HENVISNING_SLETT_ETTER_DAGER = int(env_str("HENVISNING_SLETT_ETTER_DAGER", "365") or 365)
# E-mail notices that fail (SMTP down) are tried again after this many seconds, doubled each
# time, five times (henvisning.tasks).
HENVISNING_VARSEL_VENT_SEKUNDER = 60

# Merged into CELERY_BEAT_SCHEDULE in base.py.
HENVISNING_BEAT_SCHEDULE = {
    "slett-personopplysninger-i-avsluttede-henvisninger": {
        "task": "henvisning.tasks.slett_utlopte_personopplysninger",
        "schedule": crontab(hour=3, minute=15),
    },
}
