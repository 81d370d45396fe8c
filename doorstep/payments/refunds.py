"""Refunds: staff give back all or part of a payment, through the provider.

Never more than was paid, counting earlier refunds and refunds still in flight. The Refund row
is written before the provider is called (its id is the idempotency key); the invoice balance
moves only when the provider confirms, under the payment and invoice row locks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from doorstep.billing.balances import invoice_payment_apply
from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.money import format_money
from doorstep.core.verbs import Verb
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.snapshots import record_snapshot
from doorstep.tenancy.models import Company

from . import notify
from .locks import payment_invoices_lock, payment_lock, payment_lock_by_id
from .models import Payment, PaymentState, Refund, RefundState
from .providers.base import ProviderError, connected_account, provider_named

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def refund_available(payment: Payment) -> int:
    """What can still be refunded: paid, less refunded, less refunds awaiting the provider."""
    if payment.state != PaymentState.SUCCEEDED:
        return 0
    pending = (
        Refund.objects.filter(payment=payment, state=RefundState.PENDING).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    return payment.amount - payment.amount_refunded - pending


@transaction.atomic
def refund_start(
    *,
    company: Company,
    payment: Payment,
    amount: int,
    refund_application_fee: bool,
    actor: Actor,
    reason: str = "",
    request_key: str = "",
) -> Refund:
    locked = payment_lock(Payment.objects.filter(pk=payment.pk, company=company))
    if locked is None:
        raise Payment.DoesNotExist(f"Payment {payment.pk} does not exist.")
    payment = locked
    if request_key:
        # Under the payment's lock: the second of two identical posts finds the first (and
        # asking the provider again with that refund's idempotency key changes nothing).
        done = Refund.objects.filter(company=company, request_key=request_key[:40]).first()
        if done is not None:
            return done
    if payment.state != PaymentState.SUCCEEDED:
        raise DomainError("Only a completed payment can be refunded.", field="amount")
    if amount <= 0:
        raise DomainError("Enter an amount more than zero.", field="amount")
    available = refund_available(payment)
    if amount > available:
        raise DomainError(
            f"At most {format_money(available, payment.currency)} can still be refunded.",
            field="amount",
        )
    refund = Refund.objects.create(
        company=company,
        payment=payment,
        amount=amount,
        refund_application_fee=refund_application_fee,
        reason=reason[:300],
        created_by=actor.user,
        request_key=request_key[:40],
    )
    audit_record(
        company=company,
        target=payment,
        verb=Verb.REFUND_STARTED,
        actor=actor,
        message=f"Refund of {format_money(amount, payment.currency)} started"
        + (" (platform fee refunded)" if refund_application_fee else " (platform fee kept)"),
        data={"refund_id": refund.pk},
    )
    return refund


def refund_create(
    *,
    company: Company,
    payment: Payment,
    amount: int,
    refund_application_fee: bool,
    actor: Actor,
    reason: str = "",
    request_key: str = "",
) -> Refund:
    """Start the refund, then ask the provider (outside the transaction)."""
    refund = refund_start(
        company=company,
        payment=payment,
        amount=amount,
        refund_application_fee=refund_application_fee,
        actor=actor,
        reason=reason,
        request_key=request_key,
    )
    if refund.state != RefundState.PENDING:
        return refund  # the same form posted twice: already done
    if not payment.provider or not payment.provider_reference:
        # Cash or check recorded by staff: the money goes back by hand; record it.
        return refund_apply_result(
            refund_id=refund.pk, status="succeeded", reference="", actor=actor
        )
    try:
        result = provider_named(payment.provider).refund(
            reference=payment.provider_reference,
            amount=amount,
            refund_application_fee=refund_application_fee,
            idempotency_key=refund.idempotency_key,
            account=connected_account(company),
        )
    except ProviderError as exc:
        refund_apply_result(
            refund_id=refund.pk, status="failed", reference="", actor=actor, message=str(exc)
        )
        raise DomainError(f"The payment processor refused the refund: {exc}") from exc
    return refund_apply_result(
        refund_id=refund.pk,
        status=result.status,
        reference=result.reference,
        actor=actor,
        message=result.failure_message,
    )


@transaction.atomic
def refund_apply_result(
    *, refund_id: int, status: str, reference: str, actor: Actor, message: str = ""
) -> Refund:
    """Record the provider's answer; idempotent (the webhook may bring it again)."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    payment = payment_lock_by_id(refund.payment_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    refund.payment = payment
    if reference and not refund.provider_reference:
        refund.provider_reference = reference[:100]
        refund.save(update_fields=["provider_reference"])
    if refund.state != RefundState.PENDING or status not in ("succeeded", "failed"):
        return refund
    if status == "failed":
        refund.state = RefundState.FAILED
        refund.failure_message = (message or "The provider refused the refund.")[:300]
        refund.completed_at = timezone.now()
        refund.save(update_fields=["state", "failure_message", "completed_at"])
        audit_record(
            company=payment.company,
            target=payment,
            verb=Verb.REFUND_FAILED,
            actor=actor,
            message=refund.failure_message,
        )
        return refund
    _apply_to_invoices(payment, refund.amount, actor)
    payment.amount_refunded += refund.amount
    payment.save(update_fields=["amount_refunded", "updated_at"])
    refund.state = RefundState.SUCCEEDED
    refund.completed_at = timezone.now()
    refund.save(update_fields=["state", "completed_at"])
    audit_record(
        company=payment.company,
        target=payment,
        verb=Verb.REFUND_SUCCEEDED,
        actor=actor,
        message=f"{format_money(refund.amount, payment.currency)} refunded",
        data={"refund_id": refund.pk, "platform_fee_refunded": refund.refund_application_fee},
    )
    webhook_emit(
        company=payment.company,
        type="refund.succeeded",
        data=record_snapshot(payment.company, "refund", refund, payment=payment.pk),
    )
    notify.notify_refund(refund)
    return refund


def _apply_to_invoices(payment: Payment, amount: int, actor: Actor) -> None:
    """Take the refund back from the invoices, the most recent allocation first."""
    pairs = payment_invoices_lock(payment)
    remaining = amount
    for allocation, invoice in reversed(pairs):
        if remaining == 0:
            break
        take = min(remaining, allocation.amount - allocation.amount_refunded)
        take = min(take, invoice.amount_paid)
        if take <= 0:
            continue
        allocation.amount_refunded += take
        allocation.save(update_fields=["amount_refunded"])
        invoice_payment_apply(invoice=invoice, amount=-take)
        audit_record(
            company=payment.company,
            target=invoice,
            verb=Verb.PAYMENT_REFUNDED,
            actor=actor,
            message=f"{format_money(take, payment.currency)} refunded to the customer",
            data={"payment_id": payment.pk},
        )
        remaining -= take


def refund_sync(
    *, payment: Payment, reference: str, amount: int, status: str, actor: Actor
) -> Refund | None:
    """A refund event from the provider: settle ours, or record one made at the provider
    (e.g. in the Stripe dashboard) so the invoice balance follows."""
    refund = Refund.objects.filter(payment=payment, provider_reference=reference).first()
    if refund is None:
        if status != "succeeded":
            return None
        with transaction.atomic():
            locked = payment_lock_by_id(payment.pk)
            if Refund.objects.filter(payment=payment, provider_reference=reference).exists():
                return None
            if amount <= 0 or amount > refund_available(locked):
                return None  # never more than was paid; staff see the event in the inbox
            refund = Refund.objects.create(
                company=payment.company,
                payment=locked,
                amount=amount,
                provider_reference=reference[:100],
                reason="Refunded at the payment provider",
            )
    return refund_apply_result(refund_id=refund.pk, status=status, reference=reference, actor=actor)
