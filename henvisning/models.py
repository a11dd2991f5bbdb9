"""Referrals (henvisninger): the lifecycle is built in its own issue on top of the catalogue."""
