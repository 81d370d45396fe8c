"""What the office home counts about payments (one aggregate query)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from .models import Payment, PaymentMethod, PaymentState

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

# A failed payment is worth a look for a month; after that the invoice's own state (overdue,
# action needed) is what still asks for attention.
FAILED_RECENT_DAYS = 30


def payments_attention_counts(*, company: Company) -> dict[str, int]:
    """Failed payments of the last 30 days and ACH payments the bank has not confirmed yet
    (the (company, state) index)."""
    since = timezone.now() - timedelta(days=FAILED_RECENT_DAYS)
    row = (
        Payment.objects.for_company(company)
        .filter(state__in=[PaymentState.FAILED, PaymentState.PROCESSING])
        .aggregate(
            failed=Count("pk", filter=Q(state=PaymentState.FAILED, created_at__gte=since)),
            ach_pending=Count(
                "pk", filter=Q(state=PaymentState.PROCESSING, method=PaymentMethod.ACH)
            ),
        )
    )
    return {"failed": row["failed"] or 0, "ach_pending": row["ach_pending"] or 0}
