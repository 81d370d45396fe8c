"""The webhook outbox: `webhook_emit` is called by the one service that owns each change,
inside its transaction, so an event exists if and only if the change committed (a rolled-back
payment tells nobody). The worker delivers after commit (delivery.py).

A company with no endpoint that wants the event pays one query (per request or task, whatever
it emits) and stores nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.task_enqueue import enqueue_with_transaction
from doorstep.core.verbs import Verb

from ..models import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .event_types import EVENT_TYPES

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

# "Replay a time range" sends at most this many events at once.
REPLAY_LIMIT = 1000


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    """Dates and decimals as the API writes them (ISO 8601, strings)."""
    import json

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _enqueue(delivery_ids: list[int]) -> None:
    from ..tasks import deliver_webhook

    for pk in delivery_ids:
        enqueue_with_transaction(deliver_webhook, pk)


Snapshot = dict[str, Any] | Callable[[], dict[str, Any]]


def webhook_emit(*, company: Company, type: str, data: Snapshot) -> WebhookEvent | None:
    """Record that `type` happened, with `data` (the record as the API shows it, at this
    moment; a function is called only when some endpoint wants the event, so building the
    snapshot costs nothing otherwise). Call inside the business transaction. Returns the
    event, or None when no enabled endpoint of the company wants it."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {type!r}")
    endpoints = [endpoint for endpoint in _enabled_endpoints(company) if endpoint.wants(type)]
    if not endpoints:
        return None
    snapshot = data() if callable(data) else data
    return _event_with_deliveries(company=company, type=type, data=snapshot, endpoints=endpoints)


# Bumped whenever this process saves or deletes an endpoint (signals below).
_endpoints_changed = 0


def _enabled_endpoints(company: Company) -> list[WebhookEndpoint]:
    """The company's enabled endpoints, looked up once per company instance: a payment emits
    `invoice.paid` and `payment.succeeded` in one transaction (one query, not two, on the
    webhook path; docs/adr/0004). A company instance lives for one request or task, so
    another process's change is seen by the next one; a change made through this process
    (the office, the API) is seen at once."""
    cached = company.__dict__.get("_webhook_endpoints")
    if cached is None or cached[0] != _endpoints_changed:
        found = list(WebhookEndpoint.objects.for_company(company).filter(enabled=True))
        cached = company.__dict__["_webhook_endpoints"] = (_endpoints_changed, found)
    return list(cached[1])


@receiver([post_save, post_delete], sender=WebhookEndpoint, dispatch_uid="outbox.endpoints")
def _endpoint_changed(**kwargs: Any) -> None:
    global _endpoints_changed
    _endpoints_changed += 1


def _event_with_deliveries(
    *, company: Company, type: str, data: dict[str, Any], endpoints: list[WebhookEndpoint]
) -> WebhookEvent:
    now = timezone.now()
    event = WebhookEvent.objects.create(
        company=company,
        public_id="msg_" + secrets.token_urlsafe(18),
        type=type,
        payload=_json_safe(data),
        created_at=now,
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(company=company, endpoint=endpoint, event=event, next_attempt_at=now)
            for endpoint in endpoints
        ]
    )
    _enqueue([delivery.pk for delivery in deliveries])
    return event


def event_body(event: WebhookEvent) -> dict[str, Any]:
    """What the receiver gets (Standard Webhooks' type/timestamp/data shape)."""
    return {
        "id": event.public_id,
        "type": event.type,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": event.payload,
    }


@transaction.atomic
def webhook_test_send(*, company: Company, endpoint: WebhookEndpoint, actor: Actor) -> WebhookEvent:
    """A `webhook.test` event to this one endpoint (sent even if it is not subscribed)."""
    if not endpoint.enabled:
        raise DomainError("Switch the endpoint on before sending it a test event.")
    event = _event_with_deliveries(
        company=company,
        type="webhook.test",
        data={"message": "A test event from Doorstep.", "endpoint_id": endpoint.pk},
        endpoints=[endpoint],
    )
    audit_record(
        company=company,
        target=endpoint,
        verb=Verb.WEBHOOK_TEST_SENT,
        actor=actor,
        message=f"Test event sent to {endpoint.url}",
    )
    return event


@transaction.atomic
def webhook_resend(*, company: Company, delivery: WebhookDelivery, actor: Actor) -> WebhookDelivery:
    """Send this event to its endpoint again now, with the same webhook-id (a receiver that
    already has it can drop it). The retry schedule starts over."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk, company=company)
    endpoint = WebhookEndpoint.objects.get(pk=delivery.endpoint_id, company=company)
    if not endpoint.enabled:
        raise DomainError("Switch the endpoint on before resending to it.")
    if delivery.state == DeliveryState.SENDING:
        raise DomainError("This event is being sent right now.")
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit_record(
        company=company,
        target=endpoint,
        verb=Verb.WEBHOOK_RESENT,
        actor=actor,
        message=f"Resent event {delivery.event_id} to {endpoint.url}",
    )
    _enqueue([delivery.pk])
    return delivery


@transaction.atomic
def webhook_replay(
    *,
    company: Company,
    endpoint: WebhookEndpoint,
    start: datetime,
    end: datetime,
    actor: Actor,
) -> int:
    """Send again every event of [start, end) that this endpoint wants (e.g. after an outage
    of the receiver). Events already waiting for it are not doubled. Returns how many."""
    if end <= start:
        raise DomainError("The end of the range must be after its start.", field="end")
    if not endpoint.enabled:
        raise DomainError("Switch the endpoint on before replaying events to it.")
    events = [
        event
        for event in WebhookEvent.objects.for_company(company)
        .filter(created_at__gte=start, created_at__lt=end)
        .exclude(type="webhook.test")
        .order_by("created_at", "id")[:REPLAY_LIMIT]
        if endpoint.wants(event.type)
    ]
    waiting = set(
        WebhookDelivery.objects.filter(
            company=company,
            endpoint=endpoint,
            event__in=events,
            state__in=[DeliveryState.PENDING, DeliveryState.SENDING],
        ).values_list("event_id", flat=True)
    )
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(company=company, endpoint=endpoint, event=event, next_attempt_at=now)
            for event in events
            if event.pk not in waiting
        ]
    )
    audit_record(
        company=company,
        target=endpoint,
        verb=Verb.WEBHOOK_REPLAYED,
        actor=actor,
        message=f"Replayed {len(deliveries)} events to {endpoint.url}",
        data={"start": start.isoformat(), "end": end.isoformat()},
    )
    _enqueue([delivery.pk for delivery in deliveries])
    return len(deliveries)


def webhook_backlog_all_companies() -> int:
    """Webhook deliveries not finished yet (waiting or being sent), every company together: the
    operator's "outbox backlog" metric beside the email outbox (docs/deploy.md). A count only."""
    return WebhookDelivery.objects.filter(  # scope: the installation-wide operator figure
        state__in=[DeliveryState.PENDING, DeliveryState.SENDING]
    ).count()
