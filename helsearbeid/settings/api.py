"""Settings for the analyst API (rapporter): key throttling. Star-imported at the end of base.py."""

from datetime import timedelta

from .env import env_str

# Requests per API key, DRF rate syntax ("1000/hour", "20/min"). One bucket per key.
API_NOKKEL_STRUPING = env_str("API_NOKKEL_STRUPING", "2000/hour")
# Clients without a key on the bulk endpoints (eksport, synk), per IP; empty turns it off.
API_ANONYM_STRUPING = env_str("API_ANONYM_STRUPING", "300/hour") or None

# The sync leaves out changes younger than this. `endret` is stamped when a transaction writes,
# but becomes visible when it commits: without a margin a mirror could move its cursor past a
# change that commits a moment later and never see it. Must exceed the longest transaction that
# writes tilbud (the catalogue import is the longest today, a few seconds).
SYNK_SIKKERHETSMARGIN = timedelta(seconds=60)
