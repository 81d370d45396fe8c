"""Rows of django-tasks-db's queue as a worker would find them (the queue is its table)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


def queued_task(
    *,
    waited: timedelta = timedelta(0),
    status: str = TaskResultStatus.READY,
    run_after: datetime | None = None,
    finished_ago: timedelta | None = None,
) -> DBTaskResult:
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="doorstep.notifications.tasks.deliver_notification",
        backend_name="default",
        status=status,
        run_after=run_after or get_date_max(),
    )
    now = timezone.now()
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=now - waited,
        finished_at=now - finished_ago if finished_ago is not None else None,
    )
    return row
