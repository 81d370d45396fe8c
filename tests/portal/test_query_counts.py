"""Every portal page costs the same, exact number of queries for a customer with one record
of each kind and for one with thirty (DESIGN 7): no N+1, no history-sized work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doorstep.billing.estimates import estimate_change_state
from doorstep.documents.services import document_share
from doorstep.jobs.models import JobStatus
from doorstep.payments.services import payment_record_manual
from doorstep.portal.cursors import EPOCH, MICROSECOND, invoice_cursor

from ..factories import (
    SYSTEM,
    LocationFactory,
    TechnicianFactory,
    make_estimate,
    make_invoice,
    make_job,
)
from ..portal_helpers import sign_in
from .conftest import customer_with_one_of_each
from .story import TINY_PDF, job_to

pytestmark = pytest.mark.django_db

# Page -> exact query count (1 of them is the gate: the session joined with its company).
EXPECTED = {
    "home": 6,
    # Keyset pages, nothing counted: the gate, the balance aggregate, the page's rows.
    "invoices": 3,
    "invoices_older": 3,  # "Show older invoices" without JavaScript: the page after a cursor
    "invoices_older_htmx": 2,  # the rows htmx appends: no balance
    # A first view: + the adoption ledger's check of the invoice's history and the open.
    "invoice_detail": 7,
    "invoice_pdf": 5,
    "payments": 3,  # the gate, the page's rows, their invoices
    "payments_older": 3,
    "payments_older_htmx": 3,
    "jobs": 2,
    "jobs_history": 2,
    "jobs_live": 2,
    "jobs_live_extended": 3,  # the jobs up to the cursor, then the next ones
    "job_detail": 6,  # + the completion photos, + its conversations
    "job_photo": 2,
    "job_photo_thumb": 2,
    "job_calendar": 2,  # the gate, then the job with its address
    "estimates": 3,
    # A sent estimate's first view: + the ledger's history check and the view (docs/adoption.md).
    "estimate_detail": 6,
    "documents": 3,
    "document_download": 2,
    "locations": 3,
    "profile": 3,  # the gate, the mobile number, the addresses
    "two_step": 2,  # the gate, then the two-step state (off: no recovery-code count)
}


def grow(owner: dict[str, Any], n: int) -> None:
    """Give a customer n more of everything."""
    customer = owner["customer"]
    company = customer.company
    tech = TechnicianFactory(company=company)
    for i in range(n):
        invoice = make_invoice(customer, lines=[(f"Line {i}", 1000 + i, "1", "8.25")] * 2)
        if i % 3 == 0:
            payment_record_manual(
                company=company, invoice=invoice, amount=500, method="cash", actor=SYSTEM
            )
        location = LocationFactory(customer=customer) if i % 10 == 0 else owner["location"]
        job = make_job(
            customer,
            location=location,
            technician=tech,
            title=f"Job {i}",
            scheduled_start=owner["invoice"].created_at,
        )
        job_to(job, JobStatus.COMPLETED if i % 2 else JobStatus.ON_THE_WAY)
        estimate = make_estimate(customer, title=f"Estimate {i}")
        estimate_change_state(company=company, estimate=estimate, new_state="sent", actor=SYSTEM)
        if i % 5 == 0:
            document_share(
                company=company,
                customer=customer,
                title=f"Doc {i}",
                upload=SimpleUploadedFile("d.pdf", TINY_PDF),
                actor=SYSTEM,
            )


# Cursors at the far end of the newest-first order: every row is older, so the page after
# them holds as many rows as the first page.
INVOICES_AFTER = invoice_cursor((1, date(9999, 12, 31), 1))
PAYMENTS_AFTER = f"{(datetime(9999, 12, 31, tzinfo=UTC) - EPOCH) // MICROSECOND}.1"
HTMX = {"invoices_older_htmx", "payments_older_htmx"}  # asked for with HX-Request: true


def page_urls(slug: str, owner: dict[str, Any]) -> dict[str, str]:
    def url(name: str, *args: Any) -> str:
        return reverse(f"portal:{name}", args=[slug, *args])

    return {
        "home": url("home"),
        "invoices": url("invoices"),
        "invoice_detail": url("invoice_detail", owner["invoice"].pk),
        "invoice_pdf": url("invoice_pdf", owner["invoice"].pk),
        "invoices_older": url("invoices") + f"?status=all&after={INVOICES_AFTER}",
        "invoices_older_htmx": url("invoices") + f"?status=all&after={INVOICES_AFTER}",
        "payments": url("payments"),
        "payments_older": url("payments") + f"?after={PAYMENTS_AFTER}",
        "payments_older_htmx": url("payments") + f"?after={PAYMENTS_AFTER}",
        "jobs": url("jobs"),
        "jobs_history": url("jobs") + "?tab=history",
        "jobs_live": url("jobs_live"),
        "jobs_live_extended": url("jobs_live") + "?through=99.n.2147483647&more=1",
        "job_detail": url("job_detail", owner["job"].pk),
        "job_photo": url("job_photo", owner["job"].pk, owner["job_photo"].pk),
        "job_photo_thumb": url("job_photo_thumb", owner["job"].pk, owner["job_photo"].pk),
        "job_calendar": url("job_calendar", owner["job"].pk),
        "estimates": url("estimates"),
        "estimate_detail": url("estimate_detail", owner["estimate"].pk),
        "documents": url("documents"),
        "document_download": url("document_download", owner["document"].pk),
        "locations": url("locations"),
        "profile": url("profile"),
        "two_step": url("two_step"),
    }


def counts_for(owner: dict[str, Any]) -> dict[str, int]:
    client = Client()
    sign_in(client, owner["account"])
    urls = page_urls(owner["customer"].company.slug, owner)
    client.get(urls["invoice_pdf"])  # the PDF is rendered once; measure the reuse
    counts = {}
    for name, url in urls.items():
        headers = {"HX-Request": "true"} if name in HTMX else {}
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, name
        if name.endswith("_older") or name in HTMX:  # the cursor was taken, and rows shown
            page = response.context["page"]
            assert response.context["continued"], name
            assert page.invoices if name.startswith("invoices") else page.payments, name
        counts[name] = len(queries)
    return counts


def test_every_page_has_a_fixed_query_count(company):
    one = customer_with_one_of_each(company, "Uno", cents=1111)
    many = customer_with_one_of_each(company, "Muchos", cents=2222)
    grow(many, 30)
    assert counts_for(one) == EXPECTED
    assert counts_for(many) == EXPECTED


def test_query_counts_cover_every_portal_page():
    from .test_isolation import PUBLIC, STAFF, TWO_STEP_STEPS, portal_patterns

    # The signed copy needs an accepted estimate: its exact count is in
    # tests/billing/test_estimate_signed_pdf.py (test_signed_copy_query_count).
    measured_elsewhere = {"estimate_signed_pdf"}
    names = {p.name for p in portal_patterns()} - PUBLIC - STAFF - TWO_STEP_STEPS
    names -= measured_elsewhere
    assert names <= set(EXPECTED), names - set(EXPECTED)
