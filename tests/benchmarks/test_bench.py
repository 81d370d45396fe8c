"""`manage.py bench` on a tiny data set: it runs end to end and writes every page's row.

Never a timing assertion: the numbers depend on the machine; only the table's shape is checked.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doorstep.benchmarks.measure import DatabaseBlocked, database_blocked
from doorstep.customers.models import Customer

PAGES = [
    ("baseline", "Baseline: /healthz"),
    ("home", "Home"),
    ("invoices", "Invoice list"),
    ("invoice_detail", "Invoice detail"),
    ("pdf_cold", "Invoice PDF, cold"),
    ("pdf_cached", "Invoice PDF, cached"),
    ("jobs_active", "Active jobs"),
    ("history_20", "Service history p20"),
    ("history_20_htmx", "History p20 (Load more, htmx)"),
    ("payments", "Payments"),
]


@pytest.mark.django_db
def test_quick_run_writes_a_table_with_every_page(tmp_path: Path) -> None:
    out = StringIO()
    # 300 jobs of the long-history customer: 210 completed, so history page 20 exists.
    call_command(
        "bench",
        quick=True,
        invoices=400,
        jobs=400,
        companies=2,
        heavy_invoices=300,
        heavy_jobs=300,
        requests=3,
        pdf_requests=1,
        warmup=1,
        output=tmp_path,
        stdout=out,
    )

    table = (tmp_path / "latest.md").read_text()
    for _, label in PAGES:
        assert f"| {label} " in table
    assert "PostgreSQL" in table or "SQLite" in table
    assert "300 invoices, 300 jobs" in table  # the long-history customer
    assert len(list(tmp_path.glob("bench-*.md"))) == 1
    assert "Written to" in out.getvalue()

    data = json.loads((tmp_path / "latest.json").read_text())
    assert [page["key"] for page in data["pages"]] == [key for key, _ in PAGES]
    for page in data["pages"]:
        timed = 1 if page["key"] == "pdf_cold" else 3
        assert len(page["request"]["times_ms"]) == timed
        if page["kind"] == "baseline":
            assert page["request"]["queries"] == [0] * timed
            continue
        assert all(count > 0 for count in page["request"]["queries"])
        assert page["checks"]  # each page is judged against its targets
        has_floor = page["kind"] not in ("pdf_cached", "baseline")
        assert (page["floor"] is not None) == has_floor
        if has_floor:  # the floor rendered the same page (only the CSRF token may differ)
            assert (
                abs(page["floor"]["bytes"] - page["request"]["bytes"])
                < 0.05 * page["request"]["bytes"]
            )
    assert "after=" in data["pages"][7]["url"]  # page 20 reached by following the cursor


@pytest.mark.django_db
def test_a_second_run_reuses_the_data(tmp_path: Path) -> None:
    options = dict(invoices=400, jobs=400, companies=2, heavy_invoices=300, heavy_jobs=300)
    runs = dict(requests=1, pdf_requests=1, warmup=0, output=tmp_path, stdout=StringIO())
    call_command("bench", **options, **runs)
    customers = Customer.objects.count()
    call_command("bench", **options, **runs)
    assert Customer.objects.count() == customers
    assert "reused" in (tmp_path / "latest.md").read_text()


@pytest.mark.django_db
def test_the_floor_cannot_reach_the_database() -> None:
    with database_blocked(), pytest.raises(DatabaseBlocked):
        Customer.objects.count()


@pytest.mark.django_db
def test_too_little_history_is_a_clear_error(tmp_path: Path) -> None:
    # 100 jobs: 70 completed, 7 history pages; page 20 does not exist.
    with pytest.raises(CommandError, match="fewer than 20 pages"):
        call_command(
            "bench",
            invoices=200,
            jobs=200,
            companies=1,
            heavy_invoices=100,
            heavy_jobs=100,
            requests=1,
            output=tmp_path,
            stdout=StringIO(),
        )
