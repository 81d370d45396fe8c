"""Queue and deliver notifications.

`notification_enqueue` is called inside the business transaction, so the message exists if and
only if the change committed. Delivery happens after commit in the worker: claim (state
"sending" with a lease, committed), send outside any transaction, record the outcome. Fast
retries with exponential backoff, then slow retries for days; nothing is lost while SMTP is down.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from doorstep.core.task_enqueue import enqueue_with_transaction

from .models import Channel, Notification, NotificationState

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

log = logging.getLogger(__name__)

# channel name -> function(notification) that sends it or raises.
CHANNELS: dict[str, Callable[[Notification], None]] = {}


class NotificationSkipped(Exception):
    """Raised by a channel when the message must not go out at all (the customer texted STOP,
    text messages were switched off). The row is kept, marked "not sent", never retried."""


class NotificationDeferred(Exception):
    """Raised by a channel when the message must wait (quiet hours): tried again at `until`,
    without counting as a failed attempt."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"deferred until {until.isoformat()}")
        self.until = until


def register_channel(name: str, sender: Callable[[Notification], None]) -> None:
    CHANNELS[name] = sender


def notification_enqueue(
    *,
    company: Company,
    recipient: str,
    template: str,
    context: dict[str, Any] | None = None,
    channel: str = Channel.EMAIL,
    secret_keys: list[str] | None = None,
    attachments: list[dict[str, Any]] | None = None,
    not_before: datetime | None = None,
) -> Notification:
    """`not_before` holds a message back (texts during quiet hours wait until morning)."""
    notification = Notification.objects.create(
        company=company,
        recipient=recipient,
        channel=channel,
        template=template,
        context=context or {},
        secret_keys=secret_keys or [],
        attachments=attachments or [],
        next_attempt_at=not_before or timezone.now(),
    )
    from .tasks import deliver_notification

    enqueue_with_transaction(deliver_notification, notification.pk)
    return notification


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at 6 hours."""
    return timedelta(
        seconds=min(settings.NOTIFICATION_BACKOFF_SECONDS * 2 ** (attempts - 1), 6 * 3600)
    )


def retry_at(*, notification: Notification, now: datetime) -> datetime | None:
    """When to try a failed message again; None = give up.

    The fast retries (NOTIFICATION_MAX_ATTEMPTS with exponential backoff, about an hour) cover a
    blip; after them the message is "undelivered" and retried every
    NOTIFICATION_SLOW_RETRY_SECONDS until NOTIFICATION_RETRY_HOURS after it was queued (hourly
    for 3 days by default, like Stripe's webhooks), so a long SMTP outage loses nothing.
    """
    if notification.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
        return now + backoff(notification.attempts)
    if now >= notification.created_at + timedelta(hours=settings.NOTIFICATION_RETRY_HOURS):
        return None
    return now + timedelta(seconds=settings.NOTIFICATION_SLOW_RETRY_SECONDS)


def send_lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATION_SEND_LEASE_SECONDS)


def notification_claim(*, notification_id: int) -> Notification | None:
    """Take a due message for sending: one committed UPDATE ... RETURNING (no transaction
    around it; four round trips were two).

    Due = queued and its time has come, or "sending" past its lease (the worker that claimed it
    died mid-send: it is tried again — at most one copy in the normal case, never zero). Two
    workers cannot claim it at once: the second UPDATE waits for the first one's row lock, then
    re-reads the row (READ COMMITTED), finds it "sending" with a fresh lease and returns
    nothing. Only the notification's row is locked: locking the company too made a worker skip
    every message of a company whose other message another worker was claiming.
    """
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    table = Notification._meta.db_table
    claimed = list(
        Notification.objects.raw(
            f"UPDATE {table} SET state = %s, attempts = attempts + 1, claimed_until = %s "  # noqa: S608  (our own table name)
            "WHERE id = %s AND ((state = %s AND next_attempt_at <= %s) "
            "OR (state = %s AND claimed_until < %s)) RETURNING *",
            [
                NotificationState.SENDING,
                adapt(now + send_lease()),
                notification_id,
                NotificationState.QUEUED,
                adapt(now),
                NotificationState.SENDING,
                adapt(now),
            ],
        )
    )
    return claimed[0] if claimed else None


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one due notification. Safe to call twice and from several workers.

    No transaction is open during the network call (SMTP, Twilio): the claim commits first,
    the outcome is recorded after, so a hanging mail server never holds a database lock.
    """
    notification = notification_claim(notification_id=notification_id)
    if notification is None:
        return None
    tried_before = _was_maybe_undelivered(notification)
    try:
        CHANNELS[notification.channel](notification)
    except NotificationDeferred as deferred:
        return _finish(
            notification,
            state=NotificationState.QUEUED,
            attempts=notification.attempts - 1,
            next_attempt_at=deferred.until,
        )
    except NotificationSkipped as skipped:
        done = _finish(
            notification, state=NotificationState.SKIPPED, last_error=str(skipped)[:2000]
        )
        return _left_undelivered(done) if tried_before else done
    except Exception as exc:  # any delivery failure is retried later, never lost
        return _failed(notification, exc)
    for key in notification.secret_keys:
        if key in notification.context:
            notification.context[key] = "(sent)"
    delivered = _finish(
        notification,
        state=NotificationState.SENT,
        sent_at=timezone.now(),
        last_error="",
        subject=notification.subject,
        context=notification.context,
    )
    return _left_undelivered(delivered) if tried_before else delivered


def _was_maybe_undelivered(notification: Notification) -> bool:
    """Whether this claimed message may count as undelivered (undelivered.undelivered_q):
    only a message that failed before does (or any, when a single attempt is the limit). A
    message sent at its first try, nearly every one, cannot close the company's alert, so it
    does not pay the alert's UPDATE (py-spy had it at ~15% of a worker's time)."""
    return notification.attempts > 1 or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS


def _left_undelivered(notification: Notification | None) -> Notification | None:
    """A message that was undelivered is sent (or will never be): close the company's alert
    when it was the last one."""
    if notification is not None:
        from .undelivered import undelivered_alert_resolve_if_clear

        undelivered_alert_resolve_if_clear(company=notification.company)
    return notification


def _failed(notification: Notification, exc: Exception) -> Notification | None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    log.warning(
        "notification %s attempt %s failed: %s",
        notification.pk,
        notification.attempts,
        type(exc).__name__,
    )
    when = retry_at(notification=notification, now=timezone.now())
    if when is None:
        result = _finish(notification, state=NotificationState.FAILED, last_error=error)
    else:
        result = _finish(
            notification, state=NotificationState.QUEUED, last_error=error, next_attempt_at=when
        )
    if result is not None and notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        from .undelivered import undelivered_alert_raise

        undelivered_alert_raise(company=notification.company, notification=notification)
    return result


def _finish(notification: Notification, **changes: Any) -> Notification | None:
    """Record the outcome of this attempt, unless another worker re-claimed the row after our
    lease ran out (then its attempt counts; `attempts` is the fencing token)."""
    changes["claimed_until"] = None
    updated = Notification.objects.filter(
        pk=notification.pk, state=NotificationState.SENDING, attempts=notification.attempts
    ).update(**changes)
    if not updated:
        log.warning("notification %s: lease lost before the outcome was recorded", notification.pk)
        return None
    for field, value in changes.items():
        setattr(notification, field, value)
    return notification


def notifications_due(*, limit: int = 500) -> list[int]:
    """Queued messages whose time has come, and crashed attempts whose lease ran out."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            Q(state=NotificationState.QUEUED, next_attempt_at__lte=now)
            | Q(state=NotificationState.SENDING, claimed_until__lt=now)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_deliver_due(*, limit: int = 500, budget_seconds: float | None = None) -> int:
    """Deliver every due notification (the scheduler runs this each minute for retries).

    Stops after `budget_seconds` (default: half the task lease) so a slow mail server never
    makes the task outlive its lease; the rest waits for the next minute.
    """
    if budget_seconds is None:
        budget_seconds = settings.TASK_LEASE_SECONDS / 2
    deadline = time.monotonic() + budget_seconds
    sent = 0
    for pk in notifications_due(limit=limit):
        if time.monotonic() > deadline:
            break
        result = notification_deliver(notification_id=pk)
        sent += int(result is not None and result.state == NotificationState.SENT)
    return sent
