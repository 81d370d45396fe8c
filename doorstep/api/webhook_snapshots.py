"""Webhook events carry records exactly as this API shows them (integrations/webhooks/
snapshots.py): registered once at start-up, used by the domain services' `webhook_emit`."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from doorstep.integrations.webhooks.snapshots import register_snapshot

from .conversations import MessageOut
from .estimates import EstimateOut
from .expand import snapshot
from .invoices import InvoiceOut
from .jobs import JobOut
from .payments import PaymentOut, RefundOut
from .service_requests import ServiceRequestOut

SHOWN_AS: dict[str, type[serializers.Serializer]] = {
    "invoice": InvoiceOut,
    "payment": PaymentOut,
    "refund": RefundOut,
    "job": JobOut,
    "estimate": EstimateOut,
    "service_request": ServiceRequestOut,
    "message": MessageOut,
}


def register() -> None:
    for object_type, serializer_class in SHOWN_AS.items():

        def represent(company: Any, record: Any, _cls: Any = serializer_class) -> dict:
            return snapshot(company, _cls, record)

        register_snapshot(object_type, represent)
