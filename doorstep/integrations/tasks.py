"""Periodic housekeeping (finished limit windows, expired idempotency records) and webhook
delivery. Thin: each task loads by id and calls a service."""

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


@task()
# Maintenance, not tenant_scope: tenant_scope is one transaction, and the delivery commits its
# claim before the HTTP call (a 15 s call must not hold a transaction open). Reads one
# delivery by id and its own endpoint (docs/adr/0003, "Not done yet").
@cross_tenant
def deliver_webhook(delivery_id: int) -> None:
    from .webhooks.delivery import webhook_deliver

    webhook_deliver(delivery_id=delivery_id)


@task()
@cross_tenant  # every company's due retries
def deliver_due_webhooks() -> None:
    from .webhooks.delivery import webhooks_deliver_due

    webhooks_deliver_due()
