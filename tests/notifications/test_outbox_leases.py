"""A worker killed mid-work loses nothing and sends at most one copy in the normal case.

Seen before: killing a worker mid-send duplicated 1 of 48 emails and left a task RUNNING
forever (claimed tasks had no lease). These tests build the crash states a SIGKILL leaves (a
message "sending", a task RUNNING, both past their lease) and check the recovery; the real
SIGKILL of a worker process is in tests/core/test_worker_faults.py.
"""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from doorstep.notifications.models import Notification, NotificationState
from doorstep.notifications.services import notifications_deliver_due

from ..access.conftest import new_account, request_link
from .test_outbox import notice

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def crashed_mid_send(notification: Notification, *, minutes_ago: int) -> None:
    """What a worker killed between the claim and the outcome leaves behind."""
    Notification.objects.filter(pk=notification.pk).update(
        state=NotificationState.SENDING,
        attempts=F("attempts") + 1,
        claimed_until=timezone.now() - timedelta(minutes=minutes_ago) + timedelta(minutes=5),
    )


def test_message_left_sending_by_a_dead_worker_is_sent_once_after_its_lease(
    company, mailbox, smtp_server
):
    smtp_server.stop()
    try:
        stuck = notice(company)  # first attempt fails: queued, due in 30 s
    finally:
        smtp_server.start()
    crashed_mid_send(stuck, minutes_ago=1)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        notifications_deliver_due()
    assert mailbox.messages == []  # its worker may still be talking to SMTP: no second copy
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        notifications_deliver_due()
        notifications_deliver_due()
    assert len(mailbox.messages) == 1  # never zero, and one copy
    stuck.refresh_from_db()
    assert stuck.state == NotificationState.SENT and stuck.claimed_until is None


def test_a_resent_copy_carries_the_same_message_id(company, mailbox):
    """The worst case: SMTP accepted the message, then the worker died before marking it sent.
    The retry is a second copy, but with the same Message-ID, so mail systems can drop it."""
    sent = notice(company)
    crashed_mid_send(sent, minutes_ago=10)  # as if the "sent" mark never committed
    notifications_deliver_due()
    first, second = mailbox.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert f"notification-{sent.pk}." in first["Message-ID"]


def test_a_link_request_task_claimed_by_a_dead_worker_still_sends_the_link(
    company, mailbox, settings
):
    """The sign-in link email is a task (it looks the address up first), not yet an outbox
    row: a worker that died after claiming it must not lose it."""
    settings.TASKS = DATABASE_TASKS
    account = new_account(company)
    assert request_link(Client(enforce_csrf_checks=True), company, account.email).status_code == 200
    task = DBTaskResult.objects.get()
    # The worker claimed it (RUNNING) and was SIGKILLed before doing anything.
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["killed"]
    )
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert mailbox.to(account.email) == []  # within its lease: nobody else takes it

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.TASK_LEASE_SECONDS + 60)):
        call_command("scheduler", "--once", stdout=io.StringIO())
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    [message] = mailbox.to(account.email)
    assert "/l/" in mailbox.text(message)
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2


def test_a_task_that_keeps_killing_its_worker_is_failed_not_looped(company, settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_MAX_CLAIMS = 3
    from doorstep.notifications.tasks import deliver_due_notifications

    result = deliver_due_notifications.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["a", "b", "c"]
    )
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.TASK_LEASE_SECONDS + 60)):
        call_command("scheduler", "--once", stdout=io.StringIO())
    assert DBTaskResult.objects.get(pk=result.id).status == "FAILED"
