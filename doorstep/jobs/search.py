"""Finding jobs by number ("JOB-0042", "42"), title or customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from .models import Job

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def jobs_matching(
    *,
    company: Company,
    number: int | None,
    title: str = "",
    customer_ids: list[int] | None = None,
) -> QuerySet[Job]:
    """The company's jobs with that number, or whose title contains `title`, or of those
    customers; newest first (the (company, number) unique index, the (company, customer, ...)
    index)."""
    jobs = Job.objects.for_company(company).select_related("customer")
    if number is not None:
        return jobs.filter(number=number)
    match = Q()
    if title:
        match |= Q(title__icontains=title)
    if customer_ids:
        match |= Q(customer_id__in=customer_ids)
    if not match:
        return jobs.none()
    return jobs.filter(match).order_by("-created_at", "-id")


def jobs_of_customer(*, company: Company, customer: Any) -> QuerySet[Job]:
    """The customer's jobs, newest first."""
    return (
        Job.objects.for_company(company)
        .filter(customer=customer)
        .select_related("location", "technician")
        .order_by("-created_at", "-id")
    )
