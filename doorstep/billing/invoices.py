"""Writes on invoices: creation with numbering, totals from the lines, open and void.

What was paid and the balance change in billing.balances only. Opening, voiding, a new due
date or customer change what a customer owes: each refreshes the customer's row
(billing/customer_balances.py) in its transaction."""

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
from .customer_balances import balance_refresh
from .models import Invoice, InvoiceState, LineItem
from .totals import document_totals

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
    totals = document_totals(lines)
    for line, computed in zip(lines, totals.lines, strict=True):
        line.amount, line.tax_amount = computed.amount, computed.tax
    LineItem.objects.bulk_update(lines, ["amount", "tax_amount"])
    return invoice_totals_set(invoice=invoice, subtotal=totals.subtotal, tax=totals.tax)


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
        balance_refresh(company=company, customer=invoice.customer_id)
        audit_record(company=company, target=invoice, verb=Verb.INVOICE_OPENED, actor=actor)
    return invoice


@transaction.atomic
def invoice_void(*, company: Company, invoice: Invoice, actor: Actor, reason: str = "") -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, company=company)
    if invoice.state == InvoiceState.VOID:
        return invoice
    if invoice.amount_paid > 0 or invoice.amount_pending > 0:
        raise DomainError("Refund the payments on this invoice before voiding it.")
    was_open = invoice.state == InvoiceState.OPEN
    invoice.state = InvoiceState.VOID
    invoice.save(update_fields=["state", "updated_at"])
    if was_open:
        balance_refresh(company=company, customer=invoice.customer_id)
    audit_record(
        company=company, target=invoice, verb=Verb.INVOICE_VOIDED, actor=actor, message=reason
    )
    # An incremental sync (API `updated_since`) learns of the void from its tombstone.
    tombstone_record(company=company, instance=invoice, reason=TombstoneReason.VOIDED)
    return invoice


def _lines_check(lines: list[LineInput]) -> None:
    for line in lines:
        if not line.description.strip():
            raise DomainError("Describe what you charge on every line.", field="lines")
        if line.quantity <= 0:
            raise DomainError("Quantity must be more than zero.", field="lines")
        if line.tax_rate < 0:
            raise DomainError("The tax rate cannot be negative.", field="lines")


@transaction.atomic
def invoice_update(
    *,
    company: Company,
    invoice: Invoice,
    actor: Actor,
    customer: Customer,
    issue_date: date,
    due_date: date,
    lines: Iterable[LineInput],
    notes: str = "",
    kind: str = "standard",
) -> Invoice:
    """Staff change an invoice's dates, notes and lines (the lines are replaced as a whole,
    then the totals recomputed). A void invoice stays as it was; a sent or paid invoice stays
    with its customer; a total below what was already paid is refused (refund first)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, company=company)
    if invoice.state == InvoiceState.VOID:
        raise DomainError(f"{invoice.display_number} is void and cannot be changed.")
    _check_dates(issue_date, due_date, "due_date")
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.", field="customer")
    moved = customer.pk != invoice.customer_id
    if moved and (invoice.amount_paid or invoice.amount_pending or invoice.sent_at):
        raise DomainError(
            "This invoice was sent or paid; it stays with its customer.", field="customer"
        )
    new_lines = list(lines)
    _lines_check(new_lines)
    changed = [
        label
        for label, old, new in (
            ("customer", invoice.customer_id, customer.pk),
            ("issue date", invoice.issue_date, issue_date),
            ("due date", invoice.due_date, due_date),
            ("notes", invoice.notes, notes),
            ("kind", invoice.kind, kind),
        )
        if old != new
    ]
    old_lines = [
        (line.description, line.quantity, line.unit_price, line.tax_rate)
        for line in LineItem.objects.filter(invoice=invoice)
    ]
    wanted = [(x.description, x.quantity, x.unit_price, x.tax_rate) for x in new_lines]
    if old_lines != wanted:
        changed.append("lines")
    moved_from = invoice.customer_id
    invoice.customer, invoice.issue_date, invoice.due_date = customer, issue_date, due_date
    invoice.notes, invoice.kind = notes, kind
    invoice.save(
        update_fields=["customer", "issue_date", "due_date", "notes", "kind", "updated_at"]
    )
    if "lines" in changed:
        LineItem.objects.filter(invoice=invoice).delete()
        LineItem.objects.bulk_create(
            [
                LineItem(
                    company=company,
                    invoice=invoice,
                    position=position,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_rate=line.tax_rate,
                )
                for position, line in enumerate(new_lines)
            ]
        )
        invoice_recalculate(invoice=invoice)  # refreshes the customer's balance if open
    if invoice.state == InvoiceState.OPEN and {"customer", "due date"} & set(changed):
        balance_refresh(company=company, customer=invoice.customer_id)
        if moved:
            balance_refresh(company=company, customer=moved_from)
    if changed:
        audit_record(
            company=company,
            target=invoice,
            verb=Verb.INVOICE_CHANGED,
            actor=actor,
            message="Changed " + ", ".join(changed),
            data={"fields": changed},
        )
    return invoice
