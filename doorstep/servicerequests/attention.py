"""What the office home counts about service requests (one aggregate query)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q

from .models import RequestStatus, ServiceRequest, Urgency

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def service_requests_waiting_counts(*, company: Company) -> dict[str, int]:
    """Pending requests, and how many of them are emergencies (one query, the company's rows
    only)."""
    row = (
        ServiceRequest.objects.for_company(company)
        .filter(status=RequestStatus.PENDING)
        .aggregate(
            pending=Count("pk"),
            emergency=Count("pk", filter=Q(urgency=Urgency.EMERGENCY)),
        )
    )
    return {"pending": row["pending"] or 0, "emergency": row["emergency"] or 0}
