"""Request limits per API key and per company, counted in the database.

A fixed one-minute window per bucket. The count is taken with a conditional UPDATE
(`count < limit`), which the database applies atomically, so concurrent requests can never
take more slots than the limit (a cache-based throttle reads, then writes, and lets a burst
through). The first request of a window inserts the row; two inserting at once meet the
unique constraint and the loser retries the UPDATE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RequestCount

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class LimitResult:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the window ends: the Retry-After when refused


def _window_start(now: datetime) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % int(WINDOW.total_seconds()), tz=UTC)


def _take(company: Company, bucket: str, limit: int, start: datetime) -> int | None:
    """The count after taking one slot, or None when the window is full."""
    rows = RequestCount.objects.for_company(company).filter(bucket=bucket, window_start=start)
    for _attempt in range(3):
        if rows.filter(count__lt=limit).update(count=F("count") + 1):
            return rows.values_list("count", flat=True).first() or limit
        current = rows.values_list("count", flat=True).first()
        if current is not None:
            if current >= limit:
                return None
            continue  # created by a concurrent request since our UPDATE: take a slot now
        try:
            with transaction.atomic():
                RequestCount.objects.create(
                    company=company, bucket=bucket, window_start=start, count=1
                )
            return 1
        except IntegrityError:
            continue  # another request created it first: take a slot with the UPDATE
    return None


def request_limit_take(*, company: Company, api_key_id: int) -> LimitResult:
    """Take one request from the key's and the company's allowance for this minute."""
    now = timezone.now()
    start = _window_start(now)
    reset = max(1, int((start + WINDOW - now).total_seconds() + 0.999))
    key_limit = settings.API_REQUESTS_PER_MINUTE_PER_KEY
    company_limit = settings.API_REQUESTS_PER_MINUTE_PER_COMPANY
    key_count = _take(company, f"key:{api_key_id}", key_limit, start)
    if key_count is None:
        return LimitResult(False, key_limit, 0, reset)
    company_count = _take(company, "company", company_limit, start)
    if company_count is None:
        return LimitResult(False, company_limit, 0, reset)
    remaining = min(key_limit - key_count, company_limit - company_count)
    limit = key_limit if key_limit - key_count <= company_limit - company_count else company_limit
    return LimitResult(True, limit, max(0, remaining), reset)


def request_counts_prune(*, now: datetime | None = None) -> int:
    """Delete finished windows (periodic)."""
    now = now or timezone.now()
    deleted, _ = RequestCount.objects.filter(  # scope: housekeeping over every company
        window_start__lt=_window_start(now) - WINDOW
    ).delete()
    return deleted
