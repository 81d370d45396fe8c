"""Periodic jobs. The `scheduler` command enqueues each job once per time slot.

Apps add their jobs with `register_periodic(name, every_seconds, task)`; the ScheduledRun
unique (name, slot) row makes enqueueing idempotent, so two schedulers running at once (or
one restarted mid-minute) never enqueue the same slot twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun
from .task_enqueue import enqueue_with_transaction


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: int
    task: Any  # a django_tasks Task taking no arguments


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def register_periodic(name: str, every_seconds: int, task: Any) -> None:
    PERIODIC_JOBS[name] = PeriodicJob(name, every_seconds, task)


def slot_for(now: datetime, every_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % every_seconds, tz=UTC)


def scheduler_tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet. Returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in PERIODIC_JOBS.values():
        slot = slot_for(now, job.every_seconds)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=job.name, slot=slot)
                enqueue_with_transaction(job.task)
        except IntegrityError:
            continue  # this slot was already enqueued (by us earlier or another scheduler)
        enqueued.append(job.name)
    return enqueued
