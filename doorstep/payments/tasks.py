"""Thin tasks: load by id, call a service. Every one is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from doorstep.core.scheduler import register_periodic


@task()
def handle_webhook_event(event_pk: int) -> None:
    from .webhooks import webhook_handle

    webhook_handle(event_pk=event_pk)


@task()
def autopay_charge(invoice_id: int, company_id: int) -> None:
    from .autopay import autopay_charge_invoice

    autopay_charge_invoice(invoice_id=invoice_id, company_id=company_id)


@task()
def reconcile_payments() -> None:
    from .reconciliation import payments_reconcile

    payments_reconcile()


register_periodic("payments.reconcile", 300, reconcile_payments)
