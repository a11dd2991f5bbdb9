"""Liveness and readiness probes for docker-compose and load balancers."""

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is checked, so a database outage does not kill it."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: database reachable and migrated, Redis reachable when configured."""
    sjekker: dict[str, str] = {}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        sjekker["database"] = "ok"
        sjekker["migreringer"] = "ok" if not plan else f"{len(plan)} mangler"
    except Exception as exc:
        sjekker["database"] = f"feil: {type(exc).__name__}"
    if settings.REDIS_URL:
        try:
            cache.set("readyz", "1", timeout=5)
            sjekker["redis"] = "ok" if cache.get("readyz") == "1" else "feil: ingen verdi"
        except Exception as exc:
            sjekker["redis"] = f"feil: {type(exc).__name__}"
    klar = all(v == "ok" for v in sjekker.values())
    return JsonResponse(
        {"status": "ok" if klar else "ikke klar", "sjekker": sjekker}, status=200 if klar else 503
    )
