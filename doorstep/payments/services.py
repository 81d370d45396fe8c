"""Recording money against invoices. Balances change only here, under a row lock."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from doorstep.billing.models import Invoice, InvoiceState
from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.money import format_money

from .models import Payment, PaymentAllocation, PaymentMethod, PaymentState


def invoice_apply_payment(*, invoice: Invoice, amount: int) -> None:
    """Add `amount` to what was paid. The caller holds the invoice row lock."""
    invoice.amount_paid += amount
    invoice.balance_due = invoice.total - invoice.amount_paid
    invoice.paid_at = timezone.now() if invoice.balance_due == 0 else None
    invoice.save(update_fields=["amount_paid", "balance_due", "paid_at", "updated_at"])


@transaction.atomic
def payment_record_manual(
    *, company: Any, invoice: Invoice, amount: int, method: str, actor: Actor, note: str = ""
) -> Payment:
    """Staff record a payment received outside the portal (cash, check, card on site)."""
    if method not in PaymentMethod.values:
        raise DomainError("Choose how the customer paid.", field="method")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, company=company)
    if invoice.state != InvoiceState.OPEN:
        raise DomainError(f"{invoice.display_number} is not open; send it first.")
    if amount <= 0:
        raise DomainError("The amount must be more than zero.", field="amount")
    if amount > invoice.balance_due:
        raise DomainError("That is more than the balance due.", field="amount")
    payment = Payment.objects.create(
        company=company,
        customer_id=invoice.customer_id,
        amount=amount,
        currency=invoice.currency,
        method=method,
        state=PaymentState.SUCCEEDED,
        recorded_by=actor.user,
        received_at=timezone.now(),
        note=note,
    )
    PaymentAllocation.objects.create(
        company=company, payment=payment, invoice=invoice, amount=amount
    )
    invoice_apply_payment(invoice=invoice, amount=amount)
    audit_record(
        company=company,
        target=invoice,
        verb="payment.recorded",
        actor=actor,
        message=f"Payment of {format_money(amount, invoice.currency)} recorded ({method})",
        data={"payment_id": payment.pk, "amount": amount},
    )
    return payment
