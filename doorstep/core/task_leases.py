"""Leases for claimed background tasks.

django-tasks-db marks a task RUNNING when a worker claims it and nothing ever looks at it
again: a worker killed mid-task (deploy, OOM, SIGKILL) leaves it RUNNING forever, and whatever
it was doing (a sign-in email, an autopay charge) is lost. Here a claim is a lease of
TASK_LEASE_SECONDS from `started_at`: past it, the task goes back to the queue for any worker.
Our tasks are idempotent (they take ids and re-check state), so a re-run is harmless. A task
claimed TASK_MAX_CLAIMS times (it keeps killing its worker) is failed instead of looping.

The scheduler sweeps every tick and `manage.py worker` sweeps when it (re)starts.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger("doorstep.tasks")
LEASE_EXPIRED = "doorstep.core.task_leases.LeaseExpired"


def tasks_requeue_expired(*, now: datetime | None = None) -> int:
    """Put RUNNING tasks whose lease ran out back in the queue. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    requeued = 0
    with transaction.atomic():
        expired = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
            .only("id", "worker_ids", "task_path")[:200]
        )
        for result in expired:
            claims = len(result.worker_ids or [])
            if claims >= settings.TASK_MAX_CLAIMS:
                DBTaskResult.objects.filter(pk=result.pk).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=Now(),
                    exception_class_path=LEASE_EXPIRED,
                    traceback=f"Claimed {claims} times; every worker died before it finished.",
                )
                log.error(
                    "task %s %s failed: lease expired %s times", result.pk, result.task_path, claims
                )
                continue
            DBTaskResult.objects.filter(pk=result.pk).update(
                status=TaskResultStatus.READY, started_at=None
            )
            log.warning("task %s %s: lease expired, queued again", result.pk, result.task_path)
            requeued += 1
    return requeued
