"""The bare-SQL baseline's connection: made by Django's own backend from the settings, so it has
every session setting the application's connections have.

The benches replay the statements a request (or a rebuild) ran on a connection of their own and
call that the floor. A floor measured with other session settings than the application's is not
a floor: the first search bench ran its baseline with JIT on while the application had it off
(`DATABASES["default"]["OPTIONS"]`, helsearbeid/settings/base.py). Here the baseline is a second
connection created by `connections.create_connection("default")`: the same connection
parameters and OPTIONS, the same per-connection set-up Django does (time zone, isolation level,
the `connection_created` signal), and nothing written by hand. `sjekk_like_innstillinger()`
compares the session settings of both connections as PostgreSQL reports them and stops the bench
if they differ.
"""

import sys
from typing import Any

# Settings a connection sets itself (startup options, SET): what could differ between two
# connections to the same database.
SESJONSINNSTILLINGER = (
    "SELECT name, setting FROM pg_settings WHERE source IN ('client', 'session') ORDER BY name"
)


def raa_tilkobling() -> Any:
    """A new, connected Django database wrapper for the "default" alias. Time statements on its
    DB-API connection (`.connection.cursor()`), not through Django's cursor wrapper."""
    from django.db import connections

    kobling = connections.create_connection("default")
    kobling.ensure_connection()
    return kobling


def innstillinger(cursor: Any) -> dict[str, str]:
    cursor.execute(SESJONSINNSTILLINGER)
    return dict(cursor.fetchall())


def sjekk_like_innstillinger(app: Any, grunnlinje: Any) -> dict[str, str]:
    """Both connections' session settings; exit with a message if they differ. Returns them."""
    with app.cursor() as cur:
        hos_app = innstillinger(cur)
    with grunnlinje.connection.cursor() as cur:
        hos_grunnlinje = innstillinger(cur)
    ulike = {
        navn: (hos_app.get(navn), hos_grunnlinje.get(navn))
        for navn in sorted(set(hos_app) | set(hos_grunnlinje))
        if hos_app.get(navn) != hos_grunnlinje.get(navn)
    }
    if ulike:
        sys.exit(f"Grunnlinjen har andre sesjonsinnstillinger enn appen (app, grunnlinje): {ulike}")
    print(
        "Sesjonsinnstillinger (app = grunnlinje): "
        + ", ".join(f"{k}={v}" for k, v in hos_app.items())
    )
    return hos_app
