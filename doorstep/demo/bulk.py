"""`manage.py demo --invoices N`: grow the data quickly for benchmarks.

Rows are written with bulk_create in large batches, one transaction per batch; each batch
reserves its block of invoice/job numbers with one UPDATE of NumberSequence. Every row belongs
to one company and points only at rows of that company (the same-company triggers check it).
Totals follow the rounding rule of doorstep.core.money, so the data is as consistent as what
the services write. The customer HEAVY_NAME of the first company gets `heavy_invoices`
invoices and `heavy_jobs` jobs (the "customer with a long history" of the benchmarks).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from doorstep.billing.customer_balances import balances_refresh
from doorstep.billing.models import Invoice, InvoiceState, LineItem
from doorstep.core import money
from doorstep.core.models import NumberSequence
from doorstep.customers.models import Contact, Customer, CustomerKind, Location
from doorstep.jobs.models import ACTIVITY_RANK, Job, JobEvent, JobStatus, Technician
from doorstep.payments.models import Payment, PaymentAllocation, PaymentMethod, PaymentState
from doorstep.tenancy.models import Company
from doorstep.tenancy.services import company_create

from .catalogue import COMPANIES, FIRST_NAMES, LAST_NAMES, STREETS, TECHNICIANS

BATCH = 5000
INVOICES_PER_CUSTOMER = 10
HEAVY_NAME = "Harborview Property Management"
HEAVY_EMAIL = "harborview@example.com"
TAX = Decimal("6.25")
PRICES = (8900, 11500, 14900, 22500, 16900, 9900, 12500, 4250)
JOB_CYCLE = [JobStatus.COMPLETED] * 7 + [
    JobStatus.SCHEDULED,
    JobStatus.CANCELLED,
    JobStatus.TECHNICIAN_ASSIGNED,
]


@dataclass
class BulkResult:
    companies: list[Company]
    invoices_created: int = 0
    jobs_created: int = 0
    customers_created: int = 0
    heavy_customer: Customer | None = None
    totals: dict[str, int] = field(default_factory=dict)


Progress = Callable[[int], None]


def bulk_grow(
    *,
    invoices: int,
    jobs: int,
    companies: int = 2,
    heavy_invoices: int = 2000,
    heavy_jobs: int = 500,
    progress: Progress = lambda n: None,
) -> BulkResult:
    """Grow the data so the chosen companies hold `invoices` invoices and `jobs` jobs."""
    chosen = _companies(companies)
    result = BulkResult(companies=chosen)
    missing_inv = max(0, invoices - Invoice.objects.filter(company__in=chosen).count())
    missing_jobs = max(0, jobs - Job.objects.filter(company__in=chosen).count())
    with _wide_sqlite_batches():
        if heavy_invoices or heavy_jobs:
            heavy = _heavy_customer(chosen[0])
            result.heavy_customer = heavy
            h_jobs = min(missing_jobs, max(0, heavy_jobs - heavy.jobs.count()))
            h_inv = min(missing_inv, max(0, heavy_invoices - heavy.invoices.count()))
            pairs = [(heavy.pk, heavy.locations.values_list("pk", flat=True)[0])]
            job_ids = _jobs(chosen[0], pairs, h_jobs, progress)
            _invoices(chosen[0], [heavy.pk], h_inv, job_ids, progress)
            missing_jobs -= h_jobs
            missing_inv -= h_inv
            result.jobs_created += h_jobs
            result.invoices_created += h_inv
        for index, company in enumerate(chosen):
            share_inv = _share(missing_inv, len(chosen), index)
            share_jobs = _share(missing_jobs, len(chosen), index)
            result.customers_created += _ensure_customers(company, share_inv)
            pairs = _customer_locations(company)
            job_ids = _jobs(company, pairs, share_jobs, progress)
            _invoices(company, [c for c, _ in pairs], share_inv, job_ids, progress)
            result.jobs_created += share_jobs
            result.invoices_created += share_inv
    if result.invoices_created:
        for company in chosen:  # the rows were written past the services: one rebuild each
            balances_refresh(company=company)
    if result.invoices_created or result.jobs_created:
        _refresh_planner_statistics()
    result.totals = {
        "invoices": Invoice.objects.filter(company__in=chosen).count(),
        "jobs": Job.objects.filter(company__in=chosen).count(),
        "customers": Customer.objects.filter(company__in=chosen).count(),
    }
    return result


def _refresh_planner_statistics() -> None:
    """PostgreSQL plans from table statistics that autovacuum refreshes only some time after a
    bulk load: until then a freshly grown benchmark database is planned as if it were empty
    (sequential scans on million-row tables). ANALYZE makes the first measurements honest.
    As the tables' owner (tenancy migration 0003): this runs as the maintenance role, whose
    own ANALYZE skips every table it does not own, i.e. all of them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT doorstep_analyze()")


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


@contextmanager
def _wide_sqlite_batches() -> Iterator[None]:
    """Django 5.2 assumes SQLite's old 999-variable limit; SQLite >= 3.32 allows 32766.
    Wider INSERTs make bulk loading several times faster on SQLite."""
    features = connection.features
    old = features.max_query_params
    import sqlite3

    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 32):
        features.max_query_params = 32766
    try:
        yield
    finally:
        features.max_query_params = old


def _companies(count: int) -> list[Company]:
    slugs = [spec.slug for spec in COMPANIES][:count]
    slugs += [f"bench-{n:03d}" for n in range(len(slugs) + 1, count + 1)]
    found = {c.slug: c for c in Company.objects.filter(slug__in=slugs)}
    for slug in slugs:
        if slug not in found:
            found[slug] = company_create(
                name=f"Benchmark Services {slug[-3:]}", slug=slug, accent_color="#6e40c9"
            )
    for company in found.values():
        if not Technician.objects.filter(company=company).exists():
            Technician.objects.bulk_create(
                [Technician(company=company, name=name) for name in TECHNICIANS]
            )
    return [found[slug] for slug in slugs]


def _heavy_customer(company: Company) -> Customer:
    customer = Customer.objects.filter(company=company, name=HEAVY_NAME).first()
    if customer:
        return customer
    customer = Customer.objects.create(
        company=company,
        kind=CustomerKind.BUSINESS,
        name=HEAVY_NAME,
        billing_address="1 Harbor View Plaza\nSpringfield, MA 01101",
    )
    Contact.objects.create(
        company=company, customer=customer, name="Lena Ortiz", email=HEAVY_EMAIL, is_primary=True
    )
    Location.objects.create(
        company=company, customer=customer, label="Tower A", street="1 Harbor View Plaza",
        city="Springfield", region="MA", postal_code="01101",
    )  # fmt: skip
    return customer


def _ensure_customers(company: Company, new_invoices: int) -> int:
    existing = Customer.objects.filter(company=company).exclude(name=HEAVY_NAME).count()
    existing_inv = Invoice.objects.filter(company=company).count()
    wanted = math.ceil((existing_inv + new_invoices) / INVOICES_PER_CUSTOMER)
    missing = max(0, wanted - existing, 1 if existing == 0 else 0)
    for start in range(existing, existing + missing, BATCH):
        numbers = range(start, min(start + BATCH, existing + missing))
        with transaction.atomic():
            customers = Customer.objects.bulk_create(
                [
                    Customer(
                        company=company,
                        name=f"{FIRST_NAMES[n % 24]} {LAST_NAMES[(n // 24) % 24]} {n}",
                        billing_address=f"{n} {STREETS[n % 12]}",
                    )
                    for n in numbers
                ]
            )
            Contact.objects.bulk_create(
                [
                    Contact(
                        company=company,
                        customer=c,
                        name=c.name,
                        email=f"customer{n}@{company.slug}.example.com",
                        is_primary=True,
                    )
                    for n, c in zip(numbers, customers, strict=True)
                ]
            )
            Location.objects.bulk_create(
                [
                    Location(
                        company=company,
                        customer=c,
                        label="Home",
                        street=f"{n} {STREETS[n % 12]}",
                        city="Springfield",
                    )
                    for n, c in zip(numbers, customers, strict=True)
                ]
            )
    return missing


def _customer_locations(company: Company) -> list[tuple[int, int]]:
    """(customer id, one location id) of every ordinary customer of the company."""
    first: dict[int, int] = {}
    rows = (
        Location.objects.filter(company=company)
        .exclude(customer__name=HEAVY_NAME)
        .order_by("customer_id", "id")
        .values_list("customer_id", "id")
    )
    for customer_id, location_id in rows.iterator(chunk_size=20000):
        first.setdefault(customer_id, location_id)
    return list(first.items())


def _reserve(company: Company, kind: str, size: int) -> int:
    """The first of `size` consecutive numbers, reserved with one UPDATE."""
    NumberSequence.objects.get_or_create(company=company, kind=kind)
    sequence = NumberSequence.objects.filter(company=company, kind=kind)
    sequence.update(last_value=F("last_value") + size)
    return sequence.get().last_value - size + 1


def _jobs(company: Company, pairs: list[tuple[int, int]], count: int, progress: Progress) -> array:
    """Create `count` jobs; job k belongs to pairs[k % len(pairs)]. Returns their ids."""
    ids = array("q")
    if count <= 0:
        return ids
    techs = list(Technician.objects.filter(company=company).values_list("pk", flat=True))
    now = timezone.now()
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        with transaction.atomic():
            first = _reserve(company, "job", size)
            batch = []
            for k in range(start, start + size):
                customer_id, location_id = pairs[k % len(pairs)]
                status = JOB_CYCLE[k % len(JOB_CYCLE)]
                days = -(k % 1000) - 1 if status == JobStatus.COMPLETED else k % 30 + 1
                begin = now + timedelta(days=days)
                batch.append(
                    Job(
                        company=company,
                        number=first + k - start,
                        customer_id=customer_id,
                        location_id=location_id,
                        title="Service visit",
                        technician_id=techs[k % len(techs)] if techs else None,
                        scheduled_start=begin,
                        scheduled_end=begin + timedelta(hours=2),
                        status=status,
                        activity_rank=ACTIVITY_RANK.get(status, 99),
                        completed_at=begin + timedelta(hours=2)
                        if status == JobStatus.COMPLETED
                        else None,
                    )
                )
            Job.objects.bulk_create(batch)
            JobEvent.objects.bulk_create(
                [
                    JobEvent(company=company, job=job, to_status=job.status, actor_label="Import")
                    for job in batch
                ]
            )
            ids.extend(job.pk for job in batch)
        progress(size)
    return ids


def _invoice_row(
    company: Company, k: int, number: int, customer_id: int, job_id: int | None
) -> tuple[Invoice, LineItem]:
    today = timezone.localdate()
    price = PRICES[k % len(PRICES)]
    quantity = Decimal(1 + k % 3)
    amount = money.line_amount(quantity, price)
    tax = money.line_tax(amount, TAX)
    total = amount + tax
    slot = k % 20
    if slot < 10:  # paid, spread over three years
        issue, paid = today - timedelta(days=k % 1100 + 31), total
    elif slot == 10:  # partially paid
        issue, paid = today - timedelta(days=k % 20), total // 2
    else:  # unpaid; the older ones are overdue
        issue, paid = today - timedelta(days=k % 45), 0
    state = {18: InvoiceState.DRAFT, 19: InvoiceState.VOID}.get(slot, InvoiceState.OPEN)
    if state != InvoiceState.OPEN:
        paid = 0
    sent = datetime.combine(issue, time(14), tzinfo=timezone.get_current_timezone())
    invoice = Invoice(
        company=company,
        number=number,
        customer_id=customer_id,
        job_id=job_id,
        issue_date=issue,
        due_date=issue + timedelta(days=30),
        currency=company.currency,
        state=state,
        subtotal=amount,
        tax=tax,
        total=total,
        amount_paid=paid,
        balance_due=total - paid,
        sent_at=sent if state != InvoiceState.DRAFT else None,
        paid_at=sent + timedelta(days=5) if paid == total else None,
    )
    line = LineItem(
        company=company,
        description="Service call" if k % 2 else "Labour",
        quantity=quantity,
        unit_price=price,
        tax_rate=TAX,
        amount=amount,
        tax_amount=tax,
    )
    return invoice, line


def _invoices(
    company: Company, customers: list[int], count: int, job_ids: array, progress: Progress
) -> None:
    """Invoice k belongs to customers[k % len] and, while there are jobs, to job k (the same
    customer by construction). Paid amounts come with a Payment and its allocation."""
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        with transaction.atomic():
            first = _reserve(company, "invoice", size)
            rows = [
                _invoice_row(
                    company,
                    k,
                    first + k - start,
                    customers[k % len(customers)],
                    job_ids[k] if k < len(job_ids) else None,
                )
                for k in range(start, start + size)
            ]
            invoices = Invoice.objects.bulk_create([invoice for invoice, _ in rows])
            for invoice, line in rows:
                line.invoice = invoice
            LineItem.objects.bulk_create([line for _, line in rows])
            paid = [invoice for invoice in invoices if invoice.amount_paid]
            payments = Payment.objects.bulk_create(
                [
                    Payment(
                        company=company,
                        customer_id=invoice.customer_id,
                        amount=invoice.amount_paid,
                        currency=invoice.currency,
                        method=PaymentMethod.CHECK,
                        state=PaymentState.SUCCEEDED,
                        received_at=invoice.paid_at or invoice.sent_at,
                    )
                    for invoice in paid
                ]
            )
            PaymentAllocation.objects.bulk_create(
                [
                    PaymentAllocation(
                        company=company, payment=payment, invoice=invoice, amount=payment.amount
                    )
                    for payment, invoice in zip(payments, paid, strict=True)
                ]
            )
        progress(size)
