"""`/metrics`: the Prometheus exposition (docs/deploy.md, "What to watch").

What each process counts (requests, latencies, tasks, incoming webhook failures:
doorstep/core/metrics.py) plus what the database says at scrape time:

- doorstep_queue_waiting_tasks, doorstep_queue_oldest_waiting_seconds (core/queue_health.py);
- doorstep_outbox_backlog{outbox=...}: messages not yet delivered, one series per outbox
  registered with `outbox_backlog_register` (the email/SMS outbox here; the outgoing webhooks
  outbox registers itself the same way).

Under gunicorn with PROMETHEUS_MULTIPROC_DIR set, the counters of every worker process are
added up from that directory, so any process answers for all of them.

Access: `Authorization: Bearer <METRICS_TOKEN>` or a REMOTE_ADDR in METRICS_ALLOWED_IPS;
neither configured, the page does not exist (404).
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from doorstep.core.queue_health import queue_lag
from doorstep.integrations.webhooks.outbox import webhook_backlog_all_companies
from doorstep.notifications.undelivered import outbox_backlog_all_companies
from doorstep.tenancy import rls

log = logging.getLogger("doorstep.metrics")

_OUTBOXES: dict[str, Callable[[], int]] = {
    "notifications": outbox_backlog_all_companies,
    "webhooks": webhook_backlog_all_companies,
}


def outbox_backlog_register(name: str, count: Callable[[], int]) -> None:
    """An app with an outbox of its own (outgoing webhooks) adds its "not yet delivered" count,
    e.g. in its AppConfig.ready: `outbox_backlog_register("webhooks", webhook_backlog)`."""
    _OUTBOXES[name] = count


class DatabaseFigures:
    """Read at scrape time; a database fault leaves these series out (and logs), never a 500."""

    def collect(self) -> Iterator[Metric]:
        try:
            lag = queue_lag()
            # Installation-wide counts over every company's outbox: the maintenance role's
            # (row-level security would show the app role none of them; docs/adr/0003).
            with rls.maintenance_scope():
                backlogs = {name: count() for name, count in sorted(_OUTBOXES.items())}
        except DatabaseError:
            log.warning("metrics: database unavailable; queue and outbox figures left out")
            return
        waiting = GaugeMetricFamily(
            "doorstep_queue_waiting_tasks", "Background tasks due and not claimed by a worker."
        )
        waiting.add_metric([], lag.waiting)
        oldest = GaugeMetricFamily(
            "doorstep_queue_oldest_waiting_seconds",
            "How long the oldest due, unclaimed background task has waited (0: none waits).",
        )
        oldest.add_metric([], lag.oldest_waiting_seconds)
        backlog = GaugeMetricFamily(
            "doorstep_outbox_backlog",
            "Messages not yet delivered, by outbox (notifications: email and SMS; webhooks).",
            labels=["outbox"],
        )
        for name, value in backlogs.items():
            backlog.add_metric([name], value)
        yield from (waiting, oldest, backlog)


class _ThisProcess:
    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(sent.strip(), token):
            return True
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN and not settings.METRICS_ALLOWED_IPS:
        raise Http404("Metrics are not switched on.")
    if not _allowed(request):
        response = HttpResponse(
            "A metrics token is needed.\n", status=401, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseFigures())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
