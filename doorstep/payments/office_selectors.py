"""Reads for the office's money pages: the invoice list (status filters and search), the
payments list (failed, autopay "action needed", ACH pending) and the money on one invoice.

Always scoped by an explicit company. They return ordered querysets; the office reads them a
page at a time (office.pages.window_of: one extra row, no COUNT over the whole history).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from doorstep.billing.models import Estimate, Invoice, InvoiceState
from doorstep.core.errors import NotFound
from doorstep.core.models import AuditEvent
from doorstep.customers.models import Contact
from doorstep.tenancy.models import Company

from .models import Payment, PaymentAllocation, PaymentMethod, PaymentState, Refund

INVOICE_STATUSES = ("overdue", "unpaid", "draft", "paid", "void", "failed")
PAYMENT_STATUSES = ("failed", "action_needed", "ach_pending")
NUMBER = re.compile(r"^(?:[A-Za-z]{3}-?)?0*(\d{1,9})$")


def invoice_status_rule(status: str, today: date) -> Q:
    """The office's filters, in the words of the customer's status (Invoice.customer_status);
    "unpaid" is everything still owed, "failed" an open balance whose last try failed."""
    owing = Q(state=InvoiceState.OPEN, balance_due__gt=0)
    failed_try = PaymentAllocation.objects.filter(
        invoice_id=OuterRef("pk"), payment__state=PaymentState.FAILED
    )
    rules = {
        "draft": Q(state=InvoiceState.DRAFT),
        "void": Q(state=InvoiceState.VOID),
        "paid": Q(state=InvoiceState.OPEN, balance_due__lte=0),
        "overdue": owing & Q(amount_pending=0, due_date__lt=today),
        "unpaid": owing,
        "failed": owing & (Q(action_needed=True) | Q(Exists(failed_try))),
    }
    return rules[status]


def _search(queryset: QuerySet[Any], query: str) -> QuerySet[Any]:
    """By number (INV-0042, 0042, 42), customer name or a contact's email or phone."""
    query = query.strip()[:100]
    if not query:
        return queryset
    match = NUMBER.match(query)
    if match:
        return queryset.filter(number=int(match.group(1)))
    contacts = Contact.objects.filter(customer_id=OuterRef("customer_id")).filter(
        Q(email__icontains=query) | Q(phone__icontains=query)
    )
    return queryset.filter(Q(customer__name__icontains=query) | Q(Exists(contacts)))


def invoices_for_office(
    *, company: Company, today: date, status: str = "", query: str = ""
) -> QuerySet[Invoice]:
    """The company's invoices, newest number first (the (company, number) unique index)."""
    invoices = Invoice.objects.for_company(company).select_related("customer")
    if status in INVOICE_STATUSES:
        invoices = invoices.filter(invoice_status_rule(status, today))
    return _search(invoices, query).order_by("-number")


def estimates_for_office(*, company: Company, state: str = "", query: str = "") -> QuerySet[Any]:
    estimates = Estimate.objects.for_company(company).select_related("customer")
    if state:
        estimates = estimates.filter(state=state)
    return _search(estimates, query).order_by("-number")


def payments_for_office(*, company: Company, status: str = "") -> QuerySet[Payment]:
    """Payments newest first, with the invoices each paid (one prefetch query)."""
    payments = Payment.objects.filter(company=company).select_related("customer")
    if status == "failed":
        payments = payments.filter(state=PaymentState.FAILED)
    elif status == "ach_pending":
        payments = payments.filter(state=PaymentState.PROCESSING, method=PaymentMethod.ACH)
    elif status == "action_needed":
        payments = payments.filter(
            state=PaymentState.FAILED, source="autopay", autopay_invoice__action_needed=True
        )
    allocations = PaymentAllocation.objects.select_related("invoice").order_by("invoice__number")
    return payments.prefetch_related(Prefetch("allocations", queryset=allocations)).order_by(
        "-created_at", "-id"
    )


def invoice_payments(*, company: Company, invoice: Invoice) -> list[PaymentAllocation]:
    """Every attempt on the invoice (failed too) with its refunds, two queries."""
    refunds = Refund.objects.order_by("-created_at", "-id")
    return list(
        PaymentAllocation.objects.filter(company=company, invoice=invoice)
        .select_related("payment")
        .prefetch_related(Prefetch("payment__refunds", queryset=refunds))
        .order_by("-payment__created_at", "-id")
    )


def invoice_payment_for_refund(*, company: Company, invoice: Invoice, payment_id: Any) -> Payment:
    """A payment made on this invoice (not found otherwise: Payment.DoesNotExist)."""
    try:
        pk = int(payment_id)
    except (TypeError, ValueError):
        raise Payment.DoesNotExist("No such payment.") from None
    return (
        Payment.objects.filter(company=company, pk=pk, allocations__invoice=invoice)
        .select_related("customer")
        .get()
    )


HISTORY_SHOWN = 50


def invoice_history(
    *, company: Company, invoice: Invoice, payment_ids: list[int]
) -> list[AuditEvent]:
    """The invoice's audit trail with its payments' (started, refunded...), newest first."""
    about = Q(target_type="invoice", target_id=invoice.pk)
    if payment_ids:
        about |= Q(target_type="payment", target_id__in=payment_ids)
    return list(
        AuditEvent.objects.for_company(company)
        .filter(about)
        .select_related("actor_user")
        .order_by("-created_at", "-id")[:HISTORY_SHOWN]
    )


def payment_for_office(*, company: Company, payment_id: int) -> Payment:
    """One payment of this company with its customer, allocations and their invoices."""
    allocations = PaymentAllocation.objects.select_related("invoice").order_by("invoice__number")
    payment = (
        Payment.objects.filter(company=company, pk=payment_id)
        .select_related("customer")
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .first()
    )
    if payment is None:
        raise NotFound("That payment was not found.")
    return payment
