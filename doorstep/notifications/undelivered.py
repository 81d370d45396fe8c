"""Undelivered mail: messages past the fast retries, what the office sees, and the owners' alert.

A message is *undelivered* once its fast retries are used up (still retried slowly, see
services.retry_at) or after it was given up (failed). The back office lists them (Outbox →
filter "Undelivered") with "Retry now" and "Stop trying". The first undelivered message of an
outage raises one alert per company: an error in the log (for the operator's monitoring), a
banner on every back-office page, and an email to the owners (it may not get through if the
mail server itself is down: the banner does not depend on it). The alert is resolved when
nothing is left undelivered, so the next outage alerts again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.task_enqueue import enqueue_with_transaction
from doorstep.core.verbs import Verb
from doorstep.tenancy.models import Membership, StaffRole

from .models import Notification, NotificationState, UndeliveredMailAlert

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

log = logging.getLogger("doorstep.notifications.undelivered")
ALERT_KIND = "undelivered_mail_alert"


def office_list_path() -> str:
    """The back office's list of undelivered mail."""
    return reverse("admin:notifications_notification_changelist") + "?delivery=undelivered"


def undelivered_q() -> Q:
    """Past the fast retries or given up. The owners' own alert email is left out: the banner
    already tells them, and it must not keep the alert open by itself."""
    stuck = Q(
        state__in=[NotificationState.QUEUED, NotificationState.SENDING],
        attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS,
    ) | Q(state=NotificationState.FAILED)
    return stuck & (Q(context__kind__isnull=True) | ~Q(context__kind=ALERT_KIND))


def notifications_undelivered(*, company_ids: list[int] | None) -> QuerySet[Notification]:
    """Undelivered messages of these companies (None: every company, for superusers)."""
    rows = Notification.objects.filter(undelivered_q())
    return rows if company_ids is None else rows.filter(company_id__in=company_ids)


def undelivered_alerts_open(*, company_ids: list[int] | None) -> QuerySet[UndeliveredMailAlert]:
    alerts = UndeliveredMailAlert.objects.filter(resolved_at__isnull=True)
    return alerts if company_ids is None else alerts.filter(company_id__in=company_ids)


def undelivered_alert_raise(*, company: Company, notification: Notification) -> bool:
    """Alert the owners once per outage. Returns whether this call raised the alert."""
    if notification.context.get("kind") == ALERT_KIND:
        return False  # the alert email itself failing must not alert about itself
    if undelivered_alerts_open(company_ids=[company.pk]).exists():
        return False  # already alerted for this outage (the usual case on hourly retries)
    try:
        with transaction.atomic():
            alert = UndeliveredMailAlert.objects.create(company=company)
            _owners_email(company=company)
            audit_record(
                company=company,
                target=alert,
                verb=Verb.NOTIFICATION_UNDELIVERED_ALERT,
                actor=Actor.system("Outbox"),
                message="Email is not getting through: owners alerted",
                data={"notification_id": notification.pk, "error": notification.last_error[:200]},
            )
    except IntegrityError:
        return False  # another worker raised it a moment ago
    log.error(
        "company %s: notification %s undelivered after %s attempts (%s); owners alerted",
        company.pk,
        notification.pk,
        notification.attempts,
        notification.last_error[:200],
    )
    return True


def _owners_email(*, company: Company) -> None:
    from .services import notification_enqueue

    owners = (
        Membership.objects.filter(company=company, role=StaffRole.OWNER, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    recipients = sorted(set(owners)) or ([company.support_email] if company.support_email else [])
    for address in recipients:
        notification_enqueue(
            company=company,
            recipient=address,
            template="notice",
            context={
                "kind": ALERT_KIND,
                "subject": "Some of your customers' emails are not getting through",
                "heading": "Email is not getting through",
                "body": "Doorstep could not deliver some emails to your customers for over an "
                "hour (sign-in links, invoices, receipts...). It keeps trying every hour for "
                f"{settings.NOTIFICATION_RETRY_HOURS} hours. The back office lists them under "
                "Undelivered mail, where you can retry them.",
                "button_url": f"{settings.BASE_URL}{office_list_path()}",
                "button_label": "See undelivered mail",
            },
        )


def undelivered_alert_resolve_if_clear(*, company: Company) -> int:
    """Close the company's open alert once nothing is undelivered (one UPDATE)."""
    remaining = Notification.objects.filter(undelivered_q(), company_id=OuterRef("company_id"))
    return (
        UndeliveredMailAlert.objects.filter(company=company, resolved_at__isnull=True)
        .exclude(Exists(remaining))
        .update(resolved_at=timezone.now())
    )


@transaction.atomic
def notifications_retry_now(*, notifications: QuerySet[Notification], actor: Actor) -> int:
    """Staff asked to try undelivered messages again at once (the slow schedule continues
    after if it still fails). Returns how many were queued."""
    from .tasks import deliver_notification

    in_flight = Q(state=NotificationState.SENDING, claimed_until__gte=timezone.now())
    rows = list(notifications.filter(undelivered_q()).exclude(in_flight).select_related("company"))
    for notification in rows:
        Notification.objects.filter(pk=notification.pk).update(
            state=NotificationState.QUEUED, next_attempt_at=timezone.now(), claimed_until=None
        )
        audit_record(
            company=notification.company,
            target=notification,
            verb=Verb.NOTIFICATION_RETRY_NOW,
            actor=actor,
            message=f"Retry now: {notification.template} to {notification.recipient}",
        )
        pk = notification.pk
        enqueue_with_transaction(deliver_notification, pk)
    return len(rows)


@transaction.atomic
def notifications_stop_trying(*, notifications: QuerySet[Notification], actor: Actor) -> int:
    """Staff decided an undelivered message will not go out (e.g. a mistyped address)."""
    rows = list(notifications.filter(undelivered_q()).select_related("company"))
    for notification in rows:
        Notification.objects.filter(pk=notification.pk).update(
            state=NotificationState.SKIPPED,
            claimed_until=None,
            last_error=f"Stopped by staff ({actor.label}). {notification.last_error}"[:2000],
        )
        audit_record(
            company=notification.company,
            target=notification,
            verb=Verb.NOTIFICATION_STOPPED,
            actor=actor,
            message=f"Stopped trying: {notification.template} to {notification.recipient}",
        )
    for company in {n.company for n in rows}:
        undelivered_alert_resolve_if_clear(company=company)
    return len(rows)


def undelivered_count(*, company: Company) -> int:
    """How many of the company's messages are undelivered (the office home's count)."""
    return notifications_undelivered(company_ids=[company.pk]).count()


def outbox_backlog_all_companies() -> int:
    """Emails and texts not delivered yet (queued or being sent), every company together: the
    operator's "outbox backlog" metric (docs/deploy.md). A count, never a row."""
    return Notification.objects.filter(  # scope: the installation-wide operator figure
        state__in=[NotificationState.QUEUED, NotificationState.SENDING]
    ).count()
