"""Liveness and readiness probes for docker-compose and load balancers."""

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse

# A probe must answer well within the healthcheck's own timeout (docker-compose: 10 s).
REDIS_TIDSAVBRUDD = 2.0


def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is checked, so a database outage does not kill it."""
    return JsonResponse({"status": "ok"})


def _redis() -> str:
    """Asked directly: the cache (helsearbeid.cache) hides a Redis that is down, on purpose."""
    try:
        klient = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=REDIS_TIDSAVBRUDD,
            socket_timeout=REDIS_TIDSAVBRUDD,
        )
        try:
            return "ok" if klient.ping() else "feil: svarte ikke på ping"
        finally:
            klient.close()
    except Exception as exc:
        return f"feil: {type(exc).__name__}"


def _henvisningsnokkel() -> str:
    """The referral key decrypts the check value in the database (henvisning.krypto). The
    message names the problem, never a key."""
    from henvisning import krypto

    try:
        return krypto.kontroller_mot_databasen()
    except krypto.Nokkelfeil as feil:
        return f"feil: {feil}"
    except Exception as exc:
        return f"feil: {type(exc).__name__}"


def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: database reachable and migrated, the referral key fits the data in the
    database, Redis reachable when configured.
    503 with the failing checks named when one is not. `utboks` counts Celery messages waiting
    for Redis (helsearbeid.drift.utboks): informational, it does not make the portal unready."""
    sjekker: dict[str, str] = {}
    svar: dict[str, object] = {}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        sjekker["database"] = "ok"
        sjekker["migreringer"] = "ok" if not plan else f"{len(plan)} mangler"
        if not plan:
            sjekker["henvisningsnokkel"] = _henvisningsnokkel()
            from helsearbeid.drift.utboks import ventende

            svar["utboks"] = ventende()
    except Exception as exc:
        sjekker["database"] = f"feil: {type(exc).__name__}"
    if settings.REDIS_URL:
        sjekker["redis"] = _redis()
    klar = all(v == "ok" for v in sjekker.values())
    svar = {"status": "ok" if klar else "ikke klar", "sjekker": sjekker, **svar}
    return JsonResponse(svar, status=200 if klar else 503)
