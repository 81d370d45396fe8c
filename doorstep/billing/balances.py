"""The only place an invoice's money changes: total, amount paid, balance due, money pending
and the autopay "action needed" flag.

Payments (online, manual, refunds) and invoice edits call these functions; nothing else
writes those fields. The caller holds the invoice's row lock (payments take the payment row
first, then its invoices by id). A change to an open invoice's balance refreshes what its
customer owes (billing/customer_balances.py) in the same transaction. The database checks
the same rules (billing/models.py): never overpaid, never negative, balance = total - paid,
pending within the balance.
"""

from __future__ import annotations

from django.utils import timezone

from doorstep.core.errors import DomainError
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.snapshots import record_snapshot

from .customer_balances import balance_refresh
from .models import Invoice, InvoiceState


def invoice_totals_set(*, invoice: Invoice, subtotal: int, tax: int) -> Invoice:
    """New totals from the lines; what was paid stays, the balance follows.

    A total less than what the customer already paid is refused: refund first.
    """
    if subtotal < 0:
        raise DomainError("Discounts cannot make the invoice negative.")
    if subtotal + tax < invoice.amount_paid:
        raise DomainError(
            "The new total is less than what the customer already paid; "
            "refund the difference first."
        )
    invoice.subtotal, invoice.tax, invoice.total = subtotal, tax, subtotal + tax
    invoice.balance_due = invoice.total - invoice.amount_paid
    invoice.save(update_fields=["subtotal", "tax", "total", "balance_due", "updated_at"])
    _owed_changed(invoice)
    return invoice


def _owed_changed(invoice: Invoice) -> None:
    # Only an open invoice is owed (customer_balances.invoice_unpaid): a draft's or a void
    # one's new balance changes nothing the customer owes.
    if invoice.state == InvoiceState.OPEN:
        balance_refresh(company=invoice.company, customer=invoice.customer_id)


def invoice_payment_apply(*, invoice: Invoice, amount: int) -> None:
    """Add `amount` to what was paid (negative: a refund). Paid in full clears "action
    needed" and stamps `paid_at`; money pending never exceeds the new balance."""
    was_paid = invoice.balance_due == 0 and invoice.amount_paid > 0
    invoice.amount_paid += amount
    invoice.balance_due = invoice.total - invoice.amount_paid
    invoice.paid_at = timezone.now() if invoice.balance_due == 0 else None
    if invoice.balance_due == 0:
        invoice.action_needed = False
    invoice.amount_pending = min(invoice.amount_pending, invoice.balance_due)
    invoice.save(
        update_fields=[
            "amount_paid",
            "balance_due",
            "paid_at",
            "action_needed",
            "amount_pending",
            "updated_at",
        ]
    )
    _owed_changed(invoice)
    if invoice.balance_due == 0 and not was_paid:
        webhook_emit(
            company=invoice.company,
            type="invoice.paid",
            data=record_snapshot(invoice.company, "invoice", invoice),
        )


def invoice_payment_received(*, invoice: Invoice, amount: int, was_pending: bool) -> bool:
    """A payment's share for this invoice succeeded. Money the bank had been confirming
    (`was_pending`) is no longer pending. Returns False when the invoice has less balance
    left than `amount` (a late success after a decline, or cash recorded meanwhile): nothing
    is applied, never an overpayment; staff must refund."""
    if was_pending:
        invoice.amount_pending = max(0, invoice.amount_pending - amount)
    if amount > invoice.balance_due:
        invoice.save(update_fields=["amount_pending", "updated_at"])
        return False
    invoice_payment_apply(invoice=invoice, amount=amount)
    return True


def invoice_payment_processing(*, invoice: Invoice, amount: int) -> None:
    """The bank is confirming `amount` for this invoice (ACH): shown as "Payment pending"."""
    invoice.amount_pending = min(invoice.balance_due, invoice.amount_pending + amount)
    invoice.save(update_fields=["amount_pending", "updated_at"])


def invoice_payment_failed(
    *, invoice: Invoice, amount: int, was_pending: bool, autopay: bool
) -> None:
    """A payment's share for this invoice failed: money that was pending no longer is, and
    a failed autopay charge leaves the invoice "action needed" while a balance is due."""
    if was_pending:
        invoice.amount_pending = max(0, invoice.amount_pending - amount)
    if autopay and invoice.balance_due > 0:
        invoice.action_needed = True
    invoice.save(update_fields=["amount_pending", "action_needed", "updated_at"])
