"""Finding invoices and estimates by number ("INV-0042", "0042", "42") or by their customer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from .models import Estimate, Invoice

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

# "INV-0042", "inv 42", "0042", "42": the prefix (if any) and the number.
NUMBER = re.compile(r"^(?:([A-Za-z]{3})[-\s]?)?0*(\d{1,9})$")


def document_number(query: str) -> tuple[str, int] | None:
    """("INV", 42) for "INV-0042", ("", 42) for "42", None when the query is not a number."""
    match = NUMBER.match(query.strip())
    if not match:
        return None
    return (match.group(1) or "").upper(), int(match.group(2))


def invoices_matching(
    *, company: Company, number: int | None, customer_ids: list[int] | None
) -> QuerySet[Invoice]:
    """The company's invoices with that number, or of those customers, newest first (the
    (company, number) unique index and the (company, customer, -issue_date) index)."""
    invoices = Invoice.objects.for_company(company).select_related("customer")
    if number is not None:
        return invoices.filter(number=number)
    if not customer_ids:
        return invoices.none()
    return invoices.filter(customer_id__in=customer_ids).order_by("-issue_date", "-number")


def estimates_matching(
    *, company: Company, number: int | None, customer_ids: list[int] | None
) -> QuerySet[Estimate]:
    estimates = Estimate.objects.for_company(company).select_related("customer")
    if number is not None:
        return estimates.filter(number=number)
    if not customer_ids:
        return estimates.none()
    return estimates.filter(customer_id__in=customer_ids).order_by("-issue_date", "-number")


def invoices_of_customer(*, company: Company, customer: Any) -> QuerySet[Invoice]:
    """The customer's invoices, newest first (the (company, customer, -issue_date) index)."""
    return (
        Invoice.objects.for_company(company)
        .filter(customer=customer)
        .order_by("-issue_date", "-number")
    )


def estimates_of_customer(*, company: Company, customer: Any) -> QuerySet[Estimate]:
    return (
        Estimate.objects.for_company(company)
        .filter(customer=customer)
        .order_by("-issue_date", "-number")
    )
