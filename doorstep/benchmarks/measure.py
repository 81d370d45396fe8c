"""Timing pages through the Django test client, and the floor: their templates alone.

A page sample times whole requests (URL routing, middleware, session check, view, queries,
template) with time.perf_counter and counts the SQL statements each request sends (an
execute_wrapper that only counts, so the count costs nanoseconds, not a query log).

The floor renders the page's own template with the context the view built, materialised once,
while every SQL statement raises DatabaseBlocked: it provably touches no database, so the gap
between a page and its floor is what the data access and request handling cost.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db import connection
from django.db.models import QuerySet
from django.template import Template as EngineTemplate
from django.template.loader import get_template
from django.test import Client
from django.test import utils as test_utils


class DatabaseBlocked(RuntimeError):
    """The floor tried to reach the database."""


class PageFailed(RuntimeError):
    """A page did not answer 200 (the numbers would be meaningless)."""


@dataclass
class Sample:
    """Seconds per request (or render), and SQL statements per request."""

    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    db_times: list[float] = field(default_factory=list)  # inside cursor.execute, per request
    # This thread's CPU time per request: unlike the wall clock it does not grow while other
    # processes hold the CPU, so cpu + db estimates the request on an otherwise idle machine.
    cpu_times: list[float] = field(default_factory=list)
    statements: list[tuple[float, str]] = field(default_factory=list)  # of the last request
    size: int = 0

    def extend(self, other: Sample) -> None:
        self.times += other.times
        self.queries += other.queries
        self.db_times += other.db_times
        self.cpu_times += other.cpu_times
        self.statements = other.statements or self.statements
        self.size = other.size or self.size

    def percentile(self, pct: int) -> float:
        if not self.times:
            return 0.0
        if len(self.times) == 1:
            return self.times[0]
        return statistics.quantiles(self.times, n=100, method="inclusive")[pct - 1]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def db_p50(self) -> float:
        return statistics.median(self.db_times) if self.db_times else 0.0

    @property
    def busy_p95(self) -> float:
        """p95 of (CPU time + time waiting for the database) per request."""
        busy = [c + d for c, d in zip(self.cpu_times, self.db_times, strict=True)]
        return Sample(times=busy).p95


class QueryCounter:
    """Counts statements and the time spent waiting for the database to answer them."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.statements: list[tuple[float, str]] = []

    def reset(self) -> None:
        self.count, self.seconds, self.statements = 0, 0.0, []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any
    ) -> Any:
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, ctx)
        finally:
            elapsed = time.perf_counter() - started
            self.seconds += elapsed
            self.statements.append((elapsed, sql))


def _refuse(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
    raise DatabaseBlocked(f"the floor reached the database: {sql[:200]}")


@contextmanager
def database_blocked() -> Iterator[None]:
    with connection.execute_wrapper(_refuse):
        yield


def time_requests(
    client: Client,
    url: str,
    *,
    count: int,
    warmup: int,
    headers: dict[str, str] | None = None,
    before_each: Callable[[], None] | None = None,
    content_type: str = "text/html",
    floor: Callable[[], Any] | None = None,
) -> tuple[Sample, Sample | None]:
    """`warmup` untimed requests, then `count` timed ones; every answer must be a 200.

    With `floor`, each request is followed by one floor render (database blocked): on a
    shared machine both then see the same load, so their ratio stays meaningful.
    """
    sample, floor_sample = Sample(), Sample() if floor else None
    counter = QueryCounter()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
    for n in range(warmup + count):
        if before_each:
            before_each()
        counter.reset()
        with connection.execute_wrapper(counter):
            cpu_started, started = time.thread_time(), time.perf_counter()
            response = client.get(url, **extra)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - started
            cpu = time.thread_time() - cpu_started
        if response.status_code != 200 or content_type not in response["Content-Type"]:
            raise PageFailed(f"GET {url} answered {response.status_code}")
        if n >= warmup:
            sample.times.append(elapsed)
            sample.queries.append(counter.count)
            sample.db_times.append(counter.seconds)
            sample.cpu_times.append(cpu)
            sample.statements = counter.statements
            sample.size = len(response.content)
        if floor and floor_sample is not None:
            with database_blocked():
                started = time.perf_counter()
                rendered = floor()
                elapsed = time.perf_counter() - started
            if n >= warmup:
                floor_sample.times.append(elapsed)
                floor_sample.queries.append(0)
                floor_sample.size = len(rendered)
    return sample, floor_sample


@contextmanager
def templates_recorded() -> Iterator[None]:
    """Let the test client report response.templates / response.context (as tests do).

    Only around the capture requests: the recording copies every context, which would
    inflate the timed requests. Under pytest it is already on, and stays on.
    """
    if getattr(EngineTemplate, "_render", None) is test_utils.instrumented_test_render:  # type: ignore[attr-defined]
        yield
        return
    test_utils.setup_test_environment()
    try:
        yield
    finally:
        test_utils.teardown_test_environment()


@dataclass
class Captured:
    """What a page rendered: its template's name, a materialised context, its request."""

    template_name: str
    context: dict[str, Any]
    request: Any
    size: int


def _materialise(value: Any) -> Any:
    """Evaluate lazy data once, so rendering it again needs no database."""
    if isinstance(value, QuerySet):
        len(value)  # fills the result cache; .count/.exists/iteration then use it
    elif isinstance(value, Page):
        list(value)
        value.paginator.num_pages  # noqa: B018 (a cached_property: the COUNT query)
    return value


def capture_page(client: Client, url: str, headers: dict[str, str] | None = None) -> Captured:
    """One request with template recording on: the top-level template and its context."""
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
    with templates_recorded():
        response = client.get(url, **extra)  # type: ignore[arg-type]
    if response.status_code != 200:
        raise PageFailed(f"GET {url} answered {response.status_code}")
    contexts: Any = response.context
    first = contexts[0] if isinstance(contexts, list) else contexts
    flat = {key: _materialise(value) for key, value in first.flatten().items()}
    return Captured(
        template_name=str(response.templates[0].name),
        context=flat,
        request=response.wsgi_request,
        size=len(response.content),
    )


def floor_render(captured: Captured) -> Callable[[], str]:
    template = get_template(captured.template_name)

    def render() -> str:
        return template.render(captured.context, captured.request)

    return render
