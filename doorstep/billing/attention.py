"""What the office home counts about invoices and estimates (one aggregate query each)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from .models import EstimateComment, Invoice, InvoiceState

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def overdue_q(today: date) -> Q:
    """Overdue as the customer sees it (Invoice.customer_status): open, owing, nothing pending
    at the bank, past its due date where the company is."""
    return Q(state=InvoiceState.OPEN, balance_due__gt=0, amount_pending=0, due_date__lt=today)


def invoices_attention_counts(*, company: Company, today: date) -> dict[str, int]:
    """Overdue invoices, and those whose autopay charge failed ("action needed")."""
    row = (
        Invoice.objects.for_company(company)
        .filter(state=InvoiceState.OPEN, balance_due__gt=0)
        .aggregate(
            overdue=Count("pk", filter=overdue_q(today)),
            action_needed=Count("pk", filter=Q(action_needed=True)),
        )
    )
    return {"overdue": row["overdue"] or 0, "action_needed": row["action_needed"] or 0}


def estimates_with_question_count(*, company: Company) -> int:
    """Estimates whose newest comment is the customer's: a question the office has not
    answered yet (one query)."""
    newest = EstimateComment.objects.filter(
        company=company, estimate_id=OuterRef("estimate_id")
    ).order_by("-created_at", "-id")
    unanswered = EstimateComment.objects.for_company(company).filter(
        from_customer=True, pk=Subquery(newest.values("pk")[:1])
    )
    return int(unanswered.aggregate(n=Count("estimate_id", distinct=True))["n"] or 0)


def estimates_with_question_ids(*, company: Company) -> Exists:
    """For a list filter: estimates whose newest comment is the customer's."""
    newest = EstimateComment.objects.filter(
        company=company, estimate_id=OuterRef("estimate_id")
    ).order_by("-created_at", "-id")
    return Exists(
        EstimateComment.objects.filter(
            company=company,
            estimate_id=OuterRef("pk"),
            from_customer=True,
            pk=Subquery(newest.values("pk")[:1]),
        )
    )
