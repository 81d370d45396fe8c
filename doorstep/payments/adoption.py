"""What payments tell the portal-adoption ledger (doorstep.adoption): a payment settled or
pending (ACH) in the channel it was started from, and an invoice paid in full."""

from __future__ import annotations

from typing import Any

from doorstep.adoption.ledger import activity_record, payment_channel, payment_settled_record
from doorstep.adoption.models import ActivityVerb, Channel
from doorstep.core.audit import Actor

from .models import Payment


def payment_settled(*, payment: Payment, invoices: list[Any], actor: Actor) -> None:
    payment_settled_record(
        company=payment.company,
        payment_id=payment.pk,
        customer_id=payment.customer_id,
        amount=payment.amount,
        actor_type=actor.type,
        paid_invoices=[(i.pk, i.customer_id) for i in invoices if i.balance_due <= 0],
    )


def payment_pending(*, payment: Payment, actor: Actor) -> None:
    channel = payment_channel(company=payment.company, payment_id=payment.pk)
    _payment_row(payment, ActivityVerb.PAYMENT_PENDING, channel, actor)


def payment_recorded(*, payment: Payment, invoice: Any, actor: Actor) -> None:
    """Cash, a check or a transfer recorded by staff: started and settled in the office."""
    _payment_row(payment, ActivityVerb.PAYMENT_STARTED, Channel.OFFICE, actor)
    _payment_row(payment, ActivityVerb.PAYMENT_SETTLED, Channel.OFFICE, actor)
    _invoice_paid(payment, invoice, Channel.OFFICE, actor)


def _payment_row(payment: Payment, verb: str, channel: str, actor: Actor) -> None:
    activity_record(
        company=payment.company,
        verb=verb,
        object_type="payment",
        object_id=payment.pk,
        actor_type=actor.type,
        customer_id=payment.customer_id,
        channel=channel,
        amount=payment.amount,
    )


def _invoice_paid(payment: Payment, invoice: Any, channel: str, actor: Actor) -> None:
    if invoice.balance_due > 0:
        return
    activity_record(
        company=payment.company,
        verb=ActivityVerb.INVOICE_PAID,
        object_type="invoice",
        object_id=invoice.pk,
        actor_type=actor.type,
        customer_id=invoice.customer_id,
        channel=channel,
    )
