from __future__ import annotations

import pytest

from ..factories import ContactFactory, CustomerFactory, make_invoice, make_job, staff_user
from .helpers import staff_client

pytestmark = pytest.mark.django_db


def rows(client, url):
    response = client.get(url)
    return response.context["cl"].result_list


def test_staff_find_invoices_by_number_name_or_email(company, other_company):
    pat = CustomerFactory(company=company, name="Pat Quinn")
    ContactFactory(customer=pat, email="pat.quinn@example.test")
    invoices = [make_invoice(pat), make_invoice(CustomerFactory(company=company))]
    make_invoice(CustomerFactory(company=other_company, name="Pat Quinn"))  # INV-0001 too
    client = staff_client(staff_user(company))
    for term in ("INV-0002", "0002", "2"):
        assert list(rows(client, f"/office/admin/billing/invoice/?q={term}")) == [invoices[1]]
    assert list(rows(client, "/office/admin/billing/invoice/?q=quinn")) == [invoices[0]]
    assert list(rows(client, "/office/admin/billing/invoice/?q=pat.quinn@example")) == [invoices[0]]


def test_staff_find_jobs_by_number(company):
    job = make_job(CustomerFactory(company=company))
    client = staff_client(staff_user(company))
    assert list(rows(client, "/office/admin/jobs/job/?q=JOB-0001")) == [job]
