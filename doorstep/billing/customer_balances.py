"""What a customer owes: the one rule, and the row (CustomerBalance) that keeps its figures.

A portal page reads the customer's row (one indexed SELECT) instead of adding up invoices on
every view. Whatever changes what a customer owes calls `balance_refresh` in its transaction,
after the change: billing.balances (totals, payments, refunds), billing.invoices (open, void,
a changed due date or customer), the back office's invoice form, the demo's bulk growth.
`manage.py balances_refresh` rebuilds every row. tests/billing/test_customer_balances.py
compares the row with a fresh recompute after each of those services.

A refresh is one `INSERT ... SELECT ... ON CONFLICT DO UPDATE` on both databases; on
PostgreSQL a transaction-scoped advisory lock on the customer comes first, so two
transactions that change the same customer's invoices at once refresh one after the other,
and the second adds up after the first has committed (at READ COMMITTED the sums of one
statement are those of its start: without the lock, the later writer could store sums that
miss the earlier one's invoice). SQLite has one writer at a time, so needs no lock.

Lock order: a writer locks its invoice rows first and takes the customer's lock last, at its
refresh, keeping both to commit. A transaction that, after a refresh, locked another invoice
of the same customer could meet a payment holding that invoice and waiting for the lock;
PostgreSQL would end one of them with a deadlock error. No writer does that: payments lock
all their invoices before applying (payments/locks.py), invoice_send opens each invoice in
its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    F,
    FilteredRelation,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from doorstep.customers.models import Customer
from doorstep.tenancy.time import company_today

from .models import CustomerBalance, InvoiceState

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def invoice_unpaid(prefix: str = "") -> Q:
    """The rule of what a customer owes: an open invoice with a balance left (a draft was
    never sent, a void one is owed by nobody). `prefix` names the invoice from another model
    ("invoices__" from a customer)."""
    return Q(**{f"{prefix}state": InvoiceState.OPEN, f"{prefix}balance_due__gt": 0})


@dataclass(frozen=True)
class Balance:
    due: int
    overdue: int
    unpaid_count: int
    overdue_count: int


# Written by the refresh, in this order (the SELECT's columns by these names).
COLUMNS = (
    "company_id",
    "customer_id",
    "due_minor",
    "unpaid_count",
    "overdue_minor",
    "overdue_count",
    "earliest_unpaid_due",
    "next_unpaid_due",
    "overdue_as_of",
    "refreshed_at",
)
ADVISORY_LOCK_CLASS = 0x0BA1  # the first key of pg_advisory_xact_lock(int, int): balances


def _figures(
    *, company: Company, customer_ids: Iterable[int] | None, today: date
) -> QuerySet[Customer, dict[str, Any]]:
    """The SELECT of COLUMNS, one row per customer (those with nothing unpaid too), from
    their unpaid invoices only (the partial index invoice_unpaid_by_customer)."""
    unpaid = FilteredRelation(
        "invoices", condition=invoice_unpaid("invoices__") & Q(invoices__company=company)
    )
    overdue = Q(unpaid__due_date__lt=today)
    customers = Customer.objects.for_company(company)
    if customer_ids is not None:
        customers = customers.filter(pk__in=list(customer_ids))
    return (
        customers.annotate(unpaid=unpaid)
        .values("company_id")
        .annotate(
            customer_id=F("id"),
            due_minor=Coalesce(Sum("unpaid__balance_due"), 0),
            # Counting a column of the index (never NULL on an unpaid invoice) lets
            # PostgreSQL answer from the index alone; COUNT(id) would visit every row.
            unpaid_count=Count("unpaid__balance_due"),
            overdue_minor=Coalesce(Sum("unpaid__balance_due", filter=overdue), 0),
            overdue_count=Count("unpaid__balance_due", filter=overdue),
            earliest_unpaid_due=Min("unpaid__due_date"),
            next_unpaid_due=Min("unpaid__due_date", filter=Q(unpaid__due_date__gte=today)),
            overdue_as_of=Value(today, output_field=DateField()),
        )
        .order_by()
    )


def _upsert(
    *, company: Company, customer_ids: Iterable[int] | None, today: date, returning: bool
) -> list[tuple[Any, ...]]:
    select, params = _figures(
        company=company, customer_ids=customer_ids, today=today
    ).query.sql_with_params()
    refreshed_at = CustomerBalance._meta.get_field("refreshed_at").get_db_prep_value(
        timezone.now(), connection
    )
    table = CustomerBalance._meta.db_table
    names = ", ".join(COLUMNS)
    picked = ", ".join(f"figures.{name}" for name in COLUMNS[:-1])
    updates = ", ".join(f"{name} = excluded.{name}" for name in COLUMNS[2:])
    # `WHERE true`: SQLite reads an ON CONFLICT after a bare SELECT ... FROM as a join's ON.
    sql = (
        f"INSERT INTO {table} ({names}) SELECT {picked}, %s FROM ({select}) figures "  # noqa: S608
        f"WHERE true ON CONFLICT (company_id, customer_id) DO UPDATE SET {updates}"
    )
    if returning:
        sql += " RETURNING " + ", ".join(COLUMNS[2:])
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, (refreshed_at, *params))
        return cursor.fetchall() if returning else []


def _lock(customer_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Held until the transaction ends; the int form wraps a large id (a shared key
            # only makes two customers wait for each other).
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [ADVISORY_LOCK_CLASS, customer_id % 2**31],
            )


def _balance_of(row: tuple[Any, ...]) -> Balance:
    due, unpaid, overdue, overdue_count = row[:4]
    return Balance(due=due, overdue=overdue, unpaid_count=unpaid, overdue_count=overdue_count)


@transaction.atomic(savepoint=False)
def balance_refresh(
    *, company: Company, customer: Customer | int, today: date | None = None
) -> Balance:
    """Recompute what the customer owes from their invoices and store it (insert or update),
    in the caller's transaction: call it after a change to the customer's invoices. Overdue
    is as of `today` (default: the company's date)."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    _lock(customer_id)
    today = today or company_today(company)
    (row,) = _upsert(company=company, customer_ids=[customer_id], today=today, returning=True)
    return _balance_of(row)


@transaction.atomic(savepoint=False)
def balances_refresh(*, company: Company, customer_ids: Iterable[int] | None = None) -> None:
    """The rows of many customers (None: every customer of the company) in one statement:
    `manage.py balances_refresh`, bulk loads. Takes no per-customer lock: for a rebuild on a
    quiet database, or for customers only its own transaction is writing."""
    _upsert(
        company=company, customer_ids=customer_ids, today=company_today(company), returning=False
    )


def _holds_on(row: CustomerBalance, today: date) -> bool:
    """The stored overdue figures are those of `today` too: no unpaid due date has passed
    since they were computed."""
    if today < row.overdue_as_of:
        return False
    return row.next_unpaid_due is None or today <= row.next_unpaid_due


def balance_read(*, company: Company, customer: Customer, today: date) -> Balance:
    """What the customer owes and what of it is overdue on `today` (the company's date): one
    SELECT of the customer's row; a missing row, or one whose overdue figures a passed due
    date has changed, is refreshed (and stored) first."""
    row = CustomerBalance.objects.for_company(company).filter(customer=customer).first()
    if row is None or not _holds_on(row, today):
        return balance_refresh(company=company, customer=customer, today=today)
    return Balance(
        due=row.due_minor,
        overdue=row.overdue_minor,
        unpaid_count=row.unpaid_count,
        overdue_count=row.overdue_count,
    )


def balance_compute(*, company: Company, customer: Customer, today: date) -> Balance:
    """The figures recomputed from the invoices without storing anything (one aggregate):
    what a stored row must equal (the tests' check that no service forgot to refresh)."""
    (row,) = _figures(company=company, customer_ids=[customer.pk], today=today)
    return Balance(
        due=row["due_minor"],
        overdue=row["overdue_minor"],
        unpaid_count=row["unpaid_count"],
        overdue_count=row["overdue_count"],
    )
