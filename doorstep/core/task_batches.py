"""Claiming background tasks in batches, and saving their results together.

django-tasks-db's worker claims one task per transaction (a locking SELECT, an UPDATE, a
commit) and saves each result in its own UPDATE and commit: for a 4-statement receipt email
that is 3 more statements, 2 more commits and a connection health check per task (docs/adr/0004,
"2026-12-04 (evening)"). Here a worker claims up to N ready tasks in one transaction (one
`SELECT ... FOR UPDATE SKIP LOCKED LIMIT N`, one UPDATE per distinct claim history, usually one)
and saves the results of the ones that succeeded with no return value in one UPDATE.

What keeps each task running once in effect:
- The claim is the same lease as before (core/task_leases.py): RUNNING, `started_at` = the
  claim time, the worker's id appended to `worker_ids`. A worker killed mid-batch leaves its
  claimed tasks RUNNING; they go back to the queue when the lease runs out, finished or not
  (the finished ones re-run harmlessly: tasks take ids and re-check state).
- Every write after the claim is fenced on `status = RUNNING AND started_at = <the claim time>`:
  if the lease was lost meanwhile (swept, claimed by another worker), it changes nothing.
- The worker hands back (`tasks_release`) whatever it has not started when it stops, when a
  batch has been held CLAIM_HOLD_SECONDS, or before a task it does not know to be fast, so a
  slow task never keeps the rest of its batch from the other workers. A released task gets
  its previous `worker_ids` back: it was not attempted, so it does not count as a claim.

On SQLite there is no SKIP LOCKED: as in django-tasks-db, the claim runs in an exclusive
transaction, which serialises the claimers instead.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from traceback import format_exception
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.db.models import Case, DateTimeField, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception, retry

# A batch gives back the tasks it has not started after this long (the others may be idle).
CLAIM_HOLD_SECONDS = 1.0
# A task path that last ran in under this long may hold the rest of its batch while it runs.
FAST_TASK_SECONDS = 0.25


def claim_hold_seconds() -> float:
    """The hold, never more than a quarter of the lease: a task's lease starts at its batch's
    claim, so it must not have been eaten into by waiting behind the others."""
    return min(CLAIM_HOLD_SECONDS, settings.TASK_LEASE_SECONDS / 4)


def _by_claims(tasks: Iterable[DBTaskResult]) -> dict[str, list[Any]]:
    """Task ids grouped by their `worker_ids` before our claim (JSON-encoded as the key)."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for task in tasks:
        groups[json.dumps(task.claims_before)].append(task.pk)  # type: ignore[attr-defined]
    return groups


def tasks_claim(
    ready: QuerySet[DBTaskResult], *, worker_id: str, limit: int
) -> list[DBTaskResult] | None:
    """Claim up to `limit` of the `ready` tasks, in queue order, for `worker_id`.

    Returns them (RUNNING, `started_at` the claim time), [] when none is ready, or None when
    SQLite's lock could not be had (try again later), as django-tasks-db does.
    """
    try:
        with exclusive_transaction(ready.db):
            claimed = list(ready.select_for_update(skip_locked=True)[:limit])
            if not claimed:
                return []
            now = timezone.now()
            for task in claimed:
                task.claims_before = list(task.worker_ids or [])  # type: ignore[attr-defined]
            for before, ids in _by_claims(claimed).items():
                DBTaskResult.objects.filter(pk__in=ids).update(
                    status=TaskResultStatus.RUNNING,
                    started_at=now,
                    worker_ids=[*json.loads(before), worker_id],
                )
    except OperationalError as exc:
        if is_locked_database_exception(exc):
            return None
        raise
    for task in claimed:
        task.status = TaskResultStatus.RUNNING
        task.started_at = now
        task.worker_ids = [*task.claims_before, worker_id]  # type: ignore[attr-defined]
    return claimed


def _ours(ids: list[Any], claimed_at: datetime) -> QuerySet[DBTaskResult]:
    """The tasks still held by the claim made at `claimed_at` (the lease fence)."""
    return DBTaskResult.objects.filter(
        pk__in=ids, status=TaskResultStatus.RUNNING, started_at=claimed_at
    )


def tasks_release(tasks: list[DBTaskResult], *, claimed_at: datetime) -> int:
    """Put claimed tasks that were never started back in the queue, as they were."""
    released = 0
    for before, ids in _by_claims(tasks).items():
        released += _ours(ids, claimed_at).update(
            status=TaskResultStatus.READY, started_at=None, worker_ids=json.loads(before)
        )
    return released


def task_succeeded(task: DBTaskResult, *, started_at: datetime) -> None:
    """Record a success in memory (saved by `results_save`)."""
    task.status = TaskResultStatus.SUCCESSFUL
    task.started_at = started_at
    task.finished_at = timezone.now()
    task.return_value = None
    task.exception_class_path = ""
    task.traceback = ""


def task_failed(task: DBTaskResult, exc: BaseException, *, started_at: datetime) -> None:
    """Record a failure in memory, as django-tasks-db's `set_failed` does."""
    task.status = TaskResultStatus.FAILED
    task.started_at = started_at
    task.finished_at = timezone.now()
    task.return_value = None
    task.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
    task.traceback = "".join(format_exception(exc))


@retry()
def result_save(task: DBTaskResult, *, claimed_at: datetime) -> None:
    """Save one result at once: a failure (its traceback), or a success with a return value."""
    _ours([task.pk], claimed_at).update(
        status=task.status,
        started_at=task.started_at,
        finished_at=task.finished_at,
        return_value=task.return_value,
        exception_class_path=task.exception_class_path,
        traceback=task.traceback,
    )


@retry()
def results_save(tasks: list[DBTaskResult], *, claimed_at: datetime) -> int:
    """Save the results of tasks that succeeded with no return value, in one UPDATE; each
    keeps its own start and finish time."""
    if not tasks:
        return 0

    def each(field: str) -> Cast:
        # PostgreSQL types a CASE of parameters as text: cast it, as bulk_update does.
        return Cast(
            Case(*(When(pk=t.pk, then=Value(getattr(t, field))) for t in tasks)),
            output_field=DateTimeField(),
        )

    return _ours([t.pk for t in tasks], claimed_at).update(
        status=TaskResultStatus.SUCCESSFUL,
        started_at=each("started_at"),
        finished_at=each("finished_at"),
        return_value=None,
        exception_class_path="",
        traceback="",
    )
