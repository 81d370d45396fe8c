"""The two demo companies, built through the same services the product uses.

Idempotent: a company that already exists is left exactly as it is, so running the command
twice changes nothing. Each company is created in one transaction (all or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.billing.balances import invoice_payment_processing
from doorstep.billing.estimates import estimate_change_state, estimate_create
from doorstep.billing.invoices import LineInput, invoice_create, invoice_void
from doorstep.billing.models import Estimate, EstimateState, Invoice
from doorstep.core.audit import Actor
from doorstep.core.links import office_url
from doorstep.customers.models import Contact, Customer, CustomerKind, Location
from doorstep.jobs import services as jobs
from doorstep.jobs.models import Job, JobEvent, JobStatus, Technician
from doorstep.notifications.models import CustomerPhone
from doorstep.notifications.preferences import phone_normalise
from doorstep.notifications.services import notification_enqueue
from doorstep.payments.methods import save_card_text
from doorstep.payments.models import (
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentSource,
    PaymentState,
    SavedPaymentMethod,
)
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.models import Company, CompanySettings, Membership, StaffRole
from doorstep.tenancy.services import company_create
from doorstep.tenancy.time import company_today, company_zone

from . import activity
from .adoption_history import adoption_history_create, weekly_digest_demo
from .catalogue import (
    BUSINESSES,
    COMPANIES,
    DEMO_PASSWORD,
    FIRST_NAMES,
    LAST_NAMES,
    STREETS,
    TECHNICIANS,
    CompanySpec,
)
from .help_site import help_site_create
from .imports import import_preview_create
from .office_settings import office_settings_create
from .showcase import showcase_account, showcase_enrich
from .webhooks import webhook_endpoint_demo

ACTOR = Actor.system("Demo data")
CUSTOMERS_PER_COMPANY = 20
TAX = Decimal("6.25")

_ON_SITE: list[JobStatus] = [
    JobStatus.SCHEDULED,
    JobStatus.TECHNICIAN_ASSIGNED,
    JobStatus.ON_THE_WAY,
    JobStatus.TECHNICIAN_ARRIVED,
    JobStatus.IN_PROGRESS,
]
# The moves that bring a new (unscheduled) job to each status.
JOB_PATHS: dict[str, list[JobStatus]] = {
    JobStatus.UNSCHEDULED: [],
    JobStatus.SCHEDULED: _ON_SITE[:1],
    JobStatus.TECHNICIAN_ASSIGNED: _ON_SITE[:2],
    JobStatus.ON_THE_WAY: _ON_SITE[:3],
    JobStatus.TECHNICIAN_ARRIVED: _ON_SITE[:4],
    JobStatus.IN_PROGRESS: _ON_SITE,
    JobStatus.COMPLETED: [*_ON_SITE, JobStatus.COMPLETED],
    JobStatus.CANCELLED: [JobStatus.SCHEDULED, JobStatus.CANCELLED],
}
JOB_PLAN = [JobStatus.COMPLETED] * 10 + [s for s in JobStatus for _ in range(2)]
INVOICE_PLAN = (
    ["paid"] * 8
    + ["unpaid"] * 6
    + ["partially_paid"] * 3
    + ["overdue"] * 3
    + ["overdue_partially_paid", "payment_pending", "draft", "draft", "void", "void"]
)
ESTIMATE_PLAN = ["draft", "draft", "sent", "sent", "sent", "accepted", "accepted"]
ESTIMATE_PLAN += ["declined", "declined", "expired"]
EMAILED_INVOICE = INVOICE_PLAN.index("unpaid")  # the one invoice really emailed


@dataclass
class DemoCompany:
    company: Company
    spec: CompanySpec
    created: bool


def seed_demo() -> list[DemoCompany]:
    return [_seed_company(spec) for spec in COMPANIES]


def _seed_company(spec: CompanySpec) -> DemoCompany:
    existing = Company.objects.filter(slug=spec.slug).first()
    if existing:
        return DemoCompany(existing, spec, created=False)
    with transaction.atomic():
        company = _company(spec)
        _owner(company, spec)
        technicians = [
            Technician.objects.create(company=company, name=name, phone=spec.phone)
            for name in TECHNICIANS
        ]
        customers = [_customer(company, spec, i) for i in range(CUSTOMERS_PER_COMPANY)]
        _portal_accounts(company)
        _demo_customer_phone(company)
        completed = _jobs(company, spec, customers, technicians)
        _invoices(company, spec, customers, completed)
        _card_on_file_and_a_declined_try(company)
        _estimates(company, spec, customers)
        types = activity.service_types_create(company, spec)
        activity.service_requests_create(company, spec, customers, types)
        activity.conversations_create(company, customers)
        activity.completion_photos_add(company, list(completed.values()))
        office_settings_create(company)
        import_preview_create(company)
        activity.single_sign_on_example(company)
        activity.two_step_example(company)
        adoption_history_create(company, customers)
        weekly_digest_demo(company, spec.owner_email)
        help_site_create(company, activity._staff_actor(company))
        webhook_endpoint_demo(company, activity._staff_actor(company))
        showcase_enrich(company, spec, technicians[0])
        notification_enqueue(
            company=company,
            recipient=spec.owner_email,
            template="notice",
            context={
                "subject": f"Your {company.name} demo is ready",
                "heading": "Welcome to Doorstep",
                "body": f"Sign in to the back office as {spec.owner_email} to see "
                f"{CUSTOMERS_PER_COMPANY} customers with their jobs, invoices and estimates.",
                "button_url": office_url(),
                "button_label": "Open the back office",
            },
        )
    return DemoCompany(company, spec, created=True)


def _company(spec: CompanySpec) -> Company:
    company = company_create(
        name=spec.name,
        slug=spec.slug,
        timezone=spec.timezone,
        accent_color=spec.accent_color,
        welcome_message=spec.welcome,
        support_phone=spec.phone,
        support_email=f"office@{spec.slug}.test",
        billing_email=f"billing@{spec.slug}.test",
        address=f"{spec.name}\n100 Commerce Way\n{spec.city}, {spec.region} {spec.postal_prefix}01",
    )
    CompanySettings.objects.filter(company=company).update(**spec.settings)
    return company


def _owner(company: Company, spec: CompanySpec) -> None:
    user, created = get_user_model().objects.get_or_create(
        username=spec.owner_email,
        defaults={
            "email": spec.owner_email,
            "first_name": spec.owner_first,
            "last_name": spec.owner_last,
            "is_staff": True,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, company=company, role=StaffRole.OWNER)


def _customer(company: Company, spec: CompanySpec, i: int) -> Customer:
    shift = sum(map(ord, spec.slug)) % len(FIRST_NAMES)  # each company gets its own people
    is_business = i % 5 == 4
    if is_business:
        name = BUSINESSES[(i // 5 + 4 * COMPANIES.index(spec)) % len(BUSINESSES)]
        kind = CustomerKind.BUSINESS
    else:
        first = FIRST_NAMES[(i * 7 + shift) % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 5 + shift) % len(LAST_NAMES)]
        name, kind = f"{first} {last}", CustomerKind.PERSON
    street = f"{10 + i * 17} {STREETS[i % len(STREETS)]}"
    postal = f"{spec.postal_prefix}{i % 90 + 10:02d}"
    customer = Customer.objects.create(
        company=company,
        kind=kind,
        name=name,
        billing_address=f"{street}\n{spec.city}, {spec.region} {postal}",
        internal_notes="Prefers morning visits." if i % 3 == 0 else "",
    )
    handle = name.lower().replace(" & ", "-").replace(" ", ".").replace(",", "")
    Contact.objects.create(
        company=company,
        customer=customer,
        name=name if not is_business else f"{FIRST_NAMES[i]} {LAST_NAMES[i + 1]}",
        email=f"{handle}@example.com",
        phone=f"+1555010{i:04d}",
        is_primary=True,
    )
    if i % 4 == 1:  # a second person in the household
        partner = FIRST_NAMES[(i * 3 + shift + 5) % len(FIRST_NAMES)]
        Contact.objects.create(
            company=company,
            customer=customer,
            name=f"{partner} {name.split()[-1]}",
            email=f"{partner.lower()}.{handle}@example.com",
            phone=f"+1555020{i:04d}",
        )
    labels = ["Main office", "Warehouse", "Branch"] if is_business else ["Home"]
    if i % 7 == 3:
        labels = ["Home", "Rental", "Lake cabin"]
    for n, label in enumerate(labels):
        Location.objects.create(
            company=company,
            customer=customer,
            label=label,
            street=street if n == 0 else f"{200 + i * 3 + n} {STREETS[(i + n * 5) % 12]}",
            city=spec.city,
            region=spec.region,
            postal_code=postal,
            access_notes="Dog in the yard; side gate code 4821." if i % 6 == 0 else "",
        )
    return customer


def _portal_accounts(company: Company) -> None:
    """Every contact with an email may use the portal (the last customer is left without,
    to show an invitation being sent)."""
    contacts = list(
        Contact.objects.for_company(company).exclude(email="").order_by("customer_id", "id")
    )
    last_customer = max(contact.customer_id for contact in contacts)
    PortalAccount.objects.bulk_create(
        [
            PortalAccount(
                company=company,
                customer_id=contact.customer_id,
                contact=contact,
                email=contact.email.lower(),
                state=PortalAccountState.ACTIVE,
            )
            for contact in contacts
            if contact.customer_id != last_customer
        ]
    )


def _demo_customer_phone(company: Company) -> None:
    """The customer to try the portal as has a verified mobile number for texts (as if they
    had entered the texted code on their profile page)."""
    account = (
        PortalAccount.objects.for_company(company)
        .filter(email=demo_customer_email(company))
        .select_related("contact")
        .first()
    )
    if account is None:
        return
    CustomerPhone.objects.create(
        company=company,
        customer_id=account.customer_id,
        phone=phone_normalise(account.contact.phone or "+15550100000"),
        verified_at=timezone.now(),
    )


def demo_customer_email(company: Company) -> str:
    """A customer to try the portal as: the one `showcase` gave a bit of everything."""
    account = showcase_account(company)
    return account.email if account else ""


def _at(company: Company, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=company_zone(company))


def _jobs(
    company: Company, spec: CompanySpec, customers: list[Customer], techs: list[Technician]
) -> dict[int, Job]:
    """Jobs in every status. Returns the completed job of each customer that has one."""
    today = company_today(company)
    completed: dict[int, Job] = {}
    for i, status in enumerate(JOB_PLAN):
        customer = customers[(i * 3) % len(customers)]
        days = -(i * 6 + 3) if status == JobStatus.COMPLETED else (i % 5) - 1
        if status in (JobStatus.SCHEDULED, JobStatus.UNSCHEDULED):
            days = i % 9 + 2
        start = _at(company, today + timedelta(days=days), 8 + i % 6)
        job = jobs.job_create(
            company=company,
            customer=customer,
            location=customer.locations.all()[i % customer.locations.count()],
            title=spec.job_titles[i % len(spec.job_titles)],
            description="Customer reports the problem started last week.",
            technician=techs[i % len(techs)] if status != JobStatus.UNSCHEDULED else None,
            scheduled_start=None if status == JobStatus.UNSCHEDULED else start,
            scheduled_end=None if status == JobStatus.UNSCHEDULED else start + timedelta(hours=2),
            actor=ACTOR,
        )
        for step in JOB_PATHS[status]:
            # Past moves are not news: no "on the way" emails to demo customers.
            job = jobs.job_change_status(
                company=company, job=job, new_status=step, actor=ACTOR, tell_customer=False
            )
        if status == JobStatus.COMPLETED:
            # Finished on the day of the visit, not the moment the demo ran.
            done = start + timedelta(hours=2)
            Job.objects.filter(pk=job.pk).update(completed_at=done, status_changed_at=done)
            _timeline_backdate(job, start, done)
            completed.setdefault(customer.pk, job)
    return completed


# When each move of a finished job happened, relative to the visit's start: booked a week
# ahead, the technician named the next day, on the way 20 minutes before, then the visit.
_PAST_MOVES = {
    JobStatus.UNSCHEDULED: timedelta(days=-7),
    JobStatus.SCHEDULED: timedelta(days=-7, minutes=30),
    JobStatus.TECHNICIAN_ASSIGNED: timedelta(days=-6),
    JobStatus.ON_THE_WAY: timedelta(minutes=-20),
    JobStatus.TECHNICIAN_ARRIVED: timedelta(0),
    JobStatus.IN_PROGRESS: timedelta(minutes=5),
}


def _timeline_backdate(job: Job, start: datetime, done: datetime) -> None:
    """The job's timeline on the days it happened, not all at the moment the demo ran."""
    for event in JobEvent.objects.filter(job=job):
        when = (
            done
            if event.to_status == JobStatus.COMPLETED
            else start + _PAST_MOVES.get(JobStatus(event.to_status), timedelta(0))
        )
        JobEvent.objects.filter(pk=event.pk).update(created_at=when)


def _lines(spec: CompanySpec, i: int) -> list[LineInput]:
    count = 1 + i % 3
    return [
        LineInput(
            description=spec.work[(i + n) % len(spec.work)][0],
            unit_price=spec.work[(i + n) % len(spec.work)][1],
            quantity=Decimal(1 + (i + n) % 3),
            tax_rate=TAX,
        )
        for n in range(count)
    ]


def _invoices(
    company: Company, spec: CompanySpec, customers: list[Customer], completed: dict[int, Job]
) -> None:
    today = company_today(company)
    for i, kind in enumerate(INVOICE_PLAN):
        customer = customers[i % len(customers)]
        issue = {
            "paid": today - timedelta(days=40 + i * 9),
            "overdue": today - timedelta(days=50 + i),
            "overdue_partially_paid": today - timedelta(days=45),
        }.get(kind, today - timedelta(days=i % 10))
        due = issue + timedelta(days=30)
        invoice = invoice_create(
            company=company,
            customer=customer,
            job=completed.get(customer.pk),
            issue_date=issue,
            due_date=due,
            lines=_lines(spec, i),
            notes="Thank you for your business!",
            actor=ACTOR,
        )
        if kind == "draft":
            continue
        invoice = activity.invoice_mark_sent(company, invoice, email=i == EMAILED_INVOICE)
        Invoice.objects.filter(pk=invoice.pk).update(sent_at=_at(company, issue, 9))
        if kind == "void":
            invoice_void(company=company, invoice=invoice, actor=ACTOR, reason="Duplicate")
        elif kind == "paid":
            _pay(company, invoice, invoice.balance_due, i)
        elif kind in ("partially_paid", "overdue_partially_paid"):
            _pay(company, invoice, (invoice.total * 4 // 10) // 100 * 100 or 100, i)
        elif kind == "payment_pending":
            _bank_transfer_pending(company, invoice)


def _pay(company: Company, invoice: Invoice, amount: int, i: int) -> None:
    method = [PaymentMethod.CHECK, PaymentMethod.CASH, PaymentMethod.CARD][i % 3]
    payment_record_manual(
        company=company, invoice=invoice, amount=amount, method=method, actor=ACTOR, receipt=False
    )


def _bank_transfer_pending(company: Company, invoice: Invoice) -> None:
    """An ACH payment the bank has not confirmed yet: the invoice shows "Payment pending"."""
    payment = Payment.objects.create(
        company=company,
        customer_id=invoice.customer_id,
        amount=invoice.balance_due,
        currency=invoice.currency,
        method=PaymentMethod.ACH,
        state=PaymentState.PROCESSING,
        provider="demo",
        provider_reference=f"demo_ach_{invoice.pk}",
    )
    PaymentAllocation.objects.create(
        company=company, payment=payment, invoice=invoice, amount=invoice.balance_due
    )
    invoice_payment_processing(invoice=invoice, amount=invoice.balance_due)


def _card_on_file_and_a_declined_try(company: Company) -> None:
    """For the office's money pages: the demo customer saved a card at checkout (with the
    consent to be charged on request), so "Charge saved card" shows on their unpaid invoice;
    another customer's card was declined once ("Failed payment" in the lists)."""
    account = (
        PortalAccount.objects.for_company(company)
        .filter(state=PortalAccountState.ACTIVE, contact__is_primary=True)
        .order_by("customer__name")
        .first()
    )
    if account is None:
        return
    now = timezone.now()
    SavedPaymentMethod.objects.create(
        company=company,
        customer=account.customer,
        provider="demo",
        provider_customer_ref=f"cus_demo_{account.customer_id}",
        provider_method_ref="pm_demo_visa_4242_12_30",
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2030,
        consent_text=save_card_text(company),
        consented_at=now - timedelta(days=20),
    )
    unpaid = (
        Invoice.objects.for_company(company)
        .filter(state="open", balance_due__gt=0, amount_pending=0, amount_paid=0)
        .exclude(customer=account.customer)
        .order_by("number")
        .first()
    )
    if unpaid is None:
        return
    declined = Payment.objects.create(
        company=company,
        customer_id=unpaid.customer_id,
        amount=unpaid.balance_due,
        currency=unpaid.currency,
        method=PaymentMethod.CARD,
        state=PaymentState.FAILED,
        source=PaymentSource.CHECKOUT,
        provider="demo",
        card_brand="mastercard",
        card_last4="0341",
        failure_code="card_declined",
        failure_message="Your card was declined. Nothing was charged. Try another card.",
    )
    PaymentAllocation.objects.create(
        company=company, payment=declined, invoice=unpaid, amount=unpaid.balance_due
    )


def _estimates(company: Company, spec: CompanySpec, customers: list[Customer]) -> None:
    today = company_today(company)
    for i, state in enumerate(ESTIMATE_PLAN):
        customer = customers[(i * 2 + 1) % len(customers)]
        issue = today - timedelta(days=45 if state == "expired" else i * 2)
        estimate = estimate_create(
            company=company,
            customer=customer,
            location=customer.locations.first(),
            title=f"Quote: {spec.job_titles[(i + 3) % len(spec.job_titles)].lower()}",
            issue_date=issue,
            expiry_date=issue + timedelta(days=30),
            lines=_lines(spec, i + 1),
            actor=ACTOR,
        )
        if state == "draft":
            continue
        estimate = estimate_change_state(
            company=company, estimate=estimate, new_state=EstimateState.SENT, actor=ACTOR
        )
        if state == "sent":
            if i == ESTIMATE_PLAN.index("sent"):
                activity.estimate_conversation(company, estimate)
            continue
        if state == "expired":
            estimate_change_state(company=company, estimate=estimate, new_state=state, actor=ACTOR)
            continue
        activity.estimate_decide(company, estimate, accept=state == "accepted")
        # Decided a few days after it was sent, not the moment the demo ran.
        decided = _at(company, issue + timedelta(days=3), 18)
        Estimate.objects.filter(pk=estimate.pk).update(decided_at=decided)


def invoice_state_counts(company: Company) -> dict[str, int]:
    today = company_today(company)
    counts: dict[str, int] = {}
    for invoice in Invoice.objects.for_company(company):
        label = invoice.customer_status(today).value
        counts[label] = counts.get(label, 0) + 1
    return counts
