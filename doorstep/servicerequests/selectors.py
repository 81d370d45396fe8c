"""Reads of service requests: always scoped by company, and by customer in the portal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from doorstep.customers.models import Location

from .models import ServiceRequest, ServiceRequestPhoto, ServiceType

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
