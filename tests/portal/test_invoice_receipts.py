"""An invoice-link session sees the receipts of payments made on its invoice (and only those
the receipt page lets it open: a payment that also paid another invoice stays hidden)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from doorstep.access.models import SessionScope
from doorstep.core.audit import Actor
from doorstep.payments.models import Payment, PaymentAllocation, PaymentMethod, PaymentState
from doorstep.payments.services import payment_record_manual

from ..factories import ContactFactory, CustomerFactory, make_invoice, make_portal_account
from ..portal_helpers import sign_in
from .test_query_counts import EXPECTED

pytestmark = pytest.mark.django_db
OFFICE = Actor.system("Office")


def pay_together(invoices: list[Any]) -> Payment:
    """One card payment spread over several invoices ("Pay selected")."""
    first = invoices[0]
    payment = Payment.objects.create(
        company=first.company,
        customer_id=first.customer_id,
        amount=100 * len(invoices),
        currency=first.currency,
        method=PaymentMethod.CARD,
        state=PaymentState.SUCCEEDED,
        provider="demo",
        provider_reference=f"demo_together_{first.pk}",
    )
    for invoice in invoices:
        PaymentAllocation.objects.create(
            company=first.company, payment=payment, invoice=invoice, amount=100
        )
    return payment


@pytest.fixture
def link_session(company: Any) -> dict[str, Any]:
    customer = CustomerFactory(company=company)
    account = make_portal_account(ContactFactory(customer=customer))
    invoice, other = make_invoice(customer), make_invoice(customer)
    client = Client()
    sign_in(client, account, scope=SessionScope.INVOICE, invoice=invoice)
    return {"client": client, "invoice": invoice, "other": other, "account": account}


def test_invoice_link_session_sees_and_opens_its_own_receipts(company, link_session):
    client, invoice = link_session["client"], link_session["invoice"]
    own = payment_record_manual(
        company=company, invoice=invoice, amount=500, method=PaymentMethod.CHECK, actor=OFFICE
    )
    shared = pay_together([invoice, link_session["other"]])
    page = client.get(f"/p/{company.slug}/invoices/{invoice.pk}/").content.decode()
    own_url = f"/p/{company.slug}/payments/{own.pk}/receipt"
    shared_url = f"/p/{company.slug}/payments/{shared.pk}/receipt"
    assert own_url in page and shared_url not in page
    receipt = client.get(own_url)
    assert receipt.status_code == 200 and invoice.display_number in receipt.content.decode()
    back = f'href="/p/{company.slug}/invoices/{invoice.pk}/">Back to invoice'
    assert back in receipt.content.decode()  # the way back for a session without the nav
    assert client.get(shared_url).status_code == 404  # why the link is not offered

    full = Client()
    sign_in(full, link_session["account"])
    page = full.get(f"/p/{company.slug}/invoices/{invoice.pk}/").content.decode()
    assert own_url in page and shared_url in page


@pytest.mark.parametrize("payments", [1, 5])
def test_the_invoice_page_query_count_does_not_grow_with_payments(
    company, link_session, django_assert_num_queries, payments
):
    invoice = link_session["invoice"]
    for _ in range(payments):
        payment_record_manual(
            company=company, invoice=invoice, amount=100, method=PaymentMethod.CASH, actor=OFFICE
        )
    pay_together([invoice, link_session["other"]])
    with django_assert_num_queries(EXPECTED["invoice_detail"]):
        response = link_session["client"].get(f"/p/{company.slug}/invoices/{invoice.pk}/")
    assert response.content.decode().count("/receipt") == payments
