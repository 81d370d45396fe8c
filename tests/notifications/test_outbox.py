from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from doorstep.notifications.models import Notification, NotificationState
from doorstep.notifications.services import notification_enqueue, notifications_deliver_due

pytestmark = pytest.mark.django_db(transaction=True)


def notice(company, to="pat@example.test"):
    return notification_enqueue(
        company=company,
        recipient=to,
        template="notice",
        context={
            "subject": "Your visit is booked",
            "heading": "See you Tuesday",
            "body": "Sam will arrive between 9 and 11.",
            "button_url": "https://x.test/p",
            "button_label": "Open your portal",
        },
    )


def test_email_is_delivered_through_smtp_after_commit(company, mailbox):
    with transaction.atomic():
        notice(company)
        assert mailbox.messages == []  # nothing leaves before the change commits
    [message] = mailbox.messages
    assert message["Subject"] == "Your visit is booked"
    assert company.name in message["From"]
    assert "Sam will arrive" in mailbox.text(message)
    assert company.accent_color in mailbox.html(message)
    assert Notification.objects.get().state == NotificationState.SENT


def test_exception_after_enqueue_sends_nothing(company, mailbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        notice(company)
        raise RuntimeError("the business change failed")
    assert mailbox.messages == []
    assert not Notification.objects.exists()


def test_smtp_down_then_back_nothing_lost(company, mailbox, smtp_server):
    smtp_server.stop()
    notice(company)
    queued = Notification.objects.get()
    assert queued.state == NotificationState.QUEUED
    assert queued.attempts == 1 and "Connection" in queued.last_error
    smtp_server.start()
    assert notifications_deliver_due() == 0  # not due yet: backoff
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert notifications_deliver_due() == 1
    assert len(mailbox.messages) == 1
    queued.refresh_from_db()
    assert queued.state == NotificationState.SENT and queued.attempts == 2


def test_refused_message_is_retried(company, mailbox):
    mailbox.fail_next(1)
    notice(company)
    assert mailbox.messages == []
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        notifications_deliver_due()
    assert len(mailbox.messages) == 1
