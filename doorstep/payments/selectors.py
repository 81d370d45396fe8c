"""Reads for payment pages. Scope is always explicit: company and customer."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from doorstep.core.errors import NotFound
from doorstep.customers.models import Customer
from doorstep.tenancy.models import Company

from .models import Payment, PaymentAllocation


def payment_for_customer(*, company: Company, customer: Customer, payment_id: int) -> Payment:
    """One payment of this customer with its allocations (and their invoices) prefetched."""
    payment = (
        Payment.objects.filter(company=company, customer=customer, pk=payment_id)
        .prefetch_related("allocations__invoice")
        .first()
    )
    if payment is None:
        raise NotFound("That payment was not found.")
    payment.company, payment.customer = company, customer  # loaded by the caller already
    return payment


def customer_sees(payment: Payment) -> bool:
    """The same rule as payments_for_customer's filter, for a payment already loaded (the
    invoice page's allocations): received, on its way, or a bank payment that bounced."""
    return payment.state in ("succeeded", "processing") or (
        payment.state == "failed" and payment.method == "ach"
    )


def payments_for_customer(*, company: Company, customer: Customer) -> QuerySet[Payment]:
    """The customer's payment history (what the portal's list shows): money received or on its
    way, and bank payments that bounced. Declined card attempts and abandoned ones are left
    out (nothing happened from the customer's point of view)."""
    shown = Q(state__in=["succeeded", "processing"]) | Q(state="failed", method="ach")
    allocations = PaymentAllocation.objects.select_related("invoice").order_by("invoice__number")
    return (
        Payment.objects.filter(shown, company=company, customer=customer)
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .order_by("-created_at", "-id")
    )
