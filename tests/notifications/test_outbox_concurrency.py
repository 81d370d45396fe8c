"""Two workers claiming two messages of one company at the same moment both get theirs.

Seen before: the claim's `FOR UPDATE SKIP LOCKED` also locked the joined company row, so
while one worker held its claim, the other skipped every message of that company: with two
workers sending a company's receipts, 5-7% waited for the minute sweep instead of going out.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from doorstep.notifications.models import Notification, NotificationState
from doorstep.notifications.services import notification_claim

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def queued(company, to):
    return Notification.objects.create(
        company=company,
        recipient=to,
        template="notice",
        context={"subject": "Receipt", "heading": "Thanks", "body": "Paid."},
        next_attempt_at=timezone.now(),
    )


def test_a_claim_in_progress_does_not_hide_the_companys_other_messages(company):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks between two connections)")
    first, second = queued(company, "a@example.test"), queued(company, "b@example.test")
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():  # its claim, not committed yet
                assert notification_claim(notification_id=first.pk) is not None
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        claimed = notification_claim(notification_id=second.pk)
    finally:
        release.set()
        thread.join(10)
    assert claimed is not None and claimed.pk == second.pk
    second.refresh_from_db()
    assert (second.state, second.attempts) == (NotificationState.SENDING, 1)
