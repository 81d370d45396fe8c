"""Reads of jobs for the office: the list, the board by status, one job, its photos.

Every read takes the company; `assigned_to` narrows to one staff user's own jobs (a
technician sees the jobs given to them, nothing else: the office decides who is limited).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from .models import Job, JobEvent, JobPhoto, JobStatus, Technician

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

# The board's columns, in the order work moves through them.
BOARD_STATUSES = [
    JobStatus.UNSCHEDULED,
    JobStatus.SCHEDULED,
    JobStatus.TECHNICIAN_ASSIGNED,
    JobStatus.ON_THE_WAY,
    JobStatus.TECHNICIAN_ARRIVED,
    JobStatus.IN_PROGRESS,
    JobStatus.COMPLETED,
]


def _jobs(*, company: Company, assigned_to: Any = None) -> QuerySet[Job]:
    jobs = Job.objects.for_company(company)
    if assigned_to is not None:
        jobs = jobs.filter(technician__user=assigned_to)
    return jobs


def jobs_for_office(
    *,
    company: Company,
    assigned_to: Any = None,
    status: str = "",
    technician_id: int | None = None,
    query: str = "",
) -> QuerySet[Job]:
    """The job list, newest first, with what a row shows (customer, address, technician)."""
    jobs = _jobs(company=company, assigned_to=assigned_to).select_related(
        "customer", "location", "technician"
    )
    if status in JobStatus.values:
        jobs = jobs.filter(status=status)
    if technician_id is not None:
        jobs = jobs.filter(technician_id=technician_id)
    query = query.strip().replace("\x00", "")[:100]
    if query:
        number = query.upper().removeprefix("JOB-").lstrip("0")
        match = Q(title__icontains=query) | Q(customer__name__icontains=query)
        if number.isdigit():
            match |= Q(number=int(number))
        jobs = jobs.filter(match)
    return jobs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class BoardColumn:
    status: JobStatus
    count: int
    jobs: list[Job]

    @property
    def more(self) -> int:
        return self.count - len(self.jobs)


def jobs_board(
    *, company: Company, assigned_to: Any = None, per_column: int = 12
) -> list[BoardColumn]:
    """One column per status with its count and its first `per_column` jobs (soonest visit
    first): two queries whatever the company's size (a window function picks each column's
    first rows)."""
    base = _jobs(company=company, assigned_to=assigned_to).filter(status__in=BOARD_STATUSES)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    ranked = (
        base.select_related("customer", "technician")
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("status")],
                order_by=[F("scheduled_start").asc(nulls_last=True), F("id").desc()],
            )
        )
        .filter(place__lte=per_column)
        .order_by("place")
    )
    by_status: dict[str, list[Job]] = {}
    for job in ranked:
        by_status.setdefault(job.status, []).append(job)
    return [
        BoardColumn(status, counts.get(status, 0), by_status.get(status, []))
        for status in BOARD_STATUSES
    ]


def job_for_office(*, company: Company, job_id: int, assigned_to: Any = None) -> Job | None:
    """One job with its timeline, photos and conversations (4 queries), or None."""
    return (
        _jobs(company=company, assigned_to=assigned_to)
        .filter(pk=job_id)
        .select_related("customer", "location", "technician")
        .prefetch_related(
            Prefetch("events", queryset=JobEvent.objects.order_by("-created_at", "-id")),
            "photos",
            "conversations",  # the model's order: latest message first
        )
        .first()
    )


def job_photo_for_office(
    *, company: Company, job_id: int, photo_id: int, assigned_to: Any = None
) -> JobPhoto | None:
    photos = JobPhoto.objects.for_company(company).filter(pk=photo_id, job_id=job_id)
    if assigned_to is not None:
        photos = photos.filter(job__technician__user=assigned_to)
    return photos.first()


def job_photo_for_customer(
    *, company: Company, customer: Any, job_id: int, photo_id: int
) -> JobPhoto | None:
    return (
        JobPhoto.objects.for_company(company)
        .filter(pk=photo_id, job_id=job_id, job__customer=customer)
        .first()
    )


def technicians_active(*, company: Company) -> QuerySet[Technician]:
    return Technician.objects.for_company(company).filter(is_active=True).order_by("name", "pk")
