"""Demo data for outgoing webhooks: each company has one endpoint on this machine
(docs/examples/webhook_receiver.py listens there), switched off so nothing is sent while no
receiver runs, with a short history in its attempt log: an invoice paid (delivered at once),
a job moving on (delivered after one retry) and a payment (the receiver was gone)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from doorstep.billing.models import Invoice
from doorstep.core.audit import Actor
from doorstep.integrations.models import (
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from doorstep.integrations.webhooks.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_disable,
)
from doorstep.integrations.webhooks.snapshots import record_snapshot
from doorstep.jobs.models import Job
from doorstep.payments.models import Payment
from doorstep.tenancy.models import Company

DEMO_RECEIVER = "localhost:8765/doorstep-hooks"


def webhook_endpoint_demo(company: Company, actor: Actor) -> WebhookEndpoint:
    endpoint = webhook_endpoint_create(
        company=company,
        # http only where the settings allow it (development); production demos get https.
        url=("http://" if settings.DOORSTEP_WEBHOOKS_ALLOW_HTTP else "https://") + DEMO_RECEIVER,
        description="Our accounting sync (demo: docs/examples/webhook_receiver.py)",
        event_types=["invoice.paid", "payment.succeeded", "job.status_changed"],
        actor=actor,
    ).endpoint
    now = timezone.now()
    history = [
        ("invoice.paid", Invoice.objects.for_company(company).exclude(paid_at=None).first(), [200]),
        ("job.status_changed", Job.objects.for_company(company).first(), [503, 200]),
        ("payment.succeeded", Payment.objects.for_company(company).first(), [410]),
    ]
    for hours_ago, (kind, record, answers) in zip((30, 6, 1), history, strict=True):
        if record is None:
            continue
        object_type = kind.split(".")[0]
        at = now - timedelta(hours=hours_ago)
        event = WebhookEvent.objects.create(
            company=company,
            public_id="msg_" + secrets.token_urlsafe(18),
            type=kind,
            payload=record_snapshot(company, object_type, record)(),
            created_at=at,
        )
        last = answers[-1]
        delivery = WebhookDelivery.objects.create(
            company=company,
            endpoint=endpoint,
            event=event,
            state=DeliveryState.SUCCEEDED if last == 200 else DeliveryState.CANCELLED,
            attempts=len(answers),
            next_attempt_at=at,
            last_status_code=last,
            last_error="" if last == 200 else f"Answered {last}.",
            created_at=at,
        )
        WebhookAttempt.objects.bulk_create(
            WebhookAttempt(
                company=company,
                delivery=delivery,
                endpoint=endpoint,
                number=number,
                attempted_at=at + timedelta(seconds=5 * (number - 1)),
                status_code=code,
                duration_ms=40 + 13 * number,
                succeeded=code == 200,
                error="" if code == 200 else f"Answered {code}.",
            )
            for number, code in enumerate(answers, start=1)
        )
    return webhook_endpoint_disable(
        company=company, endpoint=endpoint, actor=actor, reason="The receiver answered 410 Gone."
    )
