"""The demo provider's events.

In-process: every change of a demo intent is announced as a neutral ProviderEvent in the
ChargeResult it returns; the generic checkout code hands it to the webhook inbox, as a real
provider's webhook would arrive (the demo never imports the inbox).

Over HTTP: `/webhooks/demo` accepts what Stripe would send (the same event bodies and
signature scheme, so Stripe's tooling and the tests can drive it), signed with the demo's own
secret derived from SECRET_KEY. The demo has no connected accounts: the field is ignored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.conf import settings

from ..base import EventKind, ProviderEvent
from ..stripe.events import event_from_payload
from ..stripe.events import event_read as stripe_event_read
from ..stripe.signature import SIGNATURE_HEADER, signature_verify

if TYPE_CHECKING:
    from doorstep.payments.models import DemoIntent

__all__ = ["SIGNATURE_HEADER", "demo_secret", "event_parse", "event_read", "intent_event"]

KIND_FOR_STATUS = {
    "succeeded": EventKind.PAYMENT_SUCCEEDED,
    "failed": EventKind.PAYMENT_FAILED,
    "processing": EventKind.PAYMENT_PROCESSING,
    "requires_action": EventKind.PAYMENT_REQUIRES_ACTION,
    "canceled": EventKind.PAYMENT_CANCELED,
}


def demo_secret() -> str:
    return hashlib.sha256(f"demo-webhooks:{settings.SECRET_KEY}".encode()).hexdigest()


def intent_event(intent: DemoIntent, failure_message: str) -> ProviderEvent:
    """What the demo "sends" about an intent that just changed."""
    kind = KIND_FOR_STATUS[intent.status]
    return ProviderEvent(
        event_id=f"evt_demo_{secrets.token_hex(8)}",
        kind=kind,
        type=f"intent.{intent.status}",
        payment_reference=intent.reference,
        metadata={str(k): str(v) for k, v in (intent.metadata or {}).items()},
        amounts=(intent.amount,),
        currency=intent.currency.upper(),
        failure_code=intent.failure_code,
        failure_message=failure_message if intent.failure_code else "",
    )


def event_parse(*, payload: bytes, signature: str) -> ProviderEvent:
    signature_verify(payload=payload, signature=signature, secret=demo_secret())
    return replace(event_from_payload(payload), account="")


def event_read(body: dict[str, Any]) -> ProviderEvent:
    return replace(stripe_event_read(body), account="")
