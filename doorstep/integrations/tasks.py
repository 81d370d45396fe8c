"""Periodic housekeeping: finished limit windows and expired idempotency records."""

from __future__ import annotations

from django_tasks import task

from doorstep.tenancy.rls import cross_tenant

from .idempotency import idempotency_prune
from .limits import request_counts_prune


@task()
@cross_tenant  # every company's finished windows and records
def integrations_prune() -> None:
    request_counts_prune()
    idempotency_prune()
