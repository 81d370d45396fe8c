"""Payment states and what each transition does to invoices. The invoice balances change in
doorstep.billing.balances, called from here under row locks taken in one order everywhere:
the payment row first, then its invoices by id.

State machine (never backwards; a late or duplicate event is a no-op):

    pending ──► requires_action ──► processing ──► succeeded
       │              │                  │
       └──────────────┴──► failed ◄──────┘        (cancelled from pending / requires_action)

failed/cancelled ──► succeeded only when the provider says money actually moved.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from doorstep.billing import balances
from doorstep.core.audit import Actor, audit_event, audit_record
from doorstep.core.models import AuditEvent
from doorstep.core.money import format_money
from doorstep.core.verbs import Verb
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.snapshots import record_snapshot

from . import adoption, notify
from .locks import payment_invoices_lock, payment_lock_by_id
from .models import (
    IN_FLIGHT_STATES,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentSource,
    PaymentState,
)
from .providers.base import ChargeResult

S = PaymentState
ALLOWED: dict[str, set[str]] = {
    S.PENDING: {S.REQUIRES_ACTION, S.PROCESSING, S.SUCCEEDED, S.FAILED, S.CANCELLED},
    S.REQUIRES_ACTION: {S.PROCESSING, S.SUCCEEDED, S.FAILED, S.CANCELLED},
    S.PROCESSING: {S.SUCCEEDED, S.FAILED},
    S.FAILED: {S.SUCCEEDED},
    S.CANCELLED: {S.SUCCEEDED},
    S.SUCCEEDED: set(),
}
RESULT_STATE = {
    "succeeded": S.SUCCEEDED,
    "processing": S.PROCESSING,
    "requires_action": S.REQUIRES_ACTION,
    "failed": S.FAILED,
    "canceled": S.CANCELLED,
}


def invoices_reserved(
    *, invoice_ids: list[int], exclude_payment: int | None = None
) -> dict[int, int]:
    """Money already on its way to each invoice: attempts not yet final. A new attempt may
    only take what is left, so ten simultaneous full-balance payments cannot all start."""
    rows = (
        PaymentAllocation.objects.filter(
            invoice_id__in=invoice_ids, payment__state__in=IN_FLIGHT_STATES
        )
        .exclude(payment_id=exclude_payment)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
    )
    return {row["invoice_id"]: row["total"] or 0 for row in rows}


@transaction.atomic(savepoint=False)  # all-or-nothing with any caller
def payment_apply_result(
    *, payment_id: int, result: ChargeResult, actor: Actor, locked: Payment | None = None
) -> Payment:
    """Record what the provider says about an attempt. Called by the browser return, the
    webhook handler, autopay and reconciliation alike; whichever comes second does nothing.
    `locked`: the caller already holds this payment's row lock (the webhook handler)."""
    payment = (
        locked if locked is not None and locked.pk == payment_id else payment_lock_by_id(payment_id)
    )
    changed = []
    if result.reference and not payment.provider_reference:
        payment.provider_reference = result.reference
        changed.append("provider_reference")
    if result.brand and not payment.card_brand and payment.method == PaymentMethod.CARD:
        payment.card_brand, payment.card_last4 = result.brand, result.last4
        changed += ["card_brand", "card_last4"]
    elif result.last4 and not payment.card_last4 and payment.method == PaymentMethod.ACH:
        payment.card_last4 = result.last4  # "Bank account ending 6789"
        changed.append("card_last4")
    if result.provider_fee and payment.fee_amount <= payment.platform_fee_amount:
        payment.fee_amount = payment.platform_fee_amount + result.provider_fee
        changed.append("fee_amount")
    if changed:
        payment.save(update_fields=[*changed, "updated_at"])
    target = RESULT_STATE.get(result.status)
    if target == S.REQUIRES_ACTION and payment.source == PaymentSource.AUTOPAY:
        # Off-session: nobody is there to confirm. No blind retry: the customer must act.
        target = S.FAILED
        result = ChargeResult(
            status="failed",
            reference=result.reference,
            failure_code="authentication_required",
            failure_message="Your bank asks you to confirm this payment.",
        )
    if target is None or target == payment.state or target not in ALLOWED[payment.state]:
        return payment
    if target == S.SUCCEEDED:
        _succeed(payment, actor)
    elif target == S.PROCESSING:
        _processing(payment, actor)
    elif target == S.FAILED:
        _fail(payment, result, actor)
    else:
        previous = payment.state
        payment.state = target
        payment.save(update_fields=["state", "updated_at"])
        audit_record(
            company=payment.company,
            target=payment,
            verb=Verb(f"payment.{target}"),
            actor=actor,
            message=f"{S(previous).label} → {S(target).label}",
        )
    return payment


def _succeed(payment: Payment, actor: Actor) -> None:
    was_processing = payment.state == S.PROCESSING
    unapplied = []
    audits = []  # written together in one statement
    pairs = payment_invoices_lock(payment)
    for allocation, invoice in pairs:
        if not balances.invoice_payment_received(
            invoice=invoice, amount=allocation.amount, was_pending=was_processing
        ):
            # Money moved for an invoice that is already paid: staff must refund.
            unapplied.append(invoice.display_number)
            continue
        audits.append(
            audit_event(
                company=payment.company,
                target=invoice,
                verb=Verb.PAYMENT_RECEIVED,
                actor=actor,
                message=f"{format_money(allocation.amount, payment.currency)} paid online "
                f"({payment.method_label})",
                data={"payment_id": payment.pk, "amount": allocation.amount},
            )
        )
    payment.state = S.SUCCEEDED
    payment.received_at = timezone.now()
    if unapplied:
        payment.failure_message = (
            f"Paid, but {', '.join(unapplied)} had no balance left: refund the customer."
        )[:300]
    payment.save(update_fields=["state", "received_at", "failure_message", "updated_at"])
    audits.append(
        audit_event(
            company=payment.company,
            target=payment,
            verb=Verb.PAYMENT_SUCCEEDED,
            actor=actor,
            message=f"{format_money(payment.amount, payment.currency)} received",
        )
    )
    AuditEvent.objects.bulk_create(audits)
    webhook_emit(
        company=payment.company,
        type="payment.succeeded",
        data=record_snapshot(payment.company, "payment", payment),
    )
    adoption.payment_settled(payment=payment, invoices=[i for _, i in pairs], actor=actor)
    if payment.save_method and payment.provider_method_ref:
        from .methods import saved_method_record

        saved_method_record(payment=payment)
    notify.notify_receipt(payment, allocations=[a for a, _ in pairs])
    if unapplied:
        notify.notify_billing(payment, template="payment_failed", extra={"unapplied": True})


def _processing(payment: Payment, actor: Actor) -> None:
    for allocation, invoice in payment_invoices_lock(payment):
        balances.invoice_payment_processing(invoice=invoice, amount=allocation.amount)
    payment.state = S.PROCESSING
    payment.save(update_fields=["state", "updated_at"])
    audit_record(
        company=payment.company,
        target=payment,
        verb=Verb.PAYMENT_PROCESSING,
        actor=actor,
        message="Waiting for the bank to confirm (up to 4 business days)",
    )
    adoption.payment_pending(payment=payment, actor=actor)
    notify.notify_receipt(payment, pending=True)


def _fail(payment: Payment, result: ChargeResult, actor: Actor) -> None:
    was_processing = payment.state == S.PROCESSING
    if was_processing or payment.source == PaymentSource.AUTOPAY:
        for allocation, invoice in payment_invoices_lock(payment):
            balances.invoice_payment_failed(
                invoice=invoice,
                amount=allocation.amount,
                was_pending=was_processing,
                autopay=payment.source == PaymentSource.AUTOPAY,
            )
    payment.state = S.FAILED
    payment.failure_code = (result.failure_code or "failed")[:60]
    payment.failure_message = (result.failure_message or "The payment did not go through.")[:300]
    payment.save(update_fields=["state", "failure_code", "failure_message", "updated_at"])
    audit_record(
        company=payment.company,
        target=payment,
        verb=Verb.PAYMENT_FAILED,
        actor=actor,
        message=f"Failed: {payment.failure_message}",
        data={"code": payment.failure_code},
    )
    webhook_emit(
        company=payment.company,
        type="payment.failed",
        data=record_snapshot(payment.company, "payment", payment),
    )
    if was_processing:
        notify.notify_customer(
            payment, template="ach_failed", extra={"pay_url": notify.customer_pay_link(payment)}
        )
        notify.notify_billing(payment, template="ach_failed")
    elif payment.source == PaymentSource.AUTOPAY:
        notify.notify_customer(
            payment,
            template="autopay_action_needed",
            extra={"pay_url": notify.customer_pay_link(payment)},
        )
        notify.notify_billing(
            payment, template="autopay_action_needed", extra={"pay_url": notify.pay_link(payment)}
        )
    else:
        notify.notify_billing(payment, template="payment_failed")


@transaction.atomic(savepoint=False)
def payment_mismatch_record(*, payment: Payment, reported: str, actor: Actor) -> Payment:
    """The provider reported money on this attempt that is not what it asked for (another
    amount or currency). Nothing is applied: no state change, no balance change. The attempt
    is flagged for staff, the change is audited and the billing inbox is told. The caller
    holds the payment's row lock (the webhook handler)."""
    expected = f"{format_money(payment.amount, payment.currency)} {payment.currency}"
    message = f"The provider reported {reported}; this attempt is for {expected}."
    payment.provider_mismatch = message[:300]
    payment.save(update_fields=["provider_mismatch", "updated_at"])
    audit_record(
        company=payment.company,
        target=payment,
        verb=Verb.PAYMENT_MISMATCH,
        actor=actor,
        message=message,
        data={"reported": reported, "amount": payment.amount, "currency": payment.currency},
    )
    notify.notify_billing(payment, template="payment_mismatch", extra={"reported": reported})
    return payment
