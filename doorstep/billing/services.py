"""Writes on invoices and estimates: creation with numbering, totals, state changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.numbering import number_next

from .models import (
    Estimate,
    EstimateLineItem,
    EstimateState,
    Invoice,
    InvoiceState,
    LineItem,
)


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
    company: Any,
    customer: Any,
    due_date: date,
    actor: Actor,
    lines: Iterable[LineInput] = (),
    issue_date: date | None = None,
    job: Any = None,
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
        verb="invoice.created",
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
    subtotal = sum(line.amount for line in lines)
    tax = sum(line.tax_amount for line in lines)
    if subtotal < 0:
        raise DomainError("Discounts cannot make the invoice negative.")
    if subtotal + tax < invoice.amount_paid:
        raise DomainError(
            "The new total is less than what the customer already paid; "
            "refund the difference first."
        )
    invoice.subtotal, invoice.tax, invoice.total = subtotal, tax, subtotal + tax
    invoice.balance_due = invoice.total - invoice.amount_paid
    invoice.save(update_fields=["subtotal", "tax", "total", "balance_due", "updated_at"])
    return invoice


@transaction.atomic
def invoice_open(*, company: Any, invoice: Invoice, actor: Actor) -> Invoice:
    """Draft -> open, which happens on first send. An empty invoice cannot be sent."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, company=company)
    if invoice.state == InvoiceState.VOID:
        raise DomainError(f"{invoice.display_number} is void and cannot be sent.")
    if not LineItem.objects.filter(invoice=invoice).exists():
        raise DomainError(f"{invoice.display_number} has no lines; add what you charge first.")
    if invoice.state == InvoiceState.DRAFT:
        invoice.state = InvoiceState.OPEN
        invoice.save(update_fields=["state", "updated_at"])
        audit_record(company=company, target=invoice, verb="invoice.opened", actor=actor)
    return invoice


@transaction.atomic
def invoice_void(*, company: Any, invoice: Invoice, actor: Actor, reason: str = "") -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, company=company)
    if invoice.state == InvoiceState.VOID:
        return invoice
    if invoice.amount_paid > 0 or invoice.amount_pending > 0:
        raise DomainError("Refund the payments on this invoice before voiding it.")
    invoice.state = InvoiceState.VOID
    invoice.save(update_fields=["state", "updated_at"])
    audit_record(
        company=company, target=invoice, verb="invoice.voided", actor=actor, message=reason
    )
    return invoice


def estimate_recalculate(*, estimate: Estimate) -> Estimate:
    lines = list(EstimateLineItem.objects.filter(estimate=estimate))
    for line in lines:
        line.compute()
    EstimateLineItem.objects.bulk_update(lines, ["amount", "tax_amount"])
    estimate.subtotal = sum(line.amount for line in lines)
    estimate.tax = sum(line.tax_amount for line in lines)
    if estimate.subtotal < 0:
        raise DomainError("Discounts cannot make the estimate negative.")
    estimate.total = estimate.subtotal + estimate.tax
    estimate.save(update_fields=["subtotal", "tax", "total", "updated_at"])
    return estimate


@transaction.atomic
def estimate_create(
    *,
    company: Any,
    customer: Any,
    expiry_date: date,
    actor: Actor,
    lines: Iterable[LineInput] = (),
    location: Any = None,
    title: str = "",
    issue_date: date | None = None,
) -> Estimate:
    issue_date = issue_date or timezone.localdate()
    if expiry_date < issue_date:
        raise DomainError("The expiry date cannot be before the issue date.", field="expiry_date")
    if location is not None and location.customer_id != customer.pk:
        raise DomainError("That location belongs to another customer.", field="location")
    estimate = Estimate.objects.create(
        company=company,
        number=number_next(company=company, kind="estimate"),
        customer=customer,
        location=location,
        title=title,
        issue_date=issue_date,
        expiry_date=expiry_date,
        currency=company.currency,
    )
    EstimateLineItem.objects.bulk_create(
        [
            EstimateLineItem(
                company=company,
                estimate=estimate,
                position=i,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
            )
            for i, line in enumerate(lines)
        ]
    )
    estimate_recalculate(estimate=estimate)
    audit_record(company=company, target=estimate, verb="estimate.created", actor=actor)
    return estimate


ESTIMATE_TRANSITIONS: dict[str, set[str]] = {
    EstimateState.DRAFT: {EstimateState.SENT},
    EstimateState.SENT: {EstimateState.ACCEPTED, EstimateState.DECLINED, EstimateState.EXPIRED},
    EstimateState.ACCEPTED: set(),
    EstimateState.DECLINED: set(),
    EstimateState.EXPIRED: {EstimateState.SENT},
}


@transaction.atomic
def estimate_change_state(
    *, company: Any, estimate: Estimate, new_state: str, actor: Actor, message: str = ""
) -> Estimate:
    estimate = Estimate.objects.select_for_update().get(pk=estimate.pk, company=company)
    if estimate.state == new_state:
        return estimate
    if new_state not in ESTIMATE_TRANSITIONS[EstimateState(estimate.state)]:
        raise DomainError(
            f"This estimate is {estimate.get_state_display().lower()} and cannot "
            f"become {EstimateState(new_state).label.lower()}."
        )
    if new_state == EstimateState.SENT:
        if not EstimateLineItem.objects.filter(estimate=estimate).exists():
            raise DomainError("Add at least one line before sending the estimate.")
        estimate.sent_at = timezone.now()
    old = estimate.state
    estimate.state = new_state
    estimate.save()
    audit_record(
        company=company,
        target=estimate,
        verb=f"estimate.{new_state}",
        actor=actor,
        message=message or f"{EstimateState(old).label} → {EstimateState(new_state).label}",
    )
    return estimate


# --- Estimates: the customer's decision (portal) and turning a yes into a job (staff) --------


def _estimate_for_decision(*, company: Any, customer: Any, estimate: Estimate) -> Estimate:
    """The estimate, locked, if this customer may still decide on it; else a DomainError."""
    from doorstep.tenancy.time import company_today

    locked = (
        Estimate.objects.select_for_update()
        .filter(pk=estimate.pk, company=company, customer=customer)
        .first()
    )
    if locked is None:
        raise DomainError("We couldn't find that estimate.")
    if locked.state == EstimateState.ACCEPTED:
        raise DomainError(f"You already accepted {locked.display_number}. Nothing was changed.")
    if locked.state == EstimateState.DECLINED:
        raise DomainError(f"You already declined {locked.display_number}. Nothing was changed.")
    if locked.state == EstimateState.EXPIRED or locked.expiry_date < company_today(company):
        raise DomainError(
            f"{locked.display_number} expired and can no longer be accepted or declined. "
            "Contact us for an updated estimate."
        )
    if locked.state != EstimateState.SENT:
        raise DomainError("This estimate is not open for a decision.")
    return locked


def _estimate_notify_staff(*, company: Any, estimate: Estimate, heading: str, body: str) -> None:
    from django.conf import settings

    from doorstep.notifications.services import notification_enqueue

    recipient = company.billing_email or company.support_email
    if not recipient:
        return
    notification_enqueue(
        company=company,
        recipient=recipient,
        template="notice",
        context={
            "subject": heading,
            "heading": heading,
            "body": body,
            "button_url": f"{settings.BASE_URL}/office/billing/estimate/{estimate.pk}/change/",
            "button_label": f"Open {estimate.display_number}",
        },
    )


@transaction.atomic
def estimate_accept(
    *, company: Any, customer: Any, estimate: Estimate, signature_name: str, actor: Actor
) -> Estimate:
    """The customer says yes by typing their name; name, time and IP are kept as the signature.

    Refused (nothing changed) when already decided or past its expiry date.
    """
    name = " ".join((signature_name or "").split())
    if len(name) < 2:
        raise DomainError("Type your full name to sign.", field="signature_name")
    if len(name) > 200:
        raise DomainError("That name is too long.", field="signature_name")
    locked = _estimate_for_decision(company=company, customer=customer, estimate=estimate)
    locked.signature_name = name
    locked.signature_ip = actor.ip_address
    locked.decided_at = timezone.now()
    locked.save(update_fields=["signature_name", "signature_ip", "decided_at", "updated_at"])
    locked = estimate_change_state(
        company=company,
        estimate=locked,
        new_state=EstimateState.ACCEPTED,
        actor=actor,
        message=f"Accepted and signed by {name}",
    )
    _estimate_notify_staff(
        company=company,
        estimate=locked,
        heading=f"{customer.name} accepted {locked.display_number}",
        body=f"{locked.title or locked.display_number}\nSigned by {name}.\n"
        "Turn it into a job from the estimate in the back office.",
    )
    return locked


@transaction.atomic
def estimate_decline(
    *, company: Any, customer: Any, estimate: Estimate, reason: str, actor: Actor
) -> Estimate:
    """The customer says no, optionally saying why."""
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise DomainError("Please keep the reason under 2000 characters.", field="reason")
    locked = _estimate_for_decision(company=company, customer=customer, estimate=estimate)
    locked.decline_reason = reason
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decline_reason", "decided_at", "updated_at"])
    locked = estimate_change_state(
        company=company,
        estimate=locked,
        new_state=EstimateState.DECLINED,
        actor=actor,
        message=f"Declined: {reason}" if reason else "Declined",
    )
    _estimate_notify_staff(
        company=company,
        estimate=locked,
        heading=f"{customer.name} declined {locked.display_number}",
        body=f"Reason: {reason}" if reason else "No reason given.",
    )
    return locked


@transaction.atomic
def estimate_comment_add(
    *, company: Any, customer: Any, estimate: Estimate, body: str, actor: Actor
) -> Any:
    """A question from the customer about an estimate; staff are emailed."""
    from .models import EstimateComment

    body = (body or "").strip()
    if not body:
        raise DomainError("Write your comment first.", field="body")
    if len(body) > 2000:
        raise DomainError("Please keep comments under 2000 characters.", field="body")
    if not Estimate.objects.filter(pk=estimate.pk, company=company, customer=customer).exists():
        raise DomainError("We couldn't find that estimate.")
    comment = EstimateComment.objects.create(
        company=company, estimate=estimate, body=body, author_label=actor.label[:200]
    )
    audit_record(
        company=company,
        target=estimate,
        verb="estimate.commented",
        actor=actor,
        message=body[:200],
    )
    _estimate_notify_staff(
        company=company,
        estimate=estimate,
        heading=f"{customer.name} commented on {estimate.display_number}",
        body=body,
    )
    return comment


@transaction.atomic
def estimate_comment_reply(*, company: Any, estimate: Estimate, body: str, actor: Actor) -> Any:
    """Staff answer the customer's questions on an estimate; the customer is told (the "new
    message from the office" event, so their email/text preferences apply) with a link to the
    estimate in the portal. Allowed in any state: a question may come after the decision."""
    from doorstep.notifications.customer_notices import customer_notify, portal_url
    from doorstep.notifications.models import NotificationEvent

    from .models import EstimateComment

    body = (body or "").strip()
    if not body:
        raise DomainError("Write your reply first.", field="body")
    if len(body) > 2000:
        raise DomainError("Please keep replies under 2000 characters.", field="body")
    estimate = Estimate.objects.select_related("customer").get(pk=estimate.pk, company=company)
    if estimate.state == EstimateState.DRAFT:
        raise DomainError("The customer has not seen this estimate yet: send it first.")
    comment = EstimateComment.objects.create(
        company=company,
        estimate=estimate,
        body=body,
        author_label=actor.label[:200],
        from_customer=False,
    )
    audit_record(
        company=company,
        target=estimate,
        verb="estimate.comment_replied",
        actor=actor,
        message=f"Replied to the customer: {body[:200]}",
    )
    url = portal_url(company, f"estimates/{estimate.pk}/")
    customer_notify(
        company=company,
        customer=estimate.customer,
        event=NotificationEvent.MESSAGE_RECEIVED,
        values={
            "subject": f"{estimate.display_number} {estimate.title}".strip(),
            "sender_name": actor.label or company.name,
            "conversation_url": url,
        },
        button_url=url,
    )
    return comment


@transaction.atomic
def estimate_convert_to_job(
    *, company: Any, estimate: Estimate, actor: Actor, location: Any = None
) -> Any:
    """Staff turn an accepted estimate into an unscheduled job at the estimate's location
    (or the customer's only/first address). Once per estimate."""
    from doorstep.customers.models import Location
    from doorstep.jobs.services import job_create

    locked = (
        Estimate.objects.select_for_update(of=("self",))
        .select_related("customer", "location")
        .get(pk=estimate.pk, company=company)
    )
    if locked.state != EstimateState.ACCEPTED:
        raise DomainError(
            f"{locked.display_number} is {locked.get_state_display().lower()}; "
            "only an accepted estimate becomes a job."
        )
    if locked.job_id is not None:
        raise DomainError(f"{locked.display_number} is already a job.")
    location = (
        location
        or locked.location
        or Location.objects.for_company(company)
        .filter(customer=locked.customer)
        .order_by("id")
        .first()
    )
    if location is None:
        raise DomainError(f"Add a service address for {locked.customer.name} first.")
    lines = "\n".join(
        f"- {line.description}" for line in EstimateLineItem.objects.filter(estimate=locked)
    )
    job = job_create(
        company=company,
        customer=locked.customer,
        location=location,
        title=(locked.title or f"Work from {locked.display_number}")[:200],
        description=f"From estimate {locked.display_number}:\n{lines}",
        actor=actor,
    )
    locked.job = job
    locked.save(update_fields=["job", "updated_at"])
    audit_record(
        company=company,
        target=locked,
        verb="estimate.converted",
        actor=actor,
        message=f"Became job {job.display_number}",
    )
    return job


def invoice_send(
    *,
    company: Any,
    actor: Actor,
    invoice: Invoice | None = None,
    invoices: Iterable[Invoice] = (),
) -> list[Invoice]:
    """Email each invoice to its customer with a "View and pay" link to that one invoice.

    Per invoice, all or nothing: draft -> open on first send (empty or void refused), the
    customer's portal account provisioned from the primary contact's email, a fresh invoice
    link, the email queued, `sent_at` stamped, an audit row, and `invoice_sent` after commit.
    A resend (e.g. overdue) does the same with a fresh email. A customer without an email
    gets a DomainError for staff and nothing changes for that invoice (invoices before it in
    `invoices` stay sent; the back-office action sends one at a time to report each).
    """
    from doorstep.access.invoice_links import invoice_link_create
    from doorstep.access.services import portal_account_provision, portal_url
    from doorstep.core.money import format_money
    from doorstep.notifications.email import ATTACHMENT_BUILDERS
    from doorstep.notifications.services import notification_enqueue
    from doorstep.tenancy.time import company_today

    sent: list[Invoice] = []
    for item in [*([invoice] if invoice is not None else []), *invoices]:
        with transaction.atomic():
            item = invoice_open(company=company, invoice=item, actor=actor)
            customer = item.customer
            account = portal_account_provision(company=company, customer=customer, actor=actor)
            first_send = item.sent_at is None
            item.sent_at = timezone.now()
            item.save(update_fields=["sent_at", "updated_at"])
            attachments = (
                [{"kind": "invoice_pdf", "id": item.pk}]
                if "invoice_pdf" in ATTACHMENT_BUILDERS
                else []
            )
            notification_enqueue(
                company=company,
                recipient=account.email,
                template="invoice_sent",
                context={
                    "customer_name": customer.first_name,
                    "number": item.display_number,
                    "total": format_money(item.total, item.currency, company.locale),
                    "balance": format_money(item.balance_due, item.currency, company.locale),
                    "due_date": f"{item.due_date:%B} {item.due_date.day}, {item.due_date.year}",
                    "overdue": item.balance_due > 0 and item.due_date < company_today(company),
                    "paid": item.balance_due <= 0,
                    "invoice_url": invoice_link_create(invoice=item, account=account),
                    "portal_url": portal_url(company, "sign-in"),
                },
                secret_keys=["invoice_url"],
                attachments=attachments,
            )
            audit_record(
                company=company,
                target=item,
                verb="invoice.sent" if first_send else "invoice.resent",
                actor=actor,
                message=f"{item.display_number} emailed to {account.email}",
            )
            transaction.on_commit(partial(_announce_sent, item.pk, company.pk))
        sent.append(item)
    return sent


def _announce_sent(invoice_id: int, company_id: int) -> None:
    from .signals import invoice_sent

    invoice_sent.send(sender=Invoice, invoice_id=invoice_id, company_id=company_id)
