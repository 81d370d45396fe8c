"""How far behind the background work is: the one home of "queue depth" and "queue lag".

`/readyz`, the Prometheus metrics and the office's System page all read it here, so they never
disagree about what "waiting" means: a task that is READY (not claimed by a worker) and due
(no `run_after`, or `run_after` in the past). A task scheduled for later is not late.

The queue belongs to the whole installation, not to one company (tasks carry ids, not a
company column), so these reads take no `company=`: they count rows, never show their
arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Count, F, Min, Q, When
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True)
class QueueLag:
    waiting: int  # READY and due, not claimed by any worker
    oldest_waiting_seconds: float  # 0 when nothing waits

    def over(self, threshold_seconds: float) -> bool:
        return self.oldest_waiting_seconds > threshold_seconds


def _waiting(now: datetime) -> Q:
    # django-tasks-db stores "no run_after" as 9999-01-01 (get_date_max), never NULL.
    return Q(status=TaskResultStatus.READY) & (Q(run_after=get_date_max()) | Q(run_after__lte=now))


def queue_lag(*, now: datetime | None = None) -> QueueLag:
    """One query on the partial index of READY tasks: how many wait, and since when the
    oldest has been waiting (since it was enqueued, or since its run_after came)."""
    now = now or timezone.now()
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    row = DBTaskResult.objects.filter(_waiting(now)).aggregate(
        waiting=Count("id"), oldest=Min(waiting_since)
    )
    oldest = row["oldest"]
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return QueueLag(waiting=row["waiting"], oldest_waiting_seconds=age)


@dataclass(frozen=True)
class QueueHealth:
    lag: QueueLag
    running: int
    failed_recently: int  # failed in the last FAILED_WINDOW
    window_hours: int


FAILED_WINDOW = timedelta(hours=24)


def queue_health(*, now: datetime | None = None) -> QueueHealth:
    """The System page's figures: the lag, plus tasks running now and tasks failed in the
    last 24 hours (a scan of recent rows: for a person's page, not for every health probe)."""
    now = now or timezone.now()
    lag = queue_lag(now=now)
    row = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.RUNNING)
        | Q(status=TaskResultStatus.FAILED, finished_at__gte=now - FAILED_WINDOW)
    ).aggregate(
        running=Count("id", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("id", filter=Q(status=TaskResultStatus.FAILED)),
    )
    return QueueHealth(
        lag=lag,
        running=row["running"],
        failed_recently=row["failed"],
        window_hours=int(FAILED_WINDOW.total_seconds() // 3600),
    )
