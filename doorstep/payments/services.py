"""Recording money received outside the portal against an invoice, under its row lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from doorstep.billing.balances import invoice_payment_apply
from doorstep.billing.models import Invoice, InvoiceState
from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.money import format_money
from doorstep.core.verbs import Verb
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.snapshots import record_snapshot
from doorstep.tenancy.models import Company

from . import adoption, notify
from .ledger import invoices_reserved
from .locks import invoices_lock
from .models import Payment, PaymentAllocation, PaymentMethod, PaymentState

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


@transaction.atomic
def payment_record_manual(
    *,
    company: Company,
    invoice: Invoice,
    amount: int,
    method: str,
    actor: Actor,
    note: str = "",
    receipt: bool = True,
    request_key: str = "",
) -> Payment:
    """Staff record a payment received outside the portal (cash, check, bank transfer, card on
    site). The customer is emailed a receipt, as for a payment made in the portal (`receipt`
    False: history loaded after the fact, e.g. demo data, which no one should be emailed)."""
    if method not in PaymentMethod.values:
        raise DomainError("Choose how the customer paid.", field="method")
    locked = invoices_lock(Invoice.objects.filter(pk=invoice.pk, company=company))
    if not locked:
        raise Invoice.DoesNotExist(f"Invoice {invoice.pk} does not exist.")
    invoice = locked[0]
    if request_key:
        # Under the invoice's lock: the second of two identical posts finds the first.
        done = Payment.objects.filter(company=company, request_key=request_key[:40]).first()
        if done is not None:
            return done
    if invoice.state != InvoiceState.OPEN:
        raise DomainError(f"{invoice.display_number} is not open; send it first.")
    if amount <= 0:
        raise DomainError("The amount must be more than zero.", field="amount")
    reserved = invoices_reserved(invoice_ids=[invoice.pk]).get(invoice.pk, 0)
    if amount > invoice.balance_due - reserved:
        if reserved:
            raise DomainError(
                "That is more than the balance due less the online payments still in "
                f"progress ({format_money(reserved, invoice.currency)}).",
                field="amount",
            )
        raise DomainError("That is more than the balance due.", field="amount")
    payment = Payment.objects.create(
        company=company,
        customer_id=invoice.customer_id,
        amount=amount,
        currency=invoice.currency,
        method=method,
        state=PaymentState.SUCCEEDED,
        source="manual",
        recorded_by=actor.user,
        received_at=timezone.now(),
        note=note,
        request_key=request_key[:40],
    )
    allocation = PaymentAllocation.objects.create(
        company=company, payment=payment, invoice=invoice, amount=amount
    )
    invoice_payment_apply(invoice=invoice, amount=amount)
    audit_record(
        company=company,
        target=invoice,
        verb=Verb.PAYMENT_RECORDED,
        actor=actor,
        message=f"Payment of {format_money(amount, invoice.currency)} recorded ({method})",
        data={"payment_id": payment.pk, "amount": amount},
    )
    webhook_emit(
        company=company,
        type="payment.succeeded",
        data=record_snapshot(company, "payment", payment),
    )
    adoption.payment_recorded(payment=payment, invoice=invoice, actor=actor)
    if receipt:
        payment.company = company
        notify.notify_receipt(payment, allocations=[allocation])
    return payment
