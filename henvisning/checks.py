"""System checks for the referral keys. `migrate` runs them with the database (so a deploy with a
wrong key stops before the web service starts, docker-compose: `migrate` must succeed first), and
`manage.py check --database default` does too; /readyz asks the same question on every probe."""

from typing import Any

from django.core.checks import Error, register
from django.db import DatabaseError, connections

from . import krypto


@register()
def henvisningsnokkel(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    try:
        krypto.fernet()
    except krypto.Nokkelfeil as feil:
        return [Error(str(feil), id="henvisning.E001")]
    if not databases:
        return []
    from .models import Nokkelsjekk

    # Before `migrate` has created the table there is nothing to check against (0004 checks the
    # key against the names already encrypted when it makes the check value).
    try:
        tabeller = connections["default"].introspection.table_names()
    except DatabaseError:
        return []  # the database's own checks report that it cannot be reached
    if Nokkelsjekk._meta.db_table not in tabeller:
        return []
    try:
        krypto.kontroller_mot_databasen()
    except krypto.Nokkelfeil as feil:
        return [Error(str(feil), id="henvisning.E002")]
    return []
