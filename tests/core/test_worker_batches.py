"""`manage.py worker` claims tasks in batches (core/task_batches.py) and still runs each once.

Seen before: django-tasks-db's worker spent more on each receipt email's claim and result
(a locking SELECT, an UPDATE and a commit each, plus a health check) than on the email's own
4 statements (docs/adr/0004). Batching must not bring back what the leases fixed: a task
lost or run twice when a worker dies, or a task held by a worker that is busy elsewhere.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from doorstep.core import task_batches
from doorstep.core.management.commands.worker import SupervisedWorker

from . import worker_tasks
from .worker_tasks import answer, fail_if_odd, peek, record, stop

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TABLE = DBTaskResult._meta.db_table


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = DATABASE_TASKS
    for recorded in (worker_tasks.RAN, worker_tasks.SEEN, worker_tasks.WORKERS):
        recorded.clear()


def new_worker(
    *, claim_batch: int = 10, fast: tuple[object, ...] = (), **options
) -> SupervisedWorker:
    worker = SupervisedWorker(
        queue_names=["*"],
        excluded_queue_names=[],
        batch=True,  # drain the queue, then return
        interval=0,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=options.pop("worker_id", "w1"),
        claim_batch=claim_batch,
        **options,
    )
    for known in fast:  # as if this worker had run them before, quickly
        worker.seconds_by_task[known.module_path] = 0.001  # type: ignore[attr-defined]
    return worker


def queue_statements(queries) -> list[str]:
    """The worker's statements on the task table, by kind (the lease sweep's SELECT first)."""
    kinds = []
    for query in queries:
        sql = query["sql"]
        if TABLE not in sql:
            continue
        kind = sql.split()[0]
        if kind == "SELECT" and "FOR UPDATE" in sql:
            kind = "SELECT FOR UPDATE"
        kinds.append(kind)
    return kinds


def test_a_batch_of_ten_is_claimed_and_saved_in_three_statements(settings):
    for n in range(10):
        record.enqueue(n)
    with CaptureQueriesContext(connection) as queries:
        new_worker(fast=(record,)).run()
    locking = "SELECT FOR UPDATE" if connection.features.has_select_for_update else "SELECT"
    assert queue_statements(queries.captured_queries) == [
        locking,  # the lease sweep when the worker starts (core/task_leases.py)
        locking,  # ten ready tasks, locked (SKIP LOCKED), in queue order
        "UPDATE",  # all ten RUNNING, with this worker's id and the claim time
        "UPDATE",  # all ten results
        locking,  # none left: --batch stops
    ]
    assert len(worker_tasks.RAN) == 10
    results = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert {(r.status, tuple(r.worker_ids)) for r in results} == {("SUCCESSFUL", ("w1",))}
    for result in results:  # each keeps its own start, not its batch's claim time
        assert result.enqueued_at <= result.started_at <= result.finished_at


def test_claim_takes_up_to_n_in_queue_order_and_leaves_the_rest_ready():
    for n in range(5):
        record.enqueue(n)
    urgent = record.using(priority=10).enqueue(99)
    claimed = task_batches.tasks_claim(DBTaskResult.objects.ready(), worker_id="w1", limit=3)
    assert claimed is not None and len(claimed) == 3
    assert str(claimed[0].pk) == urgent.id  # priority first, then oldest
    assert Counter(DBTaskResult.objects.values_list("status", flat=True)) == {
        "RUNNING": 3,
        "READY": 3,
    }
    running = DBTaskResult.objects.filter(status="RUNNING")
    assert {tuple(r.worker_ids) for r in running} == {("w1",)}
    assert {r.started_at for r in running} == {claimed[0].started_at}


def test_failures_are_recorded_per_task_and_the_successes_together():
    for n in range(6):
        fail_if_odd.enqueue(n)
    answered = answer.enqueue()
    new_worker(fast=(fail_if_odd, answer)).run()
    by_n = {r.args_kwargs["args"][0]: r for r in DBTaskResult.objects.exclude(pk=answered.id)}
    assert {n: r.status for n, r in by_n.items()} == {
        0: "SUCCESSFUL",
        1: "FAILED",
        2: "SUCCESSFUL",
        3: "FAILED",
        4: "SUCCESSFUL",
        5: "FAILED",
    }
    for n in (1, 3, 5):
        assert by_n[n].exception_class_path == "builtins.ValueError"
        assert f"ValueError: odd {n}" in by_n[n].traceback
        assert by_n[n].finished_at is not None
    for n in (0, 2, 4):
        assert by_n[n].traceback == "" and by_n[n].finished_at >= by_n[n].started_at
    returned = DBTaskResult.objects.get(pk=answered.id)
    assert (returned.status, returned.return_value) == ("SUCCESSFUL", 42)


def test_a_killed_workers_claimed_tasks_run_once_after_their_lease(settings):
    for n in range(8):
        record.enqueue(n)
    # A worker claimed five and was SIGKILLed before running any (or before saving them).
    dead = task_batches.tasks_claim(DBTaskResult.objects.ready(), worker_id="killed", limit=5)
    assert dead is not None and len(dead) == 5

    new_worker(worker_id="w2", fast=(record,)).run()
    assert len(worker_tasks.RAN) == 3  # within their lease nobody else takes the five
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 5

    later = timezone.now() + timedelta(seconds=settings.TASK_LEASE_SECONDS + 60)
    with time_machine.travel(later):
        new_worker(worker_id="w3", fast=(record,)).run()  # sweeps expired leases first
    ran = Counter(task_id for task_id, _ in worker_tasks.RAN)
    assert len(ran) == 8 and set(ran.values()) == {1}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert sorted(tuple(r.worker_ids) for r in DBTaskResult.objects.all()) == (
        [("killed", "w3")] * 5 + [("w2",)] * 3
    )


def test_a_stopping_worker_hands_back_what_it_has_not_started():
    stop.using(priority=10).enqueue()
    for n in range(5):
        record.enqueue(n)
    worker = new_worker(fast=(stop, record))
    worker_tasks.WORKERS.append(worker)
    worker.run()
    assert worker_tasks.RAN == []
    assert DBTaskResult.objects.get(task_path=stop.module_path).status == "SUCCESSFUL"
    back = DBTaskResult.objects.exclude(task_path=stop.module_path)
    # As they were: ready for any worker, and not counted as a claim.
    assert {(r.status, r.started_at, tuple(r.worker_ids)) for r in back} == {("READY", None, ())}


@pytest.mark.parametrize("known_fast", [False, True])
def test_a_new_or_slow_task_does_not_hold_its_batch_back(known_fast):
    peek.using(priority=10).enqueue()
    for n in range(4):
        record.enqueue(n)
    new_worker(fast=(peek, record) if known_fast else ()).run()
    # While `peek` ran, the other four were ready for any worker unless it is known to be fast.
    ready_meanwhile = 0 if known_fast else 4
    seen = list(worker_tasks.SEEN)
    assert seen == [ready_meanwhile]
    assert len(worker_tasks.RAN) == 4


def test_a_batch_held_past_the_hold_gives_back_the_rest(monkeypatch):
    monkeypatch.setattr(task_batches, "CLAIM_HOLD_SECONDS", 0)
    for n in range(4):
        record.enqueue(n)
    with CaptureQueriesContext(connection) as queries:
        new_worker(fast=(record,)).run()
    claims = [k for k in queue_statements(queries.captured_queries) if k.startswith("SELECT")]
    assert len(claims) == 1 + 4 + 1  # the sweep, a claim per task (3, 2, 1 given back), the last
    assert len(worker_tasks.RAN) == 4
    assert {tuple(r.worker_ids) for r in DBTaskResult.objects.all()} == {("w1",)}


@pytest.mark.postgres
def test_two_workers_never_run_the_same_task():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SKIP LOCKED between two connections)")
    for n in range(300):
        record.enqueue(n, pause=0.001)

    def work(name: str) -> None:
        try:
            new_worker(worker_id=name, fast=(record,)).run()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"w{n}",), name=f"w{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ran = Counter(task_id for task_id, _ in worker_tasks.RAN)
    assert len(ran) == 300 and set(ran.values()) == {1}  # every task, each once
    by_thread = Counter(thread for _, thread in worker_tasks.RAN)
    assert set(by_thread) == {"w1", "w2"}, by_thread  # both took part
    results = DBTaskResult.objects.all()
    assert {r.status for r in results} == {"SUCCESSFUL"}
    assert all(len(r.worker_ids) == 1 for r in results)
