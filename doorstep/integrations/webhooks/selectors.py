"""Reads for the attempt log (office and API). Bounded: a page never grows with history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

LOG_SIZE = 50


def deliveries_of_endpoint(
    *, company: Company, endpoint: WebhookEndpoint, limit: int = LOG_SIZE
) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.for_company(company)
        .filter(endpoint=endpoint)
        .select_related("event")
        .order_by("-created_at", "-id")[:limit]
    )


def attempts_of_endpoint(
    *, company: Company, endpoint: WebhookEndpoint, limit: int = LOG_SIZE
) -> list[WebhookAttempt]:
    return list(
        WebhookAttempt.objects.for_company(company)
        .filter(endpoint=endpoint)
        .order_by("-attempted_at", "-id")[:limit]
    )
