"""Finding jobs by number ("JOB-0042", "42") or customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from .models import Job

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def jobs_matching(
    *, company: Company, number: int | None, customer_ids: list[int] | None = None
) -> QuerySet[Job]:
    """The company's job with that number, or the jobs of those customers (ids), newest
    first (the (company, number) unique index, the (company, customer, ...) indexes)."""
    jobs = Job.objects.for_company(company).select_related("customer")
    if number is not None:
        return jobs.filter(number=number)
    if not customer_ids:
        return jobs.none()
    return jobs.filter(customer_id__in=customer_ids).order_by("-created_at", "-id")


def jobs_of_customer(*, company: Company, customer: Any) -> QuerySet[Job]:
    """The customer's jobs, newest first."""
    return (
        Job.objects.for_company(company)
        .filter(customer=customer)
        .select_related("location", "technician")
        .order_by("-created_at", "-id")
    )
