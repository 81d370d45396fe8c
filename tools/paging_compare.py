"""Numbered pages (COUNT + OFFSET, the portal's invoice and payment lists before issue 15 §3)
against keyset cursors (now), page by page, in one run on one database.

Usage (on the benchmark data, after `make bench` or `manage.py bench --quick` grew it):
    DATABASE_URL=postgresql://... python tools/paging_compare.py [--repeat 200]

Both ways read the long-history customer's list with the same selectors' querysets; only the
paging differs. Times are per page read (the list's queries and building the rows, no
template), medians over alternating repeats: the wall clock and the part spent in the
database driver (the statements and their round trips).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402

from doorstep.customers.models import Contact  # noqa: E402
from doorstep.demo.bulk import HEAVY_EMAIL  # noqa: E402
from doorstep.portal import cursors, selectors  # noqa: E402
from doorstep.tenancy.time import company_today  # noqa: E402

SIZE = 20


def numbered(items: Any, number: int) -> Callable[[], int]:
    def read() -> int:
        page = Paginator(items, SIZE).page(number)
        rows = list(page.object_list)
        page.has_next()
        return len(rows)

    return read


def timed(read: Callable[[], int]) -> tuple[float, float, int]:
    """(wall ms, ms inside the database driver, statements) of one page read."""
    in_db: list[float] = []

    def clock(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_db.append((time.perf_counter() - start) * 1000)

    with connection.execute_wrapper(clock):
        start = time.perf_counter()
        read()
        elapsed = (time.perf_counter() - start) * 1000
    return elapsed, sum(in_db), len(in_db)


def keyset_pages(first: Callable[[Any], Any], parse: Callable[[str], Any]) -> list[Any]:
    """The `after` key of every page, found by following next_cursor from the top."""
    keys: list[Any] = [None]
    page = first(None)
    while page.next_cursor:
        keys.append(parse(page.next_cursor))
        page = first(keys[-1])
    return keys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    contact = Contact.objects.select_related("customer__company").get(email=HEAVY_EMAIL)
    customer, company = contact.customer, contact.customer.company
    today = company_today(company)
    scope = {"company": company, "customer": customer}

    def invoices(after: Any) -> Any:
        return selectors.invoices_page_for_customer(**scope, today=today, after=after, size=SIZE)

    def payments(after: Any) -> Any:
        return selectors.payments_page_for_customer(**scope, after=after, size=SIZE)

    lists = {
        "Invoices": (
            selectors.invoices_for_customer(**scope, today=today),
            invoices,
            keyset_pages(invoices, cursors.parse_invoice_cursor),
        ),
        "Payments": (
            selectors.payments_for_customer(**scope),
            payments,
            keyset_pages(payments, cursors.parse_payment_cursor),
        ),
    }
    print(f"{connection.vendor}, {customer.name}: {SIZE} rows a page, {args.repeat} repeats")
    print("| list | page | numbered p50 | db p50 | queries | keyset p50 | db p50 | queries |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (items, page_after, keys) in lists.items():
        last = len(keys)
        for number in sorted({1, 2, last // 2, last}):
            key = keys[number - 1]
            ways = {"numbered": numbered(items, number), "keyset": lambda k=key, f=page_after: f(k)}
            wall: dict[str, list[float]] = {w: [] for w in ways}
            db: dict[str, list[float]] = {w: [] for w in ways}
            counts: dict[str, int] = {}
            for _ in range(20):  # warm-up
                for read in ways.values():
                    read()
            for _ in range(args.repeat):  # in turn, so both see the same machine
                for way, read in ways.items():
                    ms, db_ms, counts[way] = timed(read)
                    wall[way].append(ms)
                    db[way].append(db_ms)
            cells = []
            for way in ways:
                p50, db_p50 = statistics.median(wall[way]), statistics.median(db[way])
                cells += [f"{p50:.2f}", f"{db_p50:.2f}", str(counts[way])]
            print(f"| {name} | {number} of {last} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
