"""A long SMTP outage loses nothing: slow retries after the fast ones, undelivered mail in the
office with "Retry now", and the owners alerted once.

Seen before: after NOTIFICATION_MAX_ATTEMPTS (about 64 minutes with the defaults) the outbox
gave up for good; 5 of 5 emails were lost when SMTP came back.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from doorstep.core.models import AuditEvent
from doorstep.notifications.models import Notification, NotificationState, UndeliveredMailAlert
from doorstep.notifications.services import notifications_deliver_due

from ..factories import staff_user
from .test_outbox import notice

pytestmark = pytest.mark.django_db(transaction=True)
CUSTOMERS = [f"customer{n}@example.test" for n in range(5)]


@contextmanager
def smtp_down(smtp_server):
    smtp_server.stop()
    try:
        yield
    finally:
        smtp_server.start()


def keep_trying(traveller, *, hours: float, step_minutes: int = 10) -> None:
    """Time passes while the scheduler's minute job keeps delivering what is due."""
    for _ in range(int(hours * 60 / step_minutes)):
        traveller.shift(timedelta(minutes=step_minutes))
        notifications_deliver_due()


def test_smtp_down_for_hours_then_back_every_email_delivered(company, mailbox, smtp_server):
    owner = staff_user(company, role="owner")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        with smtp_down(smtp_server):
            for address in CUSTOMERS:
                notice(company, to=address)
            keep_trying(traveller, hours=4)  # far longer than the fast retries (~64 min)
            assert not Notification.objects.filter(state=NotificationState.FAILED).exists()
            assert Notification.objects.get(recipient=CUSTOMERS[0]).attempts > 8
            assert UndeliveredMailAlert.objects.filter(resolved_at__isnull=True).count() == 1
        traveller.shift(timedelta(hours=1))
        notifications_deliver_due()
    delivered = sorted(str(m["To"]) for m in mailbox.messages if "customer" in str(m["To"]))
    assert delivered == CUSTOMERS  # 0 of 5 lost
    # The owners were told once for the whole outage (their email went out once SMTP was back).
    assert len(mailbox.to(owner.email)) == 1
    assert "not getting through" in mailbox.to(owner.email)[0]["Subject"]
    assert AuditEvent.objects.filter(verb="notification.undelivered_alert").count() == 1
    # Everything went out: the alert is closed, so the next outage alerts again.
    assert not UndeliveredMailAlert.objects.filter(resolved_at__isnull=True).exists()


def test_office_shows_undelivered_mail_and_retry_now_asks_first(company, mailbox, smtp_server):
    owner = staff_user(company, role="owner")
    office = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        with smtp_down(smtp_server):
            notice(company, to=CUSTOMERS[0])
            keep_trying(traveller, hours=80, step_minutes=60)  # past the 3 days
        office.force_login(owner)
        stuck = Notification.objects.get(recipient=CUSTOMERS[0])
        assert stuck.state == NotificationState.FAILED  # given up, but not forgotten:

        page = office.get("/office/admin/").content.decode()
        assert "could not be delivered yet" in page  # the banner on every office page
        listing = office.get("/office/admin/notifications/notification/?delivery=undelivered")
        assert CUSTOMERS[0] in listing.content.decode()

        action = {"action": "retry_now", "_selected_action": [stuck.pk]}
        confirm = office.post("/office/admin/notifications/notification/", action)
        assert confirm.status_code == 200 and "Yes, retry now" in confirm.content.decode()
        assert mailbox.to(CUSTOMERS[0]) == []  # asking sent nothing

        office.post("/office/admin/notifications/notification/", {**action, "post": "yes"})
    assert len(mailbox.to(CUSTOMERS[0])) == 1
    stuck.refresh_from_db()
    assert stuck.state == NotificationState.SENT
    assert "could not be delivered yet" not in office.get("/office/admin/").content.decode()


def test_other_companies_do_not_see_or_retry_each_others_mail(company, other_company, smtp_server):
    stranger = staff_user(other_company, role="owner")
    office = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        with smtp_down(smtp_server):
            notice(company, to=CUSTOMERS[0])
            keep_trying(traveller, hours=2, step_minutes=15)
        office.force_login(stranger)
        stuck = Notification.objects.get(recipient=CUSTOMERS[0])
        assert "could not be delivered yet" not in office.get("/office/admin/").content.decode()
        listing = office.get("/office/admin/notifications/notification/?delivery=undelivered")
        assert CUSTOMERS[0] not in listing.content.decode()
        office.post(
            "/office/admin/notifications/notification/",
            {"action": "retry_now", "_selected_action": [stuck.pk], "post": "yes"},
        )
        stuck.refresh_from_db()
        assert stuck.next_attempt_at > timezone.now()  # still on its schedule, not retried


def test_a_stuck_message_that_must_no_longer_go_out_closes_the_alert(company, smtp_server):
    """A text stuck past the fast retries, then texting switched off: the message is marked
    "not sent" and nothing is left undelivered, so the banner and the alert go away."""
    now = timezone.now()
    stuck = Notification.objects.create(
        company=company,
        recipient="+15555550123",
        channel="sms",
        template="notice",
        context={"body": "Sam is on his way"},
        state=NotificationState.QUEUED,
        attempts=8,
        next_attempt_at=now,
    )
    UndeliveredMailAlert.objects.create(company=company, raised_at=now)
    notifications_deliver_due()
    stuck.refresh_from_db()
    assert stuck.state == NotificationState.SKIPPED  # texting is off for this company
    assert not UndeliveredMailAlert.objects.filter(resolved_at__isnull=True).exists()


def test_a_message_sent_at_its_first_try_leaves_an_open_alert_alone(company, mailbox):
    """While another message is still undelivered, a fresh one going out at its first try
    cannot close the alert, and does not look: the claim (one UPDATE ... RETURNING), its
    company and the outcome, nothing for the alert."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from doorstep.notifications.services import notification_deliver

    now = timezone.now()
    Notification.objects.create(
        company=company,
        recipient=CUSTOMERS[1],
        template="notice",
        context={},
        state=NotificationState.FAILED,
        attempts=8,
        next_attempt_at=now,
    )
    UndeliveredMailAlert.objects.create(company=company, raised_at=now)
    fresh = Notification.objects.create(  # queued, not yet tried (as the worker finds it)
        company=company,
        recipient=CUSTOMERS[0],
        template="notice",
        context={"subject": "Your visit is booked", "heading": "See you", "body": "At 9."},
        state=NotificationState.QUEUED,
        next_attempt_at=now,
    )
    with CaptureQueriesContext(connection) as queries:
        notification_deliver(notification_id=fresh.pk)
    assert len(mailbox.to(CUSTOMERS[0])) == 1
    assert not [q for q in queries.captured_queries if "undeliveredmailalert" in q["sql"]]
    assert len(queries.captured_queries) == 3
    assert UndeliveredMailAlert.objects.filter(resolved_at__isnull=True).count() == 1
