"""The receipt PDF: what it says (pypdf), who may have it (the receipt page's rules), which
payments have one, and where it is linked from (receipt page, history, email, office)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from doorstep.payments.models import Payment
from doorstep.payments.refunds import refund_create
from doorstep.payments.services import payment_record_manual

from ..factories import SYSTEM, ContactFactory, CustomerFactory, make_invoice, make_portal_account
from ..office.helpers import office_client
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db

# The gate's own, the payment, its allocations with their invoices, its refunds.
QUERIES = 5


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def paid(company, mailbox, django_capture_on_commit_callbacks):
    """A card payment of $1,000 on two invoices: the first paid in full, the second part."""
    company.address = "120 Canal Street\nSpringfield"
    company.save()
    customer = CustomerFactory(company=company, name="Dana Whitfield")
    contact = ContactFactory(customer=customer, email="dana@example.test")
    first = make_invoice(customer, lines=[("Tankless heater install", 60000, "1", "0")])
    second = make_invoice(customer, lines=[("Annual service", 80000, "1", "0")])
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_record_manual(
            company=company, invoice=first, amount=60000, method="card", actor=SYSTEM
        )
    Payment.objects.filter(pk=payment.pk).update(
        card_brand="visa", card_last4="4242", provider_reference="pi_3Nabc"
    )
    payment.refresh_from_db()
    client = Client()
    sign_in(client, make_portal_account(contact))
    return {
        "company": company,
        "customer": customer,
        "payment": payment,
        "invoices": (first, second),
        "client": client,
    }


def receipt_url(company, payment) -> str:
    return reverse("payments:receipt_pdf", args=[company.slug, payment.pk])


def test_receipt_pdf_says_what_was_paid_how_and_for_what(paid):
    company, payment = paid["company"], paid["payment"]
    response = paid["client"].get(receipt_url(company, payment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="Receipt-DS-{payment.pk}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    for expected in (
        company.name,
        "120 Canal Street",
        "RECEIPT",
        f"DS-{payment.pk}",
        "pi_3Nabc",
        "Dana Whitfield",
        "Visa ending 4242",
        "$600.00",
        paid["invoices"][0].display_number,
        "Paid in full",
        "Date paid",
    ):
        assert expected in text, expected
    assert "refund" not in text.lower()


def test_a_refund_is_told_in_plain_words_and_prints_a_fresh_file(paid):
    company, payment = paid["company"], paid["payment"]
    before = paid["client"].get(receipt_url(company, payment)).content
    refund_create(
        company=company, payment=payment, amount=15000, refund_application_fee=False, actor=SYSTEM
    )
    after = paid["client"].get(receipt_url(company, payment)).content
    text = pdf_text(after)
    assert after != before
    assert "$150.00 of this payment was given back to you on" in text
    assert "Refunded to you" in text and "$450.00" in text


def test_balance_now_of_a_partly_paid_invoice(paid, django_capture_on_commit_callbacks):
    company, second = paid["company"], paid["invoices"][1]
    with django_capture_on_commit_callbacks(execute=True):
        partial = payment_record_manual(
            company=company, invoice=second, amount=30000, method="check", actor=SYSTEM
        )
    text = pdf_text(paid["client"].get(receipt_url(company, partial)).content)
    assert second.display_number in text and "$300.00" in text and "$500.00" in text
    assert "Check" in text and "Paid in full" not in text


def test_only_a_payment_that_went_through_has_a_receipt_pdf(paid):
    company, payment = paid["company"], paid["payment"]
    for state in ("processing", "pending", "failed", "cancelled"):
        Payment.objects.filter(pk=payment.pk).update(state=state)
        response = paid["client"].get(receipt_url(company, payment))
        assert response.status_code == 404, state
        assert b"once the payment has gone through" in response.content, state
        page = paid["client"].get(reverse("payments:receipt", args=[company.slug, payment.pk]))
        assert receipt_url(company, payment) not in page.content.decode(), state


def test_another_customers_receipt_is_not_found(paid, other_company):
    company, payment = paid["company"], paid["payment"]
    stranger = Client()
    neighbour = CustomerFactory(company=company)
    sign_in(stranger, make_portal_account(ContactFactory(customer=neighbour)))
    assert stranger.get(receipt_url(company, payment)).status_code == 404
    outsider = Client()
    sign_in(
        outsider,
        make_portal_account(ContactFactory(customer=CustomerFactory(company=other_company))),
    )
    assert outsider.get(receipt_url(other_company, payment)).status_code == 404
    assert Client().get(receipt_url(company, payment)).status_code == 302  # sign in first


def test_receipt_pdf_queries_do_not_grow_with_refunds(paid, django_assert_num_queries):
    company, payment, client = paid["company"], paid["payment"], paid["client"]
    client.get(receipt_url(company, payment))  # warm: session and first render
    with django_assert_num_queries(QUERIES):
        assert client.get(receipt_url(company, payment)).status_code == 200
    for amount in (1000, 2000):
        refund_create(
            company=company,
            payment=payment,
            amount=amount,
            refund_application_fee=False,
            actor=SYSTEM,
        )
    with django_assert_num_queries(QUERIES):
        assert client.get(receipt_url(company, payment)).status_code == 200


def test_linked_from_receipt_page_history_and_email(paid, mailbox):
    company, payment, client = paid["company"], paid["payment"], paid["client"]
    url = receipt_url(company, payment)
    receipt_page = client.get(reverse("payments:receipt", args=[company.slug, payment.pk]))
    assert url in receipt_page.content.decode()
    history = client.get(reverse("portal:payments", args=[company.slug]))
    assert url in history.content.decode()
    [message] = mailbox.to("dana@example.test")
    assert url in message.get_body(("plain",)).get_content()
    assert url in message.get_body(("html",)).get_content()


def test_office_downloads_the_same_receipt(paid, other_company):
    company, payment = paid["company"], paid["payment"]
    portal_copy = paid["client"].get(receipt_url(company, payment)).content
    staff = office_client(Client(), company, role="owner")
    url = reverse("office:payments:receipt_pdf", args=[payment.pk])
    assert url in staff.get(reverse("office:payments:list")).content.decode()
    response = staff.get(url)
    assert response.status_code == 200 and response.content == portal_copy
    elsewhere = office_client(Client(), other_company, role="owner")
    assert elsewhere.get(url).status_code == 404
