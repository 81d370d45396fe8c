"""`manage.py worker`: django-tasks-db's `db_worker`, kept alive through database faults.

The stock worker exits on the first `OperationalError` (a failover, a pooler restart or
`pg_terminate_backend` drops its connection) and the queue silently stops. This command runs
the same worker loop under a supervisor: on a database error it drops the broken connections,
waits (1 s, doubling up to 30 s) and carries on; RUNNING tasks whose worker died are put back
in the queue (core/task_leases.py). Same options as `db_worker`.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.db import Error as DatabaseError
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

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


class SupervisedWorker(db_worker.Worker):
    def run(self) -> None:
        pause = 1.0
        while self.running:
            started = time.monotonic()
            try:
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


class Command(db_worker.Command):
    help = "Run the background worker (db_worker that reconnects after database faults)."

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
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process runs tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
