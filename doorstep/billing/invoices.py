"""Writes on invoices: creation with numbering, totals from the lines, open and void.

What was paid and the balance change in billing.balances only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.numbering import number_next
from doorstep.core.verbs import Verb
from doorstep.integrations.models import TombstoneReason
from doorstep.integrations.tombstones import tombstone_record

from .balances import invoice_totals_set
from .models import Invoice, InvoiceState, LineItem

if TYPE_CHECKING:
    from doorstep.customers.models import Customer
    from doorstep.jobs.models import Job
    from doorstep.tenancy.models import Company


@dataclass(frozen=True)
class LineInput:
    description: str
    unit_price: int  # cents
    quantity: Decimal = Decimal("1")
    tax_rate: Decimal = Decimal("0")


def _check_dates(issue_date: date, due_date: date, field: str) -> None:
    if due_date < issue_date:
        raise DomainError("The due date cannot be before the issue date.", field=field)


@transaction.atomic
def invoice_create(
    *,
    company: Company,
    customer: Customer,
    due_date: date,
    actor: Actor,
    lines: Iterable[LineInput] = (),
    issue_date: date | None = None,
    job: Job | None = None,
    kind: str = "standard",
    notes: str = "",
) -> Invoice:
    issue_date = issue_date or timezone.localdate()
    _check_dates(issue_date, due_date, "due_date")
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.", field="customer")
    if job is not None and (job.company_id != company.pk or job.customer_id != customer.pk):
        raise DomainError("That job belongs to another customer.", field="job")
    invoice = Invoice.objects.create(
        company=company,
        number=number_next(company=company, kind="invoice"),
        customer=customer,
        job=job,
        kind=kind,
        issue_date=issue_date,
        due_date=due_date,
        currency=company.currency,
        notes=notes,
    )
    for position, line in enumerate(lines):
        item = LineItem(
            company=company,
            invoice=invoice,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            tax_rate=line.tax_rate,
        )
        if item.quantity <= 0:
            raise DomainError("Quantity must be more than zero.", field="quantity")
        item.compute()
        item.save()
    invoice_recalculate(invoice=invoice)
    audit_record(
        company=company,
        target=invoice,
        verb=Verb.INVOICE_CREATED,
        actor=actor,
        message=f"Invoice {invoice.display_number} created",
    )
    return invoice


def invoice_recalculate(*, invoice: Invoice) -> Invoice:
    """Recompute every line and the totals from the lines; keep what was paid.

    A change that would make the total less than what the customer already paid is refused:
    refund first.
    """
    lines = list(LineItem.objects.filter(invoice=invoice))
    for line in lines:
        line.compute()
    LineItem.objects.bulk_update(lines, ["amount", "tax_amount"])
    return invoice_totals_set(
        invoice=invoice,
        subtotal=sum(line.amount for line in lines),
        tax=sum(line.tax_amount for line in lines),
    )


@transaction.atomic
def invoice_open(*, company: Company, invoice: Invoice, actor: Actor) -> Invoice:
    """Draft -> open, which happens on first send. An empty invoice cannot be sent."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, company=company)
    if invoice.state == InvoiceState.VOID:
        raise DomainError(f"{invoice.display_number} is void and cannot be sent.")
    if not LineItem.objects.filter(invoice=invoice).exists():
        raise DomainError(f"{invoice.display_number} has no lines; add what you charge first.")
    if invoice.state == InvoiceState.DRAFT:
        invoice.state = InvoiceState.OPEN
        invoice.save(update_fields=["state", "updated_at"])
        audit_record(company=company, target=invoice, verb=Verb.INVOICE_OPENED, actor=actor)
    return invoice


@transaction.atomic
def invoice_void(*, company: Company, invoice: Invoice, actor: Actor, reason: str = "") -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, company=company)
    if invoice.state == InvoiceState.VOID:
        return invoice
    if invoice.amount_paid > 0 or invoice.amount_pending > 0:
        raise DomainError("Refund the payments on this invoice before voiding it.")
    invoice.state = InvoiceState.VOID
    invoice.save(update_fields=["state", "updated_at"])
    audit_record(
        company=company, target=invoice, verb=Verb.INVOICE_VOIDED, actor=actor, message=reason
    )
    # An incremental sync (API `updated_since`) learns of the void from its tombstone.
    tombstone_record(company=company, instance=invoice, reason=TombstoneReason.VOIDED)
    return invoice
