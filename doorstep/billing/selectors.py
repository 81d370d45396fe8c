"""Reads of invoices and estimates, always scoped to one company."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .models import Estimate, EstimateQuerySet, Invoice

if TYPE_CHECKING:
    from doorstep.customers.models import Customer
    from doorstep.tenancy.models import Company


def invoice_find(*, company: Company, invoice_id: int) -> Invoice | None:
    """The company's invoice with that id, or None (e.g. a task for a deleted invoice)."""
    return Invoice.objects.for_company(company).filter(pk=invoice_id).first()


def invoice_for_printing(*, company: Company, invoice_id: int) -> Invoice:
    """The invoice with what its PDF prints (customer, lines) loaded in two queries."""
    return (
        Invoice.objects.for_company(company)
        .select_related("customer")
        .prefetch_related("lines")
        .get(pk=invoice_id)
    )


def estimates_open_for_decision(
    *, company: Company, customer: Customer, today: date
) -> EstimateQuerySet:
    """The customer's estimates still waiting for their yes or no."""
    return Estimate.objects.for_company(company).filter(customer=customer).open_for_decision(today)
