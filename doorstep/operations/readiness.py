"""`/healthz` and `/readyz`: for the load balancer, the platform and the deploy script.

- `/healthz`: the process is alive and answers. No database, so a database outage never makes
  the platform restart every web process at once.
- `/readyz`: this process can do its work: the database answers, every migration this code
  knows is applied (checked once; a process that saw them applied never asks again, since
  migrations are only ever added), and the oldest waiting background task has waited less than
  READYZ_MAX_QUEUE_LAG_SECONDS (doorstep/core/queue_health.py). 200 or 503, with a body that
  names which check failed and nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from doorstep.core.queue_health import queue_lag

_migrations_applied = False
_leaf_nodes: list[tuple[str, str]] | None = None


def _leaves() -> list[tuple[str, str]]:
    global _leaf_nodes
    if _leaf_nodes is None:  # read from the migration files once per process, no database
        _leaf_nodes = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    return _leaf_nodes


def migrations_applied() -> bool:
    """Every app's newest migration is recorded in django_migrations (one query, until true)."""
    global _migrations_applied
    if _migrations_applied:
        return True
    leaves = _leaves()
    wanted = Q()
    for app, name in leaves:
        wanted |= Q(app=app, name=name)
    found = MigrationRecorder.Migration.objects.filter(wanted).count() if leaves else 0
    _migrations_applied = found == len(leaves)
    return _migrations_applied


def migrations_forget() -> None:
    """Tests only: ask the database again on the next /readyz."""
    global _migrations_applied
    _migrations_applied = False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        checks["migrations"] = "ok" if migrations_applied() else "pending"
        lag = queue_lag()
        checks["database"] = "ok"
        checks["queue"] = "late" if lag.over(settings.READYZ_MAX_QUEUE_LAG_SECONDS) else "ok"
    except DatabaseError:
        connection.close_if_unusable_or_obsolete()
        checks = {"database": "unreachable"}
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
