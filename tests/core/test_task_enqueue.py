"""A task queued by a business transaction commits with it (core/task_enqueue.py)."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from doorstep.notifications.models import Notification

from ..notifications.test_outbox import notice

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Abandon(Exception):
    pass


def test_with_the_database_queue_the_task_is_written_by_the_transaction_itself(
    company, settings
):
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        notification = notice(company)
        # Already in this transaction (no second commit after it): a worker sees both at once.
        task = DBTaskResult.objects.get()
        assert task.task_path.endswith("deliver_notification")
        assert task.args_kwargs["args"] == [notification.pk]
    assert DBTaskResult.objects.count() == 1


def test_a_rolled_back_transaction_leaves_neither_the_message_nor_its_task(company, settings):
    settings.TASKS = DATABASE_TASKS
    with pytest.raises(Abandon), transaction.atomic():
        notice(company)
        raise Abandon
    assert Notification.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_a_backend_that_runs_tasks_at_once_waits_for_the_commit(company, mailbox):
    """The tests' ImmediateBackend (and any queue outside this database) runs the task at
    enqueue: it must not send a message whose transaction may still roll back."""
    with pytest.raises(Abandon), transaction.atomic():
        notice(company)
        assert mailbox.messages == []
        raise Abandon
    assert mailbox.messages == []
    with transaction.atomic():
        notice(company)
        assert mailbox.messages == []
    assert len(mailbox.messages) == 1
