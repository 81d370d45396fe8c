"""`manage.py bench_office` runs every office page it times and holds them to the query
budget (issue 11: at most 15 per page)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ..factories import ContactFactory, CustomerFactory, make_invoice, make_job

pytestmark = pytest.mark.django_db


def test_bench_office_times_every_page_within_the_query_budget(company):
    customer = CustomerFactory(company=company, name="Pat Bench")
    ContactFactory(customer=customer, email="pat@bench.test", phone="+15550100123")
    for _ in range(3):
        make_invoice(customer)
    make_job(customer)
    out = StringIO()
    call_command("bench_office", requests=2, warmup=0, queries_only=True, stdout=out)
    text = out.getvalue()
    for page in (
        "Office home",
        "Invoice page (newest)",
        "Jobs board",
        "Help desk queue",
        "Portal adoption: 12 months",
    ):
        assert page in text
    assert "Over target" not in text
