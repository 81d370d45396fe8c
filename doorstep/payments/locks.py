"""The one lock order of money rows: the payment first, then its invoices by id.

Every writer that changes a payment, a refund or an invoice balance (checkout, the ledger,
refunds, autopay, the webhook handler, the office's record-payment service) takes its row
locks through these functions, so no two writers ever wait for each other in opposite orders
(a deadlock on PostgreSQL). A refund row is locked after its payment and before the invoices.
A writer that creates the payment (a new attempt, a payment recorded by staff) locks only the
invoices, in id order too: the new payment row is locked by no one else.
"""

from __future__ import annotations

from django.db.models import QuerySet

from doorstep.billing.models import Invoice

from .models import Payment, PaymentAllocation


def payment_lock(payments: QuerySet[Payment]) -> Payment | None:
    """Lock the first payment of `payments` (step one), with its company, company settings
    and customer read in the same statement (every writer needs them)."""
    return (
        payments.select_for_update(of=("self",))
        .select_related("company__settings", "customer")
        .first()
    )


def payment_lock_by_id(payment_id: int) -> Payment:
    payment = payment_lock(Payment.objects.filter(pk=payment_id))
    if payment is None:
        raise Payment.DoesNotExist(f"Payment {payment_id} does not exist.")
    return payment


def payment_invoices_lock(payment: Payment) -> list[tuple[PaymentAllocation, Invoice]]:
    """Step two: the payment's allocations with their invoices, the invoice rows locked, in
    one query. PostgreSQL takes the row locks in the order the rows come out: by invoice id."""
    allocations = list(
        payment.allocations.select_related("invoice")
        .select_for_update(of=("invoice",))
        .order_by("invoice_id")
    )
    for allocation in allocations:
        # What follows (outgoing webhooks, the ledger) reads `invoice.company`: hand over the
        # payment's loaded company (the same row) instead of a SELECT per invoice.
        if allocation.invoice.company_id == payment.company_id:
            allocation.invoice.company = payment.company
    return [(a, a.invoice) for a in allocations]


def invoices_lock(invoices: QuerySet[Invoice]) -> list[Invoice]:
    """Invoices alone (no payment row exists yet), locked in id order."""
    return list(invoices.select_for_update().order_by("id"))
