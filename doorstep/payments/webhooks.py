"""The webhook inbox: verify, store once by provider event id, handle in an idempotent task.

`webhook_receive` checks the signature on the raw body and inserts the event; a duplicate id
is a no-op. `webhook_handle` runs in one transaction with the event row locked: the effects
and `handled_at` commit together, so a redelivered or re-run event does nothing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from doorstep.core.audit import Actor
from doorstep.core.money import format_money

from .ledger import payment_apply_result, payment_mismatch_record
from .models import Payment, WebhookEvent, WebhookRejection
from .providers import connected_account, provider_named
from .providers.base import ChargeResult, InvalidSignature
from .refunds import refund_sync

log = logging.getLogger("doorstep.payments.webhooks")

STATUS_FOR_EVENT = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.processing": "processing",
    "payment_intent.payment_failed": "failed",
    "payment_intent.requires_action": "requires_action",
    "payment_intent.canceled": "canceled",
}
# PostgreSQL and SQLite (>= 3.35) both know ON CONFLICT ... RETURNING.
INBOX_INSERT = (
    "INSERT INTO payments_webhookevent "
    "(provider, event_id, event_type, account, payload, received_at, outcome) "
    "VALUES (%s, %s, %s, %s, %s, %s, '') "
    "ON CONFLICT (provider, event_id) DO NOTHING RETURNING id"
)
REFUND_EVENTS = {"charge.refunded", "charge.refund.updated", "refund.updated", "refund.created"}


@dataclass(frozen=True)
class Received:
    status: int  # the HTTP answer: 200, or 400 for anything unsigned, forged or stale
    reason: str
    event_pk: int | None = None


def webhook_receive(
    *,
    provider: str,
    payload: bytes,
    signature: str,
    ip_address: str | None = None,
    enqueue: bool = True,
) -> Received:
    try:
        event = provider_named(provider).event_parse(payload=payload, signature=signature)
    except InvalidSignature as exc:
        WebhookRejection.objects.create(
            provider=provider,
            reason=str(exc)[:200],
            ip_address=ip_address,
            body_sha256=hashlib.sha256(payload).hexdigest(),
        )
        log.warning("webhook rejected (%s): %s", provider, exc)
        return Received(400, "invalid signature")
    stored_pk = _inbox_insert(
        provider=provider,
        event_id=event.id[:100],
        event_type=event.type[:80],
        account=event.account[:64],
        payload=event.payload,
    )
    if stored_pk is None:
        return Received(200, "duplicate")
    if enqueue:
        transaction.on_commit(lambda: _enqueue(stored_pk))
    return Received(200, "stored", stored_pk)


def _inbox_insert(
    *, provider: str, event_id: str, event_type: str, account: str, payload: Any
) -> int | None:
    """Store the event once: the unique (provider, event_id) index decides, in one statement
    (a duplicate costs no exception, savepoint or extra SELECT). Returns None for a duplicate.
    A concurrent insert of the same id waits for the other transaction, then sees the row."""
    meta = WebhookEvent._meta
    payload_field = meta.get_field("payload")
    params = [
        provider,
        event_id,
        event_type,
        account,
        payload_field.get_db_prep_save(payload, connection),
        meta.get_field("received_at").get_db_prep_save(timezone.now(), connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(INBOX_INSERT, params)
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _enqueue(event_pk: int) -> None:
    from .tasks import handle_webhook_event

    handle_webhook_event.enqueue(event_pk)


@transaction.atomic(savepoint=False)
def webhook_handle(*, event_pk: int) -> str:
    event = WebhookEvent.objects.select_for_update().filter(pk=event_pk).first()
    if event is None or event.handled_at is not None:
        return "already handled"
    outcome = _dispatch(event)
    event.handled_at = timezone.now()
    event.outcome = outcome[:200]
    event.save(update_fields=["handled_at", "outcome", "company"])
    return outcome


def _payment_for(event: WebhookEvent, data: dict[str, Any]) -> tuple[Payment | None, str]:
    metadata = data.get("metadata") or {}
    reference = str(data.get("payment_intent") or data.get("id") or "")
    payment = None
    if metadata.get("payment_id"):
        try:
            payment = (
                Payment.objects.select_for_update(of=("self",))
                .select_related("company__settings", "customer")
                .filter(pk=int(metadata["payment_id"]), company_id=int(metadata["company_id"]))
                .first()
            )
        except (TypeError, ValueError, KeyError):
            payment = None
    if payment is None and reference:
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("company__settings", "customer")
            .filter(provider=event.provider, provider_reference=reference)
            .first()
        )
    if payment is None:
        return None, "ignored: no such payment"
    event.company_id = payment.company_id
    if payment.provider != event.provider:
        return None, "ignored: another provider"
    if event.provider == "stripe" and event.account != connected_account(payment.company):
        # An event of another company's connected account can never touch this payment.
        return None, "ignored: another account"
    if (
        data.get("object") == "payment_intent"
        and payment.provider_reference
        and payment.provider_reference != reference
    ):
        return None, "ignored: another intent"
    return payment, ""


def _dispatch(event: WebhookEvent) -> str:
    data = (event.payload.get("data") or {}).get("object") or {}
    actor = Actor.webhook(f"{event.provider} {event.event_type}")
    if event.event_type in STATUS_FOR_EVENT:
        payment, why = _payment_for(event, data)
        if payment is None:
            return why
        mismatch = _amount_mismatch(payment, data)
        if mismatch:
            payment_mismatch_record(payment=payment, reported=mismatch, actor=actor)
            return f"ignored: amount or currency mismatch on payment {payment.pk}"
        error = data.get("last_payment_error") or {}
        result = ChargeResult(
            status=STATUS_FOR_EVENT[event.event_type],
            reference=str(data.get("id") or ""),
            failure_code=str(error.get("decline_code") or error.get("code") or ""),
            failure_message=_failure_message(error),
        )
        before = payment.state
        after = payment_apply_result(
            payment_id=payment.pk, result=result, actor=actor, locked=payment
        ).state
        return f"payment {payment.pk}: {before} -> {after}"
    if event.event_type in REFUND_EVENTS:
        return _dispatch_refunds(event, data, actor)
    return "ignored: event type not used"


def _amount_mismatch(payment: Payment, data: dict[str, Any]) -> str:
    """What the event says moved, when that is not what this attempt asked for ('' when it
    is). A signed event only proves it came from the provider (and the account), not that it
    describes our charge: an intent for 1 JPY carrying our payment's metadata must not pay a
    $100.00 invoice."""
    currency = str(data.get("currency") or "").upper()
    amounts = [data.get("amount")]
    if data.get("amount_received"):  # what was actually taken, once the intent succeeded
        amounts.append(data.get("amount_received"))
    try:
        numbers = [int(a) for a in amounts if a is not None and not isinstance(a, bool)]
    except (TypeError, ValueError):
        numbers = []
    if currency == payment.currency.upper() and numbers and set(numbers) == {payment.amount}:
        return ""
    if not numbers or not currency:
        return f"an event without a usable amount and currency ({amounts}, {currency!r})"[:120]
    try:
        return ", ".join(f"{format_money(n, currency)} {currency}" for n in numbers)[:120]
    except (ValueError, KeyError, ArithmeticError):  # a currency code babel does not know
        return ", ".join(f"{n} {currency} (minor units)" for n in numbers)[:120]


def _failure_message(error: dict[str, Any]) -> str:
    code = error.get("code") or ""
    if code in ("authentication_required", "payment_intent_authentication_failure"):
        return "Your bank asks you to confirm this payment."
    return str(error.get("message") or "The payment did not go through.")


def _dispatch_refunds(event: WebhookEvent, data: dict[str, Any], actor: Actor) -> str:
    if data.get("object") == "charge":
        refunds = (data.get("refunds") or {}).get("data") or []
        owner = {"payment_intent": data.get("payment_intent"), "metadata": data.get("metadata")}
    else:
        refunds = [data]
        owner = {"payment_intent": data.get("payment_intent"), "metadata": data.get("metadata")}
    payment, why = _payment_for(event, {k: v for k, v in owner.items() if v})
    if payment is None:
        return why
    done = []
    for item in refunds:
        status = {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}.get(
            str(item.get("status")), "pending"
        )
        refund = refund_sync(
            payment=payment,
            reference=str(item.get("id") or ""),
            amount=int(item.get("amount") or 0),
            status=status,
            actor=actor,
        )
        if refund is not None:
            done.append(f"{refund.pk}:{refund.state}")
    return f"payment {payment.pk} refunds " + (", ".join(done) or "unchanged")
