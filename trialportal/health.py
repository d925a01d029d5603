"""Probes for load balancers and orchestrators.

`/healthz`: the process is alive and answering (touches nothing else).
`/readyz`: it can serve pages: the database answers, the cache answers and every
migration is applied; 503 with the failing check named otherwise.

Answered by a middleware ahead of all others, so a probe by IP address is not refused by
ALLOWED_HOSTS, not redirected to HTTPS, opens no session and writes no access-log line.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"

logger = logging.getLogger(__name__)

# Once every migration was found applied, this process's code cannot need another.
_migrations_applied = False


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("migrations are not applied: run manage.py migrate")
    _migrations_applied = True


READINESS_CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "migrations": check_migrations,
}


def readiness() -> dict[str, str]:
    """Each check's name with "ok" or "failing". The reason goes to the log, not to the
    (public) probe answer, which must not show database hosts or names."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Readiness check %s failed", name, extra={"check": name})
            results[name] = "failing"
        else:
            results[name] = "ok"
    return results


def probe_response(payload: dict, status: int) -> JsonResponse:
    response = JsonResponse(payload, status=status)
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == LIVENESS_PATH:
            return probe_response({"status": "ok"}, 200)
        if request.path_info == READINESS_PATH:
            checks = readiness()
            ready = all(result == "ok" for result in checks.values())
            return probe_response(
                {"status": "ok" if ready else "unavailable", "checks": checks},
                200 if ready else 503,
            )
        return self.get_response(request)
