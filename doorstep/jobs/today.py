"""A technician's day: the jobs assigned to them that are scheduled today where the company is."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from doorstep.tenancy.time import company_zone

from .models import Job, JobStatus

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def jobs_for_technician_on(*, company: Company, user: Any, day: date) -> QuerySet[Job]:
    """The company's jobs assigned to the technician profile(s) of `user`, starting on `day`
    in the company's time zone, earliest first (cancelled ones left out)."""
    zone = company_zone(company)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return (
        Job.objects.for_company(company)
        .filter(
            technician__user=user,
            scheduled_start__gte=start,
            scheduled_start__lt=start + timedelta(days=1),
        )
        .exclude(status=JobStatus.CANCELLED)
        .select_related("customer", "location")
        .order_by("scheduled_start", "number")
    )
