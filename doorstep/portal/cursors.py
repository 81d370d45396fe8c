"""Positions in the portal's long lists, carried in their URLs: Service history's "Load more",
the Active tab's "Show more", "Show older invoices" and "Show older payments".

A cursor names the last row on screen by its sort key, so the next rows are found with a
WHERE on that key and an index, never with OFFSET or COUNT over the customer's whole history
(page 95 costs what page 2 costs).

Cursors are plain text, not secrets, and not signed: each is parsed strictly and anything
malformed, out of range or too long means "no cursor" (the first page), never an error. A
cursor only says where in the order to continue; the rows always come from the signed-in
customer's own queryset, so values taken from another customer's cursor show nothing of
theirs. Numbers are capped at 18 digits: every one fits a 64-bit integer, which SQLite needs
(a longer one raises OverflowError in the driver).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doorstep.jobs.models import Job
    from doorstep.payments.models import Payment

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

_NUMBER = r"\d{1,18}"  # with re.ASCII: no other script's digits
_MOMENT_ID = re.compile(rf"({_NUMBER})\.({_NUMBER})", re.ASCII)
_ACTIVE = re.compile(rf"(\d{{1,5}})\.({_NUMBER}|n)\.({_NUMBER})", re.ASCII)
_INVOICE = re.compile(rf"([01])\.(\d{{4}}-\d{{2}}-\d{{2}})\.({_NUMBER})", re.ASCII)

MomentKey = tuple[datetime, int]  # (a time, id): newest first, the id breaks ties
ActiveKey = tuple[int, datetime | None, int]  # (activity_rank, scheduled_start, id)
InvoiceKey = tuple[int, date, int]  # (0 overdue / 1 not, issue_date, number)


def _micros(when: datetime) -> str:
    """Exact integer microseconds (a float timestamp could be off by one and skip a row)."""
    return str((when - EPOCH) // MICROSECOND)


def _moment(micros: str) -> datetime | None:
    try:
        return EPOCH + int(micros) * MICROSECOND
    except OverflowError:  # past year 9999
        return None


def _moment_cursor(when: datetime, pk: int) -> str:
    return f"{_micros(when)}.{pk}"


def _parse_moment_cursor(raw: str | None) -> MomentKey | None:
    match = _MOMENT_ID.fullmatch(raw or "")
    if match is None:
        return None
    when = _moment(match[1])
    return None if when is None else (when, int(match[2]))


# --- Service history: (completed_at, id), newest first ---------------------------------------
def history_cursor(job: Job) -> str:
    """'<completed_at in epoch microseconds>.<id>'."""
    assert job.completed_at is not None
    return _moment_cursor(job.completed_at, job.pk)


def parse_history_cursor(raw: str | None) -> MomentKey | None:
    return _parse_moment_cursor(raw)


# --- Payment history: (created_at, id), newest first -----------------------------------------
def payment_cursor(payment: Payment) -> str:
    """'<created_at in epoch microseconds>.<id>'."""
    return _moment_cursor(payment.created_at, payment.pk)


def parse_payment_cursor(raw: str | None) -> MomentKey | None:
    return _parse_moment_cursor(raw)


# --- Active jobs: (activity_rank, scheduled_start with untimed last, id) ---------------------
def active_key_cursor(key: ActiveKey) -> str:
    """'<rank>.<start in epoch microseconds, or n>.<id>': a position in the Active order."""
    rank, start, pk = key
    return f"{rank}.{'n' if start is None else _micros(start)}.{pk}"


def active_cursor(job: Job) -> str:
    return active_key_cursor((job.activity_rank, job.scheduled_start, job.pk))


def parse_active_cursor(raw: str | None) -> ActiveKey | None:
    match = _ACTIVE.fullmatch(raw or "")
    if match is None:
        return None
    rank, start, pk = match.groups()
    if start == "n":
        return int(rank), None, int(pk)
    when = _moment(start)
    return None if when is None else (int(rank), when, int(pk))


# --- Invoices: overdue first, then (issue_date, number), newest first -------------------------
def invoice_cursor(key: InvoiceKey) -> str:
    """'<0 overdue, 1 not>.<issue date, ISO>.<number>'. The number is unique in the company
    (uniq_invoice_number), so (issue_date, number) orders the customer's invoices totally and
    the cursor needs no id."""
    overdue_rank, issued, number = key
    return f"{overdue_rank}.{issued.isoformat()}.{number}"


def parse_invoice_cursor(raw: str | None) -> InvoiceKey | None:
    match = _INVOICE.fullmatch(raw or "")
    if match is None:
        return None
    try:
        issued = date.fromisoformat(match[2])
    except ValueError:  # 2026-02-30, year 0
        return None
    return int(match[1]), issued, int(match[3])
