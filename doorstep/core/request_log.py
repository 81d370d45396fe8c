"""One log line and one set of metrics per request and per background task.

`RequestLogMiddleware` is first in MIDDLEWARE: it picks the request id (a sane incoming
X-Request-ID, else a new one), returns it in the `X-Request-ID` header, counts the database
queries and the time, and writes one line to the `doorstep.request` logger:

    request_id, company_id, actor (customer/staff/api/anonymous), route (the URL pattern,
    e.g. "p/<slug:company_slug>/l/<str:token>", never the raw path), method, status,
    duration_ms, queries

The task line (`doorstep.task`: task, task_id, company_id when the task was given one,
duration_ms, outcome) comes from django-tasks' task_finished signal, for the worker and for
tasks run inline alike.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished
from django.db import connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished

from . import metrics
from .request_context import request_context_begin, request_context_end, request_id_choose

request_log = logging.getLogger("doorstep.request")
task_log = logging.getLogger("doorstep.task")

UNMATCHED = "(no route)"
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Incoming webhooks: refused deliveries are counted by route, failed handling by task.
WEBHOOK_ROUTES = ("webhooks/", "hooks/")
WEBHOOK_TASKS = {"doorstep.payments.tasks.handle_webhook_event"}


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ):
        self.count += 1
        return execute(sql, params, many, context)


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else UNMATCHED


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_choose(request.headers.get("X-Request-ID"))
        context = request_context_begin(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        request.doorstep_context = context  # type: ignore[attr-defined]
        counter = QueryCounter()
        started = time.perf_counter()
        with _counting(counter):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        self._record(request, response.status_code, started, counter, context)
        # The context stays until request_finished: Django logs "Not Found" and 500s after
        # the middleware returned, and those lines need the request id too.
        return response

    @staticmethod
    def _record(request, status: int, started: float, counter: QueryCounter, context) -> None:
        seconds = time.perf_counter() - started
        route = route_of(request)
        method = request.method or ""
        # A client can send any method name: unknown ones share one series.
        label = method if method in KNOWN_METHODS else "other"
        metrics.REQUESTS.labels(route, label, str(status)).inc()
        metrics.REQUEST_SECONDS.labels(route).observe(seconds)
        if status >= 400 and route.startswith(WEBHOOK_ROUTES):
            metrics.INCOMING_WEBHOOK_FAILURES.labels(route, "received").inc()
        duration_ms = round(seconds * 1000, 1)
        request_log.info(
            "%s %s %s %sms %sq",
            method,
            route,
            status,
            duration_ms,
            counter.count,
            extra={
                "request_id": context.request_id,
                "company_id": context.company_id,
                "actor": context.actor,
                "route": route,
                "method": method,
                "status": status,
                "duration_ms": duration_ms,
                "queries": counter.count,
            },
        )


class _counting:
    """Counts the queries of every database connection this thread uses for the request."""

    def __init__(self, counter: QueryCounter) -> None:
        self.counter = counter
        self.wrapped: list[Any] = []

    def __enter__(self) -> None:
        for connection in connections.all():
            manager = connection.execute_wrapper(self.counter)
            manager.__enter__()
            self.wrapped.append(manager)

    def __exit__(self, *exc: Any) -> None:
        for manager in reversed(self.wrapped):
            manager.__exit__(*exc)


@receiver(request_finished, dispatch_uid="doorstep.core.request_log.request_finished")
def request_context_clear(sender: Any, **kwargs: Any) -> None:
    request_context_end()


@receiver(task_finished, dispatch_uid="doorstep.core.request_log.task_finished")
def task_finished_log(sender: Any, task_result: Any, **kwargs: Any) -> None:
    task = task_result.task.module_path
    outcome = "successful" if task_result.status == TaskResultStatus.SUCCESSFUL else "failed"
    seconds = None
    if task_result.started_at and task_result.finished_at:
        seconds = (task_result.finished_at - task_result.started_at).total_seconds()
    metrics.TASKS.labels(task, outcome).inc()
    if seconds is not None:
        metrics.TASK_SECONDS.labels(task).observe(seconds)
    if outcome == "failed" and task in WEBHOOK_TASKS:
        metrics.INCOMING_WEBHOOK_FAILURES.labels(task, "handling").inc()
    company_id = (task_result.kwargs or {}).get("company_id")
    duration_ms = round(seconds * 1000, 1) if seconds is not None else None
    (task_log.warning if outcome == "failed" else task_log.info)(
        "task %s %s %sms",
        task,
        outcome,
        duration_ms,
        extra={
            "task": task,
            "task_id": str(task_result.id),
            "company_id": company_id if isinstance(company_id, int) else None,
            "duration_ms": duration_ms,
            "outcome": outcome,
        },
    )
