"""Queue a background task with the transaction that asks for it.

The queue (django-tasks-db) lives in our own database, so a task enqueued inside the business
transaction is written by that transaction: the row that needs the work (a receipt in the
outbox, a webhook in the inbox, a scheduler slot) and its task commit together or not at all.
Queuing after commit instead costs a second commit (one more WAL flush per webhook event, a
third of the end-to-end path's commits; docs/adr/0004) and loses the task if the process dies
between the two. A worker cannot see the task before the commit, so it never runs on data it
cannot read yet.

Any other backend (the tests' ImmediateBackend runs the task at enqueue) still runs after
commit, so a task never sees a transaction that may yet roll back.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def queue_in_this_database(task: Task[Any, Any]) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_with_transaction(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task(*args, **kwargs)` as part of the current transaction (see above)."""
    if connection.in_atomic_block and queue_in_this_database(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
