"""Periodic housekeeping (finished limit windows, expired idempotency records) and webhook
delivery. Thin: each task loads by id and calls a service."""

from __future__ import annotations

from django_tasks import task

from .idempotency import idempotency_prune
from .limits import request_counts_prune


@task()
def integrations_prune() -> None:
    request_counts_prune()
    idempotency_prune()


@task()
def deliver_webhook(delivery_id: int) -> None:
    from .webhooks.delivery import webhook_deliver

    webhook_deliver(delivery_id=delivery_id)


@task()
def deliver_due_webhooks() -> None:
    from .webhooks.delivery import webhooks_deliver_due

    webhooks_deliver_due()
