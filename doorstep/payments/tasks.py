"""Thin tasks: load by id, call a service. Every one is safe to run twice.

The top of the payments app: the services below announce work through signals (signals.py,
billing's `invoice_sent`) and the receivers here enqueue it; apps.py connects them.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from doorstep.core.scheduler import register_periodic
from doorstep.core.task_enqueue import enqueue_with_transaction
from doorstep.tenancy.rls import cross_tenant, tenant_scope

from .autopay import autopay_charge_invoice
from .reconciliation import payments_reconcile
from .webhooks import webhook_handle


@task()
def handle_webhook_event(event_pk: int) -> None:
    webhook_handle(event_pk=event_pk)


@task()
def autopay_charge(invoice_id: int, company_id: int) -> None:
    with tenant_scope(company_id):
        autopay_charge_invoice(invoice_id=invoice_id, company_id=company_id)


@task()
@cross_tenant  # every company's unsettled attempts
def reconcile_payments() -> None:
    payments_reconcile()


def webhook_event_enqueue(sender: Any, event_pk: int, **kwargs: Any) -> None:
    enqueue_with_transaction(handle_webhook_event, event_pk)


register_periodic("payments.reconcile", 300, reconcile_payments)


def autopay_after_invoice_sent(*, invoice_id: int, company_id: int) -> None:
    """An invoice email went to the customer (first send or resend): charge in a task."""
    autopay_charge.enqueue(invoice_id, company_id)
