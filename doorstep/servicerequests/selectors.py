"""Reads of service requests: always scoped by company, and by customer in the portal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, QuerySet, When

from doorstep.customers.models import Location

from .models import RequestStatus, ServiceRequest, ServiceRequestPhoto, ServiceType, Urgency

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def service_requests_for_customer(*, company: Company, customer: Any) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.for_company(company)
        .filter(customer=customer)
        .select_related("service_type", "location", "job")
        .annotate(photo_count=Count("photos"))
        .order_by("-created_at", "-id")
    )


def service_request_for_customer(
    *, company: Company, customer: Any, request_id: int
) -> ServiceRequest | None:
    return (
        ServiceRequest.objects.for_company(company)
        .filter(customer=customer, pk=request_id)
        .select_related("service_type", "location", "job")
        .first()
    )


def service_request_photo_for_customer(
    *, company: Company, customer: Any, request_id: int, photo_id: int
) -> ServiceRequestPhoto | None:
    return (
        ServiceRequestPhoto.objects.for_company(company)
        .filter(pk=photo_id, request_id=request_id, request__customer=customer)
        .first()
    )


def service_types_offered(*, company: Company) -> QuerySet[ServiceType]:
    return ServiceType.objects.for_company(company).filter(is_active=True)


def locations_for_customer(*, company: Company, customer: Any) -> QuerySet[Location]:
    return Location.objects.for_company(company).filter(customer=customer)


# --- The office's queue -------------------------------------------------------------------------
def service_requests_queue(
    *, company: Company, status: str = "pending"
) -> QuerySet[ServiceRequest]:
    """The office's queue: emergencies first, then the rest, newest first within each (the
    waiting ones by default; approved and declined ones stay findable by status)."""
    status = status if status in RequestStatus.values else RequestStatus.PENDING
    return (
        ServiceRequest.objects.for_company(company)
        .filter(status=status)
        .select_related("customer", "service_type", "location", "job")
        .annotate(
            photo_count=Count("photos"),
            emergency_first=Case(When(urgency=Urgency.EMERGENCY, then=0), default=1),
        )
        .order_by("emergency_first", "-created_at", "-id")
    )


def service_request_for_office(*, company: Company, request_id: int) -> ServiceRequest | None:
    """One request with its photos and the customer's addresses (for the approve form)."""
    return (
        ServiceRequest.objects.for_company(company)
        .filter(pk=request_id)
        .select_related("customer", "service_type", "location", "job")
        .prefetch_related("photos", "customer__locations")
        .first()
    )


def service_request_photo_for_office(
    *, company: Company, request_id: int, photo_id: int
) -> ServiceRequestPhoto | None:
    return (
        ServiceRequestPhoto.objects.for_company(company)
        .filter(pk=photo_id, request_id=request_id)
        .first()
    )
