"""Stripe's webhook events in our words: a verified body becomes one neutral ProviderEvent.

Only here are Stripe's event names and objects known (`payment_intent.*` carries a
PaymentIntent, `charge.refunded` a Charge with its refunds, `refund.*` a Refund); the inbox
and the ledger see `EventKind`s, amounts and references.
"""

from __future__ import annotations

import json
from typing import Any

from ..base import EventKind, InvalidSignature, ProviderEvent, RefundUpdate

PAYMENT_EVENTS = {
    "payment_intent.succeeded": EventKind.PAYMENT_SUCCEEDED,
    "payment_intent.processing": EventKind.PAYMENT_PROCESSING,
    "payment_intent.payment_failed": EventKind.PAYMENT_FAILED,
    "payment_intent.requires_action": EventKind.PAYMENT_REQUIRES_ACTION,
    "payment_intent.canceled": EventKind.PAYMENT_CANCELED,
}
REFUND_EVENTS = {"charge.refunded", "charge.refund.updated", "refund.updated", "refund.created"}
REFUND_STATUS = {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}
# Stripe's codes for "the bank wants the customer to confirm": said in the customer's words.
AUTHENTICATION_CODES = ("authentication_required", "payment_intent_authentication_failure")


def event_from_payload(payload: bytes) -> ProviderEvent:
    """A signed body that is not a Stripe event is refused like a bad signature."""
    try:
        body = json.loads(payload)
    except ValueError as exc:
        raise InvalidSignature("signed but not an event") from exc
    return event_read(body)


def event_read(body: Any) -> ProviderEvent:
    try:
        event_type = str(body["type"])
        data = body["data"]["object"]
        event_id = str(body["id"])
        account = str(body.get("account") or "")
    except (KeyError, TypeError, AttributeError) as exc:
        raise InvalidSignature("signed but not an event") from exc
    data = data if isinstance(data, dict) else {}
    if event_type in PAYMENT_EVENTS:
        return _payment_event(event_id, event_type, account, data)
    if event_type in REFUND_EVENTS:
        return _refund_event(event_id, event_type, account, data)
    return ProviderEvent(event_id=event_id, kind=EventKind.UNUSED, type=event_type, account=account)


def _metadata(data: dict[str, Any]) -> dict[str, str]:
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        return {}
    return {str(key): str(value) for key, value in metadata.items()}


def _amounts(data: dict[str, Any]) -> tuple[int, ...]:
    """The intent's `amount` and, once it succeeded, `amount_received` (what was taken)."""
    amounts = [data.get("amount")]
    if data.get("amount_received"):
        amounts.append(data.get("amount_received"))
    try:
        return tuple(int(a) for a in amounts if a is not None and not isinstance(a, bool))
    except (TypeError, ValueError):
        return ()


def _payment_event(
    event_id: str, event_type: str, account: str, data: dict[str, Any]
) -> ProviderEvent:
    error = data.get("last_payment_error")
    error = error if isinstance(error, dict) else {}
    return ProviderEvent(
        event_id=event_id,
        kind=PAYMENT_EVENTS[event_type],
        type=event_type,
        account=account,
        payment_reference=str(data.get("id") or ""),
        metadata=_metadata(data),
        amounts=_amounts(data),
        currency=str(data.get("currency") or "").upper(),
        failure_code=str(error.get("decline_code") or error.get("code") or ""),
        failure_message=_failure_message(error),
    )


def _failure_message(error: dict[str, Any]) -> str:
    if (error.get("code") or "") in AUTHENTICATION_CODES:
        return "Your bank asks you to confirm this payment."
    return str(error.get("message") or "The payment did not go through.")


def _refund_event(
    event_id: str, event_type: str, account: str, data: dict[str, Any]
) -> ProviderEvent:
    if data.get("object") == "charge":
        listed = data.get("refunds")
        items = (listed.get("data") if isinstance(listed, dict) else None) or []
    else:
        items = [data]
    return ProviderEvent(
        event_id=event_id,
        kind=EventKind.REFUND_UPDATED,
        type=event_type,
        account=account,
        payment_reference=str(data.get("payment_intent") or ""),
        metadata=_metadata(data),
        refunds=tuple(_refund(item) for item in items if isinstance(item, dict)),
    )


def _refund(item: dict[str, Any]) -> RefundUpdate:
    try:
        amount = int(item.get("amount") or 0)
    except (TypeError, ValueError):
        amount = 0
    return RefundUpdate(
        reference=str(item.get("id") or ""),
        amount=amount,
        status=REFUND_STATUS.get(str(item.get("status")), "pending"),
    )
