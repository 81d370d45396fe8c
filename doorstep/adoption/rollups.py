"""Daily figures per company, counted from the ledger in the company's time zone.

A day is rebuilt whole (delete + insert in one transaction), so rolling it twice gives the
same rows; `rollups_catch_up` rolls every finished day after the last one rolled, so a
scheduler that was down for a week catches up on its next run. The page adds the days not
rolled yet (normally just today) live from the ledger, with the same counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from doorstep.tenancy.time import company_zone

from .ledger import latency_bucket
from .models import Activity, DailyFigure, RollupProgress

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

# Rows written just before midnight may commit just after: a day is rolled once it has been
# over for this long.
GRACE = timedelta(minutes=15)

KEY_FIELDS = ("verb", "channel", "scanner", "first", "cohort_month", "latency_bucket")


@dataclass(frozen=True)
class Figure:
    """One counted group: a DailyFigure row, or the same counted live from the ledger."""

    day: date
    verb: str
    channel: str
    scanner: bool
    first: bool
    cohort_month: date | None
    latency_bucket: int | None
    count: int
    amount: int


def day_start(company: Company, day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=company_zone(company))


def count_activities(company: Company, activities: QuerySet[Activity]) -> list[Figure]:
    """The ledger rows counted by company-local day and kind (one query)."""
    zone = company_zone(company)
    rows = (
        activities.annotate(
            day=TruncDate("occurred_at", tzinfo=zone),
            cohort_month=TruncMonth("cohort_on"),
        )
        .values("day", "verb", "channel", "scanner", "first", "cohort_month", "latency_seconds")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    )
    # Latency is grouped to its bucket here (a CASE in SQL would do the same, less readably):
    # the groups are per distinct latency, still bounded by the rows of the days asked for.
    merged: dict[tuple[date, str, str, bool, bool, date | None, int | None], list[int]] = {}
    for row in rows:
        key = (
            row["day"],
            row["verb"],
            row["channel"],
            row["scanner"],
            row["first"],
            _as_date(row["cohort_month"]),
            latency_bucket(row["latency_seconds"]),
        )
        sums = merged.setdefault(key, [0, 0])
        sums[0] += row["n"]
        sums[1] += row["total"] or 0
    return [Figure(*key, n, total) for key, (n, total) in merged.items()]


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


@transaction.atomic
def rollup_day(*, company: Company, day: date) -> int:
    """Rebuild one day's figures from the ledger. Idempotent. Returns the rows written."""
    start = day_start(company, day)
    end = day_start(company, day + timedelta(days=1))
    figures = count_activities(
        company,
        Activity.objects.for_company(company).filter(occurred_at__gte=start, occurred_at__lt=end),
    )
    DailyFigure.objects.for_company(company).filter(day=day).delete()
    DailyFigure.objects.bulk_create(
        [
            DailyFigure(
                company=company,
                day=f.day,
                verb=f.verb,
                channel=f.channel,
                scanner=f.scanner,
                first=f.first,
                cohort_month=f.cohort_month,
                latency_bucket=f.latency_bucket,
                count=f.count,
                amount=f.amount,
            )
            for f in figures
        ]
    )
    return len(figures)


def rolled_through(company: Company) -> date | None:
    return (
        RollupProgress.objects.for_company(company).values_list("rolled_through", flat=True).first()
    )


def rollups_catch_up(*, company: Company, now: datetime | None = None) -> list[date]:
    """Roll every finished day after the last one rolled (from the first activity on)."""
    now = now or timezone.now()
    last_done = timezone.localtime(now - GRACE, company_zone(company)).date() - timedelta(days=1)
    done = rolled_through(company)
    if done is None:
        first = Activity.objects.for_company(company).order_by("occurred_at").first()
        if first is None:
            return []
        done = timezone.localtime(first.occurred_at, company_zone(company)).date() - timedelta(
            days=1
        )
    rolled = []
    day = done + timedelta(days=1)
    while day <= last_done:
        with transaction.atomic():
            rollup_day(company=company, day=day)
            RollupProgress.objects.update_or_create(
                company=company, defaults={"rolled_through": day}
            )
        rolled.append(day)
        day += timedelta(days=1)
    return rolled
