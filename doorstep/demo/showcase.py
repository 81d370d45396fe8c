"""The customer the demo command prints ("as a customer, e.g. ..."): one who has a bit of
everything, so a newcomer's first sign-in shows what the portal does.

The rest of the demo spreads its documents round-robin over twenty customers, which covers
every status but leaves each customer with one or two things: signed in as the printed
customer, a newcomer used to see a single invoice and "No active jobs right now". This adds,
through the product's own services, what a real customer of a few years would have: several
open invoices (one overdue, one partly paid), a booked visit with its technician and a
question about it the office answered, a document the office shared, a quote waiting for
an answer, and two years of paid monthly invoices (more than a page of invoices and of
payments). Emails stay quiet, as in the rest of the demo (the invoices are opened the way Send
does, without the email).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html import escape

from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.billing.estimates import estimate_change_state, estimate_create
from doorstep.billing.invoices import LineInput, invoice_create
from doorstep.billing.models import EstimateState, Invoice
from doorstep.core.audit import Actor
from doorstep.customers.models import Customer
from doorstep.documents.models import DocumentKind
from doorstep.documents.services import document_share
from doorstep.jobs import services as jobs
from doorstep.jobs.models import Job, JobStatus, Technician
from doorstep.messaging.models import Side, Topic
from doorstep.messaging.services import conversation_start, message_post
from doorstep.payments.models import PaymentMethod
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.models import Company
from doorstep.tenancy.time import company_today, company_zone

from . import activity
from .catalogue import CompanySpec

ACTOR = Actor.system("Demo data")
TAX = Decimal("6.25")


def showcase_account(company: Company) -> PortalAccount | None:
    """The portal account the demo prints: the first customer, by name, who may sign in."""
    return (
        PortalAccount.objects.for_company(company)
        .filter(state=PortalAccountState.ACTIVE, contact__is_primary=True)
        .select_related("customer")
        .order_by("customer__name")
        .first()
    )


def showcase_enrich(company: Company, spec: CompanySpec, technician: Technician) -> None:
    account = showcase_account(company)
    if account is None:
        return
    customer = account.customer
    today = company_today(company)
    _open_invoice(company, spec, customer, issued_days_ago=12, line=0)
    _open_invoice(company, spec, customer, issued_days_ago=38, line=2)  # due 8 days ago
    # Partly paid by check at the door: the invoice page shows money received and what is left.
    partly = _open_invoice(company, spec, customer, issued_days_ago=20, line=3)
    payment_record_manual(
        company=company,
        invoice=partly,
        amount=max(100, partly.total * 4 // 10 // 100 * 100),
        method=PaymentMethod.CHECK,
        actor=ACTOR,
        receipt=False,
    )
    _paid_history(company, spec, customer)
    visit = _booked_visit(company, spec, customer, technician, in_days=3)
    _question_about(company, customer, account, visit)
    _quote_waiting(company, spec, customer, issued=today - timedelta(days=2))
    document_share(
        company=company,
        customer=customer,
        upload=SimpleUploadedFile("agreement.pdf", _agreement_pdf(company, customer)),
        title=f"Service agreement {today.year}",
        kind=DocumentKind.AGREEMENT,
        description="What the yearly visit covers, and your member discount.",
        location=customer.locations.order_by("pk").first(),
        actor=activity._staff_actor(company),
    )


# Two years of a monthly maintenance plan, each invoice paid: more than a page of invoices
# and of payments, so the lists show "Show older invoices" / "Show older payments".
PAID_HISTORY_MONTHS = 24


def _paid_history(company: Company, spec: CompanySpec, customer: Customer) -> None:
    for month in range(PAID_HISTORY_MONTHS):
        invoice = _open_invoice(
            company, spec, customer, issued_days_ago=75 + 30 * month, line=month
        )
        payment_record_manual(
            company=company,
            invoice=invoice,
            amount=invoice.balance_due,
            method=(PaymentMethod.CARD, PaymentMethod.CHECK)[month % 2],
            actor=ACTOR,
            receipt=False,
        )


def _open_invoice(
    company: Company, spec: CompanySpec, customer: Customer, *, issued_days_ago: int, line: int
) -> Invoice:
    issue = company_today(company) - timedelta(days=issued_days_ago)
    description, price = spec.work[line % len(spec.work)]
    invoice = invoice_create(
        company=company,
        customer=customer,
        job=None,
        issue_date=issue,
        due_date=issue + timedelta(days=30),
        lines=[
            LineInput(description=description, unit_price=price, quantity=Decimal(1), tax_rate=TAX)
        ],
        notes="Thank you for your business!",
        actor=ACTOR,
    )
    invoice = activity.invoice_mark_sent(company, invoice, email=False)
    sent = datetime.combine(issue, time(9), tzinfo=company_zone(company))
    Invoice.objects.filter(pk=invoice.pk).update(sent_at=sent)
    return invoice


def _booked_visit(
    company: Company, spec: CompanySpec, customer: Customer, technician: Technician, *, in_days: int
) -> Job:
    start = datetime.combine(
        company_today(company) + timedelta(days=in_days), time(9), tzinfo=company_zone(company)
    )
    job = jobs.job_create(
        company=company,
        customer=customer,
        location=customer.locations.order_by("pk").first(),
        title=spec.job_titles[2],
        description="The yearly visit from your service agreement.",
        technician=technician,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
        actor=ACTOR,
    )
    for step in (JobStatus.SCHEDULED, JobStatus.TECHNICIAN_ASSIGNED):
        job = jobs.job_change_status(
            company=company, job=job, new_status=step, actor=ACTOR, tell_customer=False
        )
    return job


def _question_about(company: Company, customer: Customer, account: PortalAccount, job: Job) -> None:
    """A question about the booked visit, answered by the office (Messages, and the job page)."""
    conversation = conversation_start(
        company=company,
        customer=customer,
        subject="Call before you come?",
        body="Could the technician call 30 minutes before arriving? I work from home.",
        topic=Topic.JOB,
        about_id=job.pk,
        actor=Actor.portal(account.email),
        portal_account=account,
    )
    message_post(
        company=company,
        conversation_id=conversation.pk,
        side=Side.STAFF,
        body=f"Of course: {job.technician.name if job.technician else 'your technician'} will call "
        "you on the way.",
        actor=activity._staff_actor(company),
    )


def _quote_waiting(
    company: Company, spec: CompanySpec, customer: Customer, *, issued: date
) -> None:
    description, price = spec.work[1 % len(spec.work)]
    estimate = estimate_create(
        company=company,
        customer=customer,
        location=customer.locations.order_by("pk").first(),
        title=f"Quote: {spec.job_titles[3].lower()}",
        issue_date=issued,
        expiry_date=issued + timedelta(days=30),
        lines=[
            LineInput(description=description, unit_price=price, quantity=Decimal(2), tax_rate=TAX)
        ],
        actor=ACTOR,
    )
    estimate_change_state(
        company=company, estimate=estimate, new_state=EstimateState.SENT, actor=ACTOR
    )


def _agreement_pdf(company: Company, customer: Customer) -> bytes:
    """A one-page agreement drawn by WeasyPrint (the invoice PDF's engine), nothing downloaded."""
    from weasyprint import HTML

    html = (
        "<html><body style='font-family: sans-serif'>"
        f"<h1>{escape(company.name)}: service agreement</h1>"
        f"<p>Customer: {escape(customer.name)}</p>"
        "<p>One yearly maintenance visit, priority booking and 10% off parts and labour.</p>"
        "</body></html>"
    )
    return HTML(string=html).write_pdf()
