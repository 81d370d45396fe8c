"""Queue and deliver notifications.

`notification_enqueue` is called inside the business transaction, so the message exists if and
only if the change committed. Delivery happens after commit in the worker, with retries and
exponential backoff; nothing is lost while SMTP is down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Channel, Notification, NotificationState

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
    company: Any,
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

    transaction.on_commit(lambda: deliver_notification.enqueue(notification.pk))
    return notification


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at 6 hours."""
    return timedelta(
        seconds=min(settings.NOTIFICATION_BACKOFF_SECONDS * 2 ** (attempts - 1), 6 * 3600)
    )


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one queued notification if it is due. Safe to call twice: a sent row is skipped,
    and the row lock (SKIP LOCKED on PostgreSQL) keeps two workers from sending it twice."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("company")
            .filter(
                pk=notification_id,
                state=NotificationState.QUEUED,
                next_attempt_at__lte=timezone.now(),
            )
            .first()
        )
        if notification is None:
            return None
        notification.attempts += 1
        try:
            CHANNELS[notification.channel](notification)
        except NotificationDeferred as deferred:
            notification.attempts -= 1
            notification.next_attempt_at = deferred.until
        except NotificationSkipped as skipped:
            notification.state = NotificationState.SKIPPED
            notification.last_error = str(skipped)[:2000]
        except Exception as exc:  # any delivery failure is retried later, never lost
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.state = NotificationState.FAILED
            else:
                notification.next_attempt_at = timezone.now() + backoff(notification.attempts)
            log.warning(
                "notification %s attempt %s failed: %s",
                notification.pk,
                notification.attempts,
                type(exc).__name__,
            )
        else:
            notification.state = NotificationState.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
            for key in notification.secret_keys:
                if key in notification.context:
                    notification.context[key] = "(sent)"
        notification.save()
        return notification


def notifications_due(*, limit: int = 500) -> list[int]:
    return list(
        Notification.objects.filter(
            state=NotificationState.QUEUED, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_deliver_due(*, limit: int = 500) -> int:
    """Deliver every due notification (the scheduler runs this each minute for retries)."""
    sent = 0
    for pk in notifications_due(limit=limit):
        result = notification_deliver(notification_id=pk)
        sent += int(result is not None and result.state == NotificationState.SENT)
    return sent
