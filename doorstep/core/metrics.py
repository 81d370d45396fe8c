"""The Prometheus metrics every process records (docs/deploy.md, "What to watch").

Counters and histograms live in each process; under gunicorn set PROMETHEUS_MULTIPROC_DIR
(an empty directory, wiped at each start) and every process writes its values there, and
`/metrics` adds them up (prometheus_client's multiprocess mode). Figures read from the database
at scrape time (queue depth and lag, outbox backlogs) are collected by the /metrics view itself
(doorstep/operations/metrics_view.py), never stored per process.

Labels are route templates and status codes, never raw paths, companies or ids, so the number
of series stays small and no token or customer ever reaches the metrics.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "doorstep_http_requests",
    "HTTP requests answered, by URL route template, method and status code.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "doorstep_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL route template.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASKS = Counter(
    "doorstep_tasks",
    "Background tasks run, by task and outcome (successful, failed).",
    ["task", "outcome"],
)
TASK_SECONDS = Histogram(
    "doorstep_task_duration_seconds",
    "Time a background task ran, by task.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0, 600.0),
)
INCOMING_WEBHOOK_FAILURES = Counter(
    "doorstep_incoming_webhook_failures",
    "Incoming webhooks (Stripe, Twilio) we refused or could not take (HTTP 4xx/5xx), and "
    "webhook-handling tasks that failed, by route or task and stage.",
    ["source", "stage"],
)
