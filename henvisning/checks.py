"""System checks for the referral keys. `migrate` runs them with the database (so a deploy with a
wrong key stops before the web service starts, docker-compose: `migrate` must succeed first), and
`manage.py check --database default` does too; /readyz asks the same question on every probe."""

from typing import Any

from django.core.checks import Error, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from . import krypto


@register()
def henvisningsnokkel(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    try:
        krypto.fernet()
    except krypto.Nokkelfeil as feil:
        return [Error(str(feil), id="henvisning.E001")]
    if not databases:
        return []
    # `migrate` runs this before it migrates: while this app's migrations are pending the check
    # table may not match the model yet, and 0004 checks the key against the names already
    # encrypted itself. Other apps' pending migrations do not matter.
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if any(migrering.app_label == "henvisning" for migrering, _ in plan):
            return []
    except DatabaseError:
        return []  # the database's own checks report that it cannot be reached
    try:
        krypto.kontroller_mot_databasen()
    except krypto.Nokkelfeil as feil:
        return [Error(str(feil), id="henvisning.E002")]
    return []
