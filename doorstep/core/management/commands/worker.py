"""`manage.py worker`: django-tasks-db's `db_worker`, claiming tasks in batches and kept alive
through database faults.

Claiming: the stock worker claims one task per transaction and saves each result with its own
commit, which cost more than a receipt email's own work (docs/adr/0004). This one claims up to
`--claim-batch` ready tasks at once and saves their results together (core/task_batches.py);
`--claim-batch 1` claims one at a time, as `db_worker` does.

Faults: the stock worker exits on the first `OperationalError` (a failover, a pooler restart or
`pg_terminate_backend` drops its connection) and the queue silently stops. This command runs
the worker loop under a supervisor: on a database error it drops the broken connections,
waits (1 s, doubling up to 30 s) and carries on; RUNNING tasks whose worker died are put back
in the queue (core/task_leases.py). Otherwise the same options as `db_worker`.
"""

from __future__ import annotations

import logging
import os
import random
import time
from argparse import ArgumentParser, ArgumentTypeError
from datetime import datetime
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import Error as DatabaseError
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from doorstep.core import task_batches
from doorstep.core.task_leases import tasks_requeue_expired

log = logging.getLogger("doorstep.worker")
MAX_PAUSE_SECONDS = 30.0


def connections_drop() -> None:
    """Forget every database connection (a dead one cannot even be closed cleanly)."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None


class BatchWorker(db_worker.Worker):
    """`db_worker.Worker` whose loop claims `claim_batch` tasks at a time.

    Between the claim and the end of the batch the worker holds `waiting` (claimed, not
    started) and `succeeded` (finished, result not saved yet); `batch_settle` hands back the
    first and saves the second, also after a database fault (the supervisor calls it again).
    """

    def __init__(self, *, claim_batch: int, **options: Any) -> None:
        super().__init__(**options)
        self.claim_batch = claim_batch
        self.claimed_at: datetime | None = None
        self.waiting: list[DBTaskResult] = []
        self.succeeded: list[DBTaskResult] = []
        self.seconds_by_task: dict[str, float] = {}  # how long each task path last took here

    def ready_tasks(self) -> Any:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def run(self) -> None:
        db_worker.logger.info(
            "Starting worker worker_id=%s queues=%s claim_batch=%s",
            self.worker_id,
            ",".join(self.queue_names),
            self.claim_batch,
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # spread the workers' first polls
        while self.running:
            close_old_connections()  # once per batch, not per task: it costs a round trip
            limit = self.claim_batch
            if self.max_tasks is not None:
                limit = min(limit, self.max_tasks - self._run_tasks)
            claimed = task_batches.tasks_claim(
                self.ready_tasks(), worker_id=self.worker_id, limit=limit
            )
            if claimed:
                self.batch_run(claimed)
            if self.batch and claimed == []:
                db_worker.logger.info(
                    "No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id
                )
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                db_worker.logger.info(
                    "Run maximum tasks (%d) on worker=%s - exiting gracefully.",
                    self._run_tasks,
                    self.worker_id,
                )
                return
            if self.running and not claimed:
                time.sleep(self.interval)

    def batch_run(self, claimed: list[DBTaskResult]) -> None:
        self.claimed_at = claimed[0].started_at
        self.waiting = list(claimed)
        held_since = time.monotonic()
        try:
            while self.waiting and self.running:
                task = self.waiting.pop(0)
                if self.waiting and not self.is_fast(task.task_path):
                    self.waiting_release()  # a slow or new task must not hold the others
                self.run_task(task)
                if time.monotonic() - held_since > task_batches.claim_hold_seconds():
                    break  # held long enough: the rest go back to the queue (finally)
        finally:
            self.batch_settle()

    def is_fast(self, task_path: str) -> bool:
        seconds = self.seconds_by_task.get(task_path)
        return seconds is not None and seconds < task_batches.FAST_TASK_SECONDS

    def waiting_release(self) -> None:
        if self.waiting and self.claimed_at is not None:
            task_batches.tasks_release(self.waiting, claimed_at=self.claimed_at)
        self.waiting = []

    def batch_settle(self) -> None:
        """Hand back what was not started and save what succeeded. Raises a database error
        with both still held, so a retry after the fault finishes the job."""
        self.waiting_release()
        if self.succeeded and self.claimed_at is not None:
            task_batches.results_save(self.succeeded, claimed_at=self.claimed_at)
        self.succeeded = []

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one claimed task, as `db_worker.Worker.run_task` does, but keep a plain success
        for `results_save` instead of saving it at once."""
        assert self.claimed_at is not None
        started_at, started = timezone.now(), time.monotonic()
        try:
            self.running_task = True
            db_task_result.started_at = started_at  # the signals and the log see its own start
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                return_value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                return_value = task.call(*task_result.args, **task_result.kwargs)
            task_batches.task_succeeded(db_task_result, started_at=started_at)
            if return_value is None:
                self.succeeded.append(db_task_result)
            else:  # rare: saved at once, so a value JSON cannot hold fails this task alone
                db_task_result.return_value = return_value
                task_batches.result_save(db_task_result, claimed_at=self.claimed_at)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except BaseException as exc:
            if db_task_result in self.succeeded:
                self.succeeded.remove(db_task_result)
            task_batches.task_failed(db_task_result, exc, started_at=started_at)
            task_batches.result_save(db_task_result, claimed_at=self.claimed_at)
            try:
                sender = type(db_task_result.task.get_backend())
                task_result = db_task_result.task_result
            except (ImportError, SuspiciousOperation):
                db_worker.logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
            else:
                task_finished.send(sender=sender, task_result=task_result)
            # db_worker checks its connections after every task; here once per batch and after
            # a failure, which may have left a connection broken for the next task.
            close_old_connections()
        finally:
            self.seconds_by_task[db_task_result.task_path] = time.monotonic() - started
            self.running_task = False
            self._run_tasks += 1

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if self.running and not self.running_task and (self.waiting or self.succeeded):
            # Between two tasks of a batch: stop at the next one, handing the rest back,
            # rather than exiting here with them claimed until their lease runs out.
            db_worker.logger.warning("Received signal %s - shutting down after this batch", signum)
            self.running = False
            return
        super().shutdown(signum, frame)


class SupervisedWorker(BatchWorker):
    def run(self) -> None:
        pause = 1.0
        while self.running:
            started = time.monotonic()
            try:
                self.batch_settle()  # a batch cut short by a database fault
                tasks_requeue_expired()
                super().run()
                return  # --batch or --max-tasks: finished normally
            except DatabaseError as exc:
                log.warning("worker: database unavailable (%s); reconnecting", exc)
            except Exception:
                log.exception("worker: unexpected error; restarting the loop")
            connections_drop()
            if time.monotonic() - started > 60:
                pause = 1.0  # it ran fine for a while: this is a new fault
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_SECONDS)


def valid_claim_batch(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 1000:
        raise ArgumentTypeError("Must be between 1 and 1000")
    return number


class Command(db_worker.Command):
    help = "Run the background worker (db_worker claiming in batches, reconnecting after faults)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--claim-batch",
            type=valid_claim_batch,
            default=settings.WORKER_CLAIM_BATCH,
            help="Claim up to this many ready tasks at once; 1 claims one at a time, as "
            "db_worker does (default: the WORKER_CLAIM_BATCH setting, %(default)s)",
        )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        reload: bool,
        batch: bool,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        worker = SupervisedWorker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            claim_batch=options["claim_batch"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process runs tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
