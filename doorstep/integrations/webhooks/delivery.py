"""Delivering webhooks (the worker's side).

Claim the delivery (state "sending" with a lease, committed), POST outside any transaction,
record the attempt. Only a 2xx answer is a success. Failures are retried on the Standard
Webhooks schedule (after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, with jitter so a receiver
coming back is not hit by every retry at once); a Retry-After answer pushes the next try back.
A 410 Gone switches the endpoint off at once; an endpoint failing for
DOORSTEP_WEBHOOKS_DISABLE_AFTER_HOURS (5 days) is switched off. Either way the owners are told
(the `endpoint_disabled` signal; notifications sends the email).
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doorstep.core.audit import Actor

from ..models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from . import signals
from .endpoints import signing_secrets, webhook_endpoint_disable
from .outbox import event_body
from .signing import headers as signed_headers
from .ssrf import AddressRefused, connection_for

log = logging.getLogger("doorstep.webhooks")

# Seconds to wait after attempt n fails (n = 1..7); attempt 8 is the last.
RETRY_DELAYS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A Retry-After beyond this is capped: the schedule must still end.
RETRY_AFTER_CAP = timedelta(hours=24)
USER_AGENT = "Doorstep-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    retry_after: timedelta | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def retry_delay(attempts: int, retry_after: timedelta | None = None) -> timedelta | None:
    """How long to wait after `attempts` failed tries; None = give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    base = RETRY_DELAYS[attempts - 1]
    delay = timedelta(seconds=base * random.uniform(1.0, 1.2))  # jitter: never earlier
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_CAP))
    return delay


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when - now, timedelta(0)) if when.tzinfo else None


def post(*, url: str, body: bytes, headers: dict[str, str], now: datetime) -> Outcome:
    """One POST to a vetted address; never follows a redirect, never raises."""
    started = time.monotonic()

    def outcome(code: int | None, error: str = "", retry: timedelta | None = None) -> Outcome:
        return Outcome(code, error[:500], retry, int((time.monotonic() - started) * 1000))

    try:
        connection, path = connection_for(url, timeout=settings.DOORSTEP_WEBHOOKS_TIMEOUT_SECONDS)
    except AddressRefused as refused:
        return outcome(None, str(refused))
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the answer's body is not kept; read a little and close
        code = response.status
        retry = _retry_after(response.getheader("Retry-After"), now)
    except AddressRefused as refused:
        return outcome(None, str(refused))
    except TimeoutError:
        return outcome(None, f"No answer within {settings.DOORSTEP_WEBHOOKS_TIMEOUT_SECONDS} s.")
    except OSError as exc:  # refused, reset, TLS failure, unreachable
        return outcome(None, f"Could not connect: {type(exc).__name__}: {exc}")
    finally:
        connection.close()
    if 300 <= code < 400:
        return outcome(code, f"Answered {code} (redirects are not followed).", retry)
    if not 200 <= code < 300:
        return outcome(code, f"Answered {code}.", retry)
    return outcome(code)


def _lease() -> timedelta:
    return timedelta(seconds=settings.DOORSTEP_WEBHOOKS_SEND_LEASE_SECONDS)


def _due_q(now: datetime) -> Q:
    return Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.SENDING, claimed_until__lt=now
    )


@transaction.atomic
def delivery_claim(*, delivery_id: int) -> WebhookDelivery | None:
    """Take a due delivery, in its own short committed transaction (SKIP LOCKED: two
    workers never claim it at once; a crashed attempt is due again after its lease)."""
    now = timezone.now()
    delivery = (
        WebhookDelivery.objects.select_for_update(skip_locked=True)
        .filter(_due_q(now), pk=delivery_id)
        .first()
    )
    if delivery is None:
        return None
    delivery.state = DeliveryState.SENDING
    delivery.attempts += 1
    delivery.claimed_until = now + _lease()
    delivery.save(update_fields=["state", "attempts", "claimed_until"])
    return delivery


def webhook_deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt at a due delivery. Safe to call twice and from several workers."""
    delivery = delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return None
    endpoint = WebhookEndpoint.objects.select_related("company").get(pk=delivery.endpoint_id)
    if not endpoint.enabled:
        _finish(delivery, state=DeliveryState.CANCELLED, last_error="The endpoint is switched off.")
        return delivery
    event = WebhookEvent.objects.get(pk=delivery.event_id)
    now = timezone.now()
    body = json.dumps(event_body(event), separators=(",", ":")).encode()
    headers = {
        **signed_headers(
            secrets_=signing_secrets(endpoint, now),
            msg_id=event.public_id,
            timestamp=int(now.timestamp()),
            body=body,
        ),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    outcome = post(url=endpoint.url, body=body, headers=headers, now=now)
    WebhookAttempt.objects.create(
        company_id=delivery.company_id,
        delivery=delivery,
        endpoint=endpoint,
        number=delivery.attempts,
        attempted_at=now,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        succeeded=outcome.succeeded,
        error=outcome.error,
    )
    if outcome.succeeded:
        _finish(delivery, state=DeliveryState.SUCCEEDED, last_status_code=outcome.status_code)
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=False).update(
            failing_since=None
        )
        return delivery
    return _failed(delivery, endpoint, outcome, now)


def _failed(
    delivery: WebhookDelivery, endpoint: WebhookEndpoint, outcome: Outcome, now: datetime
) -> WebhookDelivery:
    log.warning(
        "webhook delivery %s attempt %s failed: %s",
        delivery.pk,
        delivery.attempts,
        outcome.error[:200],
    )
    common = {"last_status_code": outcome.status_code, "last_error": outcome.error}
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    failing_since = endpoint.failing_since or now
    disable_after = timedelta(hours=settings.DOORSTEP_WEBHOOKS_DISABLE_AFTER_HOURS)
    reason = ""
    if outcome.status_code == 410:
        reason = "The receiver answered 410 Gone."
    elif now - failing_since >= disable_after:
        reason = f"No delivery succeeded for {disable_after.days} days."
    if reason:
        _finish(delivery, state=DeliveryState.CANCELLED, **common)
        _switch_off(endpoint, reason)
        return delivery
    delay = retry_delay(delivery.attempts, outcome.retry_after)
    if delay is None:
        _finish(delivery, state=DeliveryState.FAILED, **common)
        return delivery
    when = now + delay
    if _finish(delivery, state=DeliveryState.PENDING, next_attempt_at=when, **common):
        _enqueue_retry(delivery.pk, when)
    return delivery


def _enqueue_retry(delivery_id: int, when: datetime) -> None:
    """A task that waits until `when` (the database backend defers it); a backend that cannot
    defer (tests run tasks inline) leaves the retry to the minute sweep."""
    from ..tasks import deliver_webhook

    if deliver_webhook.get_backend().supports_defer:
        deliver_webhook.using(run_after=when).enqueue(delivery_id)


def _switch_off(endpoint: WebhookEndpoint, reason: str) -> None:
    with transaction.atomic():
        endpoint = webhook_endpoint_disable(
            company=endpoint.company,
            endpoint=endpoint,
            actor=Actor.system("Webhooks"),
            reason=reason,
        )
        signals.endpoint_disabled.send(
            sender=WebhookEndpoint, company=endpoint.company, endpoint=endpoint, reason=reason
        )
    log.error(
        "webhook endpoint %s of company %s switched off: %s",
        endpoint.pk,
        endpoint.company_id,
        reason,
    )


def _finish(delivery: WebhookDelivery, **changes: Any) -> bool:
    """Record the outcome unless another worker re-claimed the row after our lease ran out
    (`attempts` is the fencing token)."""
    changes["claimed_until"] = None
    updated = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.SENDING, attempts=delivery.attempts
    ).update(**changes)
    for field, value in changes.items():
        setattr(delivery, field, value)
    if not updated:
        log.warning("webhook delivery %s: lease lost before the outcome was recorded", delivery.pk)
    return bool(updated)


def webhooks_deliver_due(*, limit: int = 200, budget_seconds: float | None = None) -> int:
    """Every due delivery (the scheduler's minute sweep, a backstop for retries whose task was
    lost). Stops after `budget_seconds` so the task never outlives its lease."""
    if budget_seconds is None:
        budget_seconds = settings.TASK_LEASE_SECONDS / 2
    deadline = time.monotonic() + budget_seconds
    due = list(
        WebhookDelivery.objects.filter(_due_q(timezone.now()))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    delivered = 0
    for pk in due:
        if time.monotonic() > deadline:
            break
        result = webhook_deliver(delivery_id=pk)
        delivered += int(result is not None and result.state == DeliveryState.SUCCEEDED)
    return delivered
