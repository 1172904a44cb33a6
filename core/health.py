"""The health URL a load balancer or monitoring polls: is the database reachable and fully
migrated? 200 with what was checked, or 503 naming what failed. No login, no personal data."""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Further checks (the task queue's) register here: name → callable raising on failure.
CHECKS: dict = {}


def _database() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    return "ok"


@require_GET
@never_cache
@login_not_required
def health(request):
    results, healthy = {}, True
    for name, check in {"database": _database, **CHECKS}.items():
        started = time.perf_counter()
        try:
            results[name] = {"status": check(), "ms": round((time.perf_counter() - started) * 1000, 1)}
        except Exception as exc:  # a health check reports every failure, whatever it is
            healthy = False
            results[name] = {"status": "error", "error": str(exc)[:200]}
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
