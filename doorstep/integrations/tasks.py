"""Periodic housekeeping: finished limit windows and expired idempotency records."""

from __future__ import annotations

from django_tasks import task

from .idempotency import idempotency_prune
from .limits import request_counts_prune


@task()
def integrations_prune() -> None:
    request_counts_prune()
    idempotency_prune()
