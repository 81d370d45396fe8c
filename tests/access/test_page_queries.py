"""Exact query counts for the access pages; they do not grow with the customer's history."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.access.invoice_links import invoice_link_create
from doorstep.access.models import LinkPurpose, SessionScope
from doorstep.access.services import login_link_issue
from doorstep.notifications.send_time import resolve

from ..factories import make_invoice
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db
BASE = "https://portal.example.test"


@pytest.mark.parametrize("invoices", [1, 6])
def test_link_pages_query_counts(company, account, django_assert_num_queries, invoices):
    for _ in range(invoices):
        invoice = make_invoice(account.customer)
    for _ in range(invoices):
        login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN)
    sign_in_link = login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN).url
    # What the invoice email holds: the link is built at send time from this reference.
    invoice_link = resolve(invoice_link_create(invoice=invoice, account=account), company=company)
    client = Client()
    # The company with its settings, and its identity providers ("Sign in with …" buttons).
    with django_assert_num_queries(2):
        assert client.get(f"/p/{company.slug}/sign-in").status_code == 200
    # + the guessing limit for this IP + the link with its account and contact + the fetch
    # noted in the adoption ledger (one INSERT; docs/adoption.md)
    with django_assert_num_queries(4):
        assert client.get(sign_in_link.removeprefix(BASE)).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(invoice_link.removeprefix(BASE)).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(f"/p/{company.slug}/sign-in/code").status_code == 200


@pytest.mark.parametrize("invoices", [1, 6])
def test_invoice_scoped_page_query_count(company, account, django_assert_num_queries, invoices):
    for _ in range(invoices):
        invoice = make_invoice(account.customer)
    client = Client()
    sign_in(client, account, scope=SessionScope.INVOICE, invoice=invoice)
    # the session (+company and settings, account, contact), the invoice, its lines, its
    # payments, the first-viewed stamp, and on this first view the adoption ledger's open
    # (its history check + the INSERT): the same for 1 or 6 invoices (the real page, see
    # tests/portal).
    with django_assert_num_queries(7):
        assert client.get(f"/p/{company.slug}/invoices/{invoice.pk}/").status_code == 200
