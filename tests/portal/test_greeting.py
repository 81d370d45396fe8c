"""A business customer is greeted by its contact's first name, in the portal and in every
email (issue 17, item 4): "Hello Zoë", never "Hello Zoë O'Brien & Sons Plumbing 🚰"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.access.invoice_sending import invoice_send
from doorstep.core.audit import Actor
from doorstep.notifications.customer_notices import customer_notify
from doorstep.payments.services import payment_record_manual

from ..factories import ContactFactory, CustomerFactory, make_invoice, make_portal_account
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
STAFF = Actor.system("Office")
BUSINESS = "Zoë O'Brien & Sons Plumbing 🚰"


@pytest.fixture
def business(company):
    customer = CustomerFactory(company=company, kind="business", name=BUSINESS)
    contact = ContactFactory(customer=customer, name="Zoë Quinn", email="zoe@obrien.test")
    return customer, contact


def test_portal_home_greets_the_business_contact_by_first_name(company, business):
    _, contact = business
    client = Client()
    sign_in(client, make_portal_account(contact))
    page = client.get(reverse("portal:home", args=[company.slug])).content.decode()
    assert "<h1>Hello, Zoë</h1>" in page
    assert "Hello, Zoë O&#x27;Brien" not in page


def test_invoice_email_and_receipt_greet_the_contact(company, business, mailbox):
    customer, _ = business
    invoice = make_invoice(customer, open_=False, lines=[("Leak repair", 12000, "1", "0")])
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    [sent] = mailbox.to("zoe@obrien.test")
    assert "Hello Zoë," in mailbox.text(sent)
    assert "Sons Plumbing" not in mailbox.text(sent).split("\n")[0]
    mailbox.clear()
    payment_record_manual(
        company=company, invoice=invoice, amount=12000, method="check", actor=STAFF
    )
    [receipt] = mailbox.to("zoe@obrien.test")
    assert "Thank you for your payment, Zoë." in mailbox.text(receipt)


def test_notices_greet_the_contact(company, business, mailbox):
    customer, _ = business
    customer_notify(
        company=company,
        customer=customer,
        event="document_shared",
        values={"document_title": "Warranty", "documents_url": "https://x.test/d"},
    )
    [notice] = mailbox.to("zoe@obrien.test")
    assert "Hi Zoë," in mailbox.text(notice)


def test_a_person_is_still_greeted_by_their_own_first_name(company, mailbox):
    customer = CustomerFactory(company=company, name="Pat Smith")
    ContactFactory(customer=customer, name="Robin Smith", email="pat@example.test")
    invoice = make_invoice(customer, open_=False, lines=[("Drain cleaning", 20000, "1", "0")])
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    [sent] = mailbox.to("pat@example.test")
    assert "Hello Pat," in mailbox.text(sent)


def test_a_business_whose_contact_has_no_name_is_greeted_by_its_name(company):
    customer = CustomerFactory(company=company, kind="business", name="Acme Offices")
    contact = ContactFactory(customer=customer, name="", email="ap@acme.test")
    assert customer.greeting_name(contact) == "Acme Offices"
