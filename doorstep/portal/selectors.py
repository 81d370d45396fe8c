"""Reads for the customer portal. Every function takes company= and customer= explicitly.

Each returns a bounded amount of data in a fixed number of queries, so a customer with ten
years of history costs the same per page as a new one (tests pin the counts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from doorstep.billing import customer_balances
from doorstep.billing.models import Estimate, EstimateState, Invoice, InvoiceState
from doorstep.billing.selectors import estimates_open_for_decision
from doorstep.customers.models import Location
from doorstep.jobs.models import ACTIVE_STATUSES, Job, JobEvent, JobStatus
from doorstep.payments import selectors as payment_selectors
from doorstep.payments.models import Payment, PaymentAllocation

from .cursors import (
    ActiveKey,
    InvoiceKey,
    MomentKey,
    active_cursor,
    active_key_cursor,
    history_cursor,
    invoice_cursor,
    payment_cursor,
)

if TYPE_CHECKING:
    from doorstep.customers.models import Customer
    from doorstep.tenancy.models import Company


INVOICE_FILTERS = ("all", "unpaid", "overdue", "paid")
# Jobs the customer can follow on the Active tab: booked or under way, plus those waiting for
# a time (shown last: their activity_rank is 99).
OPEN_JOB_STATUSES = [*ACTIVE_STATUSES, JobStatus.UNSCHEDULED]


# --- Invoices ---------------------------------------------------------------------------------
def _customer_invoices(*, company: Company, customer: Customer) -> QuerySet[Invoice]:
    """Invoices the customer may see: never drafts."""
    return (
        Invoice.objects.for_company(company)
        .filter(customer=customer)
        .exclude(state=InvoiceState.DRAFT)
    )


# What a customer owes has one rule, kept with the invoices; the figures are the customer's
# stored row (billing/customer_balances.py), kept up to date by the services that change them.
_unpaid = customer_balances.invoice_unpaid
Balance = customer_balances.Balance
balance_for_customer = customer_balances.balance_read


def _overdue(today: date) -> Q:
    return _unpaid() & Q(due_date__lt=today)


def _invoices_matching(
    *, company: Company, customer: Customer, status: str, today: date
) -> QuerySet[Invoice]:
    """`status` is one of INVOICE_FILTERS (anything else means all)."""
    qs = _customer_invoices(company=company, customer=customer)
    if status == "unpaid":
        qs = qs.filter(_unpaid())
    elif status == "overdue":
        qs = qs.filter(_overdue(today))
    elif status == "paid":
        qs = qs.filter(state=InvoiceState.OPEN, balance_due__lte=0)
    return qs


def _overdue_rank(today: date) -> Case:
    return Case(When(_overdue(today), then=0), default=1, output_field=IntegerField())


# Overdue ones first (what needs the customer now), then newest first. The invoice number is
# unique in the company, so the order is total: no two invoices tie.
INVOICE_ORDER = ("overdue_rank", "-issue_date", "-number")


def invoices_for_customer(
    *, company: Company, customer: Customer, status: str = "all", today: date
) -> QuerySet[Invoice]:
    """In INVOICE_ORDER; `status` is one of INVOICE_FILTERS (anything else means all)."""
    qs = _invoices_matching(company=company, customer=customer, status=status, today=today)
    return qs.alias(overdue_rank=_overdue_rank(today)).order_by(*INVOICE_ORDER)


def _first_in_invoice_order(
    qs: QuerySet[Invoice], *, today: date, limit: int, overdue_older: Q | None = None
) -> list[Invoice]:
    """The first `limit` rows of `qs` in INVOICE_ORDER, each with its `overdue_rank`.

    Sorting by the overdue rank (a CASE) made PostgreSQL read and sort every invoice of the
    customer for the first rows (~1.1 ms per 1,900). On PostgreSQL it is one statement of two
    index-ordered halves instead: the overdue ones (few: the partial index of unpaid
    invoices finds them; `overdue_older` continues them after a cursor) and the others
    newest first (the (company, customer, -issue_date, -number) index, stopping after
    `limit`), each limited, then merged. SQLite cannot order the halves of a UNION: one
    sorted query there, as before."""
    if not connections[qs.db].features.supports_slicing_ordering_in_compound:
        qs = qs.annotate(overdue_rank=_overdue_rank(today))
        if overdue_older is not None:
            qs = qs.filter((_overdue(today) & overdue_older) | ~_overdue(today))
        return list(qs.order_by(*INVOICE_ORDER)[:limit])
    overdue = qs.filter(_overdue(today))
    if overdue_older is not None:
        overdue = overdue.filter(overdue_older)
    newest = ("-issue_date", "-number")
    first = overdue.annotate(overdue_rank=Value(0, IntegerField())).order_by(*newest)[:limit]
    rest = (
        qs.exclude(_overdue(today))
        .annotate(overdue_rank=Value(1, IntegerField()))
        .order_by(*newest)[:limit]
    )
    return list(first.union(rest, all=True).order_by(*INVOICE_ORDER)[:limit])


def invoices_first_for_customer(
    *, company: Company, customer: Customer, today: date, limit: int
) -> list[Invoice]:
    """The first `limit` invoices in INVOICE_ORDER (the home page's recent invoices)."""
    qs = _invoices_matching(company=company, customer=customer, status="all", today=today)
    return _first_in_invoice_order(qs, today=today, limit=limit)


@dataclass(frozen=True)
class InvoicePage:
    invoices: Sequence[Invoice]
    next_cursor: str | None  # older invoices follow: "Show older invoices" continues here


def invoices_page_for_customer(
    *,
    company: Company,
    customer: Customer,
    status: str = "all",
    today: date,
    after: InvoiceKey | None = None,
    size: int = 20,
) -> InvoicePage:
    """The Invoices list a page at a time, in INVOICE_ORDER, from just after the `after`
    position (None: the top). A keyset, not OFFSET: `size` + 1 rows are read to know whether
    more follow, and nothing is counted, so the hundredth page costs what the second does.

    The overdue rank is today's: an invoice that falls due between two pages moves to the
    top of the list, where the customer finds it on the next visit of the first page."""
    qs = _invoices_matching(company=company, customer=customer, status=status, today=today)
    if after is None:
        rows = _first_in_invoice_order(qs, today=today, limit=size + 1)
    else:
        rank, issued, number = after
        # `issue_date <= issued` on its own lets the database start its index scan at the
        # cursor instead of reading (and dropping) every newer invoice first.
        older = Q(issue_date__lte=issued) & (Q(issue_date__lt=issued) | Q(number__lt=number))
        if rank == 0:
            rows = _first_in_invoice_order(qs, today=today, limit=size + 1, overdue_older=older)
        else:
            # Past the overdue ones, the rest is in plain date order, which the index
            # (company, customer, -issue_date, -number) gives without sorting the history.
            qs = qs.filter(older).exclude(_overdue(today)).order_by("-issue_date", "-number")
            rows = list(qs.annotate(overdue_rank=Value(1, IntegerField()))[: size + 1])
    if len(rows) <= size:
        return InvoicePage(rows, None)
    last = rows[size - 1]
    last_rank: int = last.overdue_rank  # type: ignore[attr-defined]  # annotated above
    return InvoicePage(rows[:size], invoice_cursor((last_rank, last.issue_date, last.number)))


def invoice_for_customer(
    *, company: Company, customer: Customer, invoice_id: int
) -> Invoice | None:
    """One invoice with its lines and the payments applied to it (3 queries), or None.

    Each allocation knows whether its payment also paid other invoices (`on_other_invoices`,
    a subquery in the same query): an invoice-link session may open the receipt only of a
    payment made entirely on its invoice (payments:receipt refuses the others)."""
    others = PaymentAllocation.objects.filter(payment_id=OuterRef("payment_id")).exclude(
        invoice_id=OuterRef("invoice_id")
    )
    allocations = (
        PaymentAllocation.objects.select_related("payment")
        .annotate(on_other_invoices=Exists(others))
        .order_by("-payment__created_at", "-id")
    )
    return (
        _customer_invoices(company=company, customer=customer)
        .filter(pk=invoice_id)
        .select_related("customer")
        .prefetch_related("lines", Prefetch("allocations", queryset=allocations))
        .first()
    )


VIEW_TOUCH_EVERY = timedelta(seconds=60)  # as the portal session's last_seen_at


def invoice_mark_viewed(*, company: Company, invoice: Invoice) -> None:
    """Staff see when the customer first and last opened the invoice page: one UPDATE on
    the first view, then at most one a minute (a reload needs no write and no commit)."""
    now = timezone.now()
    last = invoice.last_viewed_at
    if invoice.first_viewed_at is not None and last is not None and now - last <= VIEW_TOUCH_EVERY:
        return
    Invoice.objects.filter(pk=invoice.pk, company=company).update(
        first_viewed_at=Coalesce("first_viewed_at", now), last_viewed_at=now
    )


# --- Payments ---------------------------------------------------------------------------------
# The customer's payment history has one rule, kept with the payments.
payments_for_customer = payment_selectors.payments_for_customer


@dataclass(frozen=True)
class PaymentPage:
    payments: list[Payment]
    next_cursor: str | None  # older payments follow: "Show older payments" continues here


def payments_page_for_customer(
    *, company: Company, customer: Customer, after: MomentKey | None = None, size: int = 20
) -> PaymentPage:
    """Payment history a page at a time, newest first (created_at, id), from just after the
    `after` position: a keyset of `size` + 1 rows, no COUNT and no OFFSET."""
    qs = payments_for_customer(company=company, customer=customer)
    if after is not None:
        when, pk = after
        # `created_at <= when` on its own lets the index scan start at the cursor.
        qs = qs.filter(Q(created_at__lte=when) & (Q(created_at__lt=when) | Q(id__lt=pk)))
    rows = list(qs[: size + 1])
    if len(rows) <= size:
        return PaymentPage(rows, None)
    return PaymentPage(rows[:size], payment_cursor(rows[size - 1]))


# --- Jobs -------------------------------------------------------------------------------------
def _customer_jobs(*, company: Company, customer: Customer) -> QuerySet[Job]:
    return (
        Job.objects.for_company(company)
        .filter(customer=customer)
        .select_related("technician", "location")
    )


# Most active first (in progress ... scheduled, then waiting), then by visit time; a job
# without a time comes after the timed ones of its rank on every database.
ACTIVE_ORDER = ("activity_rank", F("scheduled_start").asc(nulls_last=True), "id")


def _open_jobs(*, company: Company, customer: Customer) -> QuerySet[Job]:
    return _customer_jobs(company=company, customer=customer).filter(status__in=OPEN_JOB_STATUSES)


def jobs_active_for_customer(*, company: Company, customer: Customer, limit: int = 3) -> list[Job]:
    """The first `limit` open jobs, most active first (the home page's summary)."""
    return list(_open_jobs(company=company, customer=customer).order_by(*ACTIVE_ORDER)[:limit])


def _through(key: ActiveKey) -> Q:
    """Jobs at or before `key` in ACTIVE_ORDER (NULL start after every time)."""
    rank, start, pk = key
    if start is None:
        same_rank = Q(scheduled_start__isnull=False) | Q(scheduled_start__isnull=True, id__lte=pk)
    else:
        same_rank = Q(scheduled_start__lt=start) | Q(scheduled_start=start, id__lte=pk)
    return Q(activity_rank__lt=rank) | (Q(activity_rank=rank) & same_rank)


def _after(key: ActiveKey) -> Q:
    """Jobs strictly after `key` in ACTIVE_ORDER."""
    rank, start, pk = key
    if start is None:
        same_rank = Q(scheduled_start__isnull=True, id__gt=pk)
    else:
        same_rank = (
            Q(scheduled_start__gt=start)
            | Q(scheduled_start__isnull=True)
            | Q(scheduled_start=start, id__gt=pk)
        )
    return Q(activity_rank__gt=rank) | (Q(activity_rank=rank) & same_rank)


@dataclass(frozen=True)
class ActiveJobs:
    jobs: list[Job]
    through: str | None  # the list ends here (None: the first page, open-ended)
    next_cursor: str | None  # more open jobs follow: "Show more" extends the list to them


ACTIVE_SHOWN_MAX = 500  # a list extended again and again stays bounded


def active_jobs_for_customer(
    *,
    company: Company,
    customer: Customer,
    through: ActiveKey | None = None,
    more: int = 0,
    page: int = 20,
) -> ActiveJobs:
    """The Active tab's list: the first `page` open jobs, or every job up to `through`
    (a list the customer extended) plus `more` further ones. Keyset on ACTIVE_ORDER: one
    query for the first page, two for an extended list, whatever the customer's history."""
    qs = _open_jobs(company=company, customer=customer).order_by(*ACTIVE_ORDER)
    if through is None:
        rows = list(qs[: page + 1])
        if len(rows) <= page:
            return ActiveJobs(rows, None, None)
        rows = rows[:page]
        last = active_cursor(rows[-1])
        return ActiveJobs(rows, last, last)
    rows = list(qs.filter(_through(through))[:ACTIVE_SHOWN_MAX])
    extra = list(qs.filter(_after(through))[: more + 1])
    rows += extra[:more]
    # Nothing open any more up to there: the list keeps the customer's bound.
    end = active_cursor(rows[-1]) if rows else active_key_cursor(through)
    return ActiveJobs(rows, end, end if len(extra) > more else None)


def next_visit_for_customer(*, company: Company, customer: Customer) -> Job | None:
    """The next booked visit that has not started yet."""
    return (
        _customer_jobs(company=company, customer=customer)
        .filter(
            status__in=[
                JobStatus.SCHEDULED,
                JobStatus.TECHNICIAN_ASSIGNED,
                JobStatus.ON_THE_WAY,
            ],
            scheduled_start__isnull=False,
        )
        .order_by("scheduled_start", "id")
        .first()
    )


@dataclass(frozen=True)
class HistoryPage:
    jobs: list[Job]
    next_cursor: str | None


def jobs_history_for_customer(
    *,
    company: Company,
    customer: Customer,
    after: MomentKey | None = None,
    limit: int = 10,
) -> HistoryPage:
    """Completed jobs, newest first, keyset-paginated on (completed_at, id): page 100 costs
    what page 1 costs (no OFFSET)."""
    qs = _customer_jobs(company=company, customer=customer).filter(
        status=JobStatus.COMPLETED, completed_at__isnull=False
    )
    if after is not None:
        when, pk = after
        # `completed_at <= when` on its own lets the index scan start at the cursor.
        qs = qs.filter(Q(completed_at__lte=when) & (Q(completed_at__lt=when) | Q(id__lt=pk)))
    rows = list(qs.order_by("-completed_at", "-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return HistoryPage(rows, history_cursor(rows[-1]) if more and rows else None)


def visit_for_customer(*, company: Company, customer: Customer, job_id: int) -> Job | None:
    """One of the customer's jobs with its address (1 query), for the calendar file."""
    return _customer_jobs(company=company, customer=customer).filter(pk=job_id).first()


def job_for_customer(*, company: Company, customer: Customer, job_id: int) -> Job | None:
    """One job with its status timeline, completion photos and invoices (4 queries), or None."""
    return (
        _customer_jobs(company=company, customer=customer)
        .filter(pk=job_id)
        .prefetch_related(
            Prefetch("events", queryset=JobEvent.objects.order_by("-created_at", "-id")),
            "photos",
            Prefetch(
                "invoices",
                queryset=Invoice.objects.exclude(state=InvoiceState.DRAFT).order_by("-number"),
            ),
        )
        .first()
    )


# --- Estimates --------------------------------------------------------------------------------
def _customer_estimates(*, company: Company, customer: Customer) -> QuerySet[Estimate]:
    return (
        Estimate.objects.for_company(company)
        .filter(customer=customer)
        .exclude(state=EstimateState.DRAFT)
    )


def estimates_for_customer(*, company: Company, customer: Customer) -> QuerySet[Estimate]:
    return _customer_estimates(company=company, customer=customer).order_by(
        "-issue_date", "-number"
    )


def estimates_awaiting_count(*, company: Company, customer: Customer, today: date) -> int:
    """Estimates the customer can still accept or decline."""
    return estimates_open_for_decision(company=company, customer=customer, today=today).count()


def estimate_for_customer(
    *, company: Company, customer: Customer, estimate_id: int
) -> Estimate | None:
    from doorstep.billing.models import EstimateComment

    comments = EstimateComment.objects.order_by("created_at", "id")
    return (
        _customer_estimates(company=company, customer=customer)
        .filter(pk=estimate_id)
        .select_related("location")
        .prefetch_related("lines", Prefetch("comments", queryset=comments))
        .first()
    )


# --- Locations --------------------------------------------------------------------------------
def locations_for_customer(
    *, company: Company, customer: Customer, jobs_per_location: int = 5
) -> list[Location]:
    """Service addresses with a job count and their most relevant jobs: 2 queries whatever
    the counts (the prefetch is sliced per location with a window function)."""
    # Open jobs first (most active first), then the most recently completed.
    jobs = Job.objects.select_related("technician").order_by(
        "activity_rank", F("completed_at").desc(nulls_first=True), "-created_at", "-id"
    )
    return list(
        Location.objects.for_company(company)
        .filter(customer=customer)
        .annotate(job_count=Count("jobs"))
        .prefetch_related(
            Prefetch("jobs", queryset=jobs[:jobs_per_location], to_attr="recent_jobs")
        )
        .order_by("label", "street")[:50]
    )


def invoice_for_staff_preview(*, company: Company, invoice_id: int) -> Invoice | None:
    """An invoice as its customer's page shows it, for the office's "Preview as the
    customer" (drafts too: staff look before they send). Same prefetches as
    invoice_for_customer."""
    invoice = Invoice.objects.for_company(company).filter(pk=invoice_id).first()
    if invoice is None:
        return None
    found = (
        Invoice.objects.for_company(company)
        .filter(pk=invoice_id, customer_id=invoice.customer_id)
        .select_related("customer")
        .prefetch_related(
            "lines",
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.select_related("payment").order_by(
                    "-payment__created_at", "-id"
                ),
            ),
        )
        .first()
    )
    return found
