"""Tasks for the worker tests: they record what ran (in this process) and nothing else."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from django_tasks import task
from django_tasks_db.models import DBTaskResult

RAN: list[tuple[str, str]] = []  # (task id, the thread that ran it)
SEEN: list[int] = []  # what `peek` counted
WORKERS: list[Any] = []  # the worker `stop` signals


@task(takes_context=True)
def record(context: Any, n: int, pause: float = 0) -> None:
    time.sleep(pause)
    RAN.append((str(context.task_result.id), threading.current_thread().name))


@task()
def fail_if_odd(n: int) -> None:
    if n % 2:
        raise ValueError(f"odd {n}")


@task()
def peek() -> None:
    """Counts the tasks other workers could claim right now."""
    SEEN.append(DBTaskResult.objects.ready().count())


@task()
def stop() -> None:
    """SIGTERM arriving while this task runs (the handler's call, without the signal)."""
    WORKERS[0].shutdown(signal.SIGTERM, None)


@task()
def answer() -> int:
    return 42
