"""The company's words in the built-in emails: subject and opening words replaced, the
details and the pay button kept; placeholders filled from the email's own values."""

from __future__ import annotations

import pytest

from doorstep.access.invoice_sending import invoice_send
from doorstep.access.services import sign_in_link_send
from doorstep.core.audit import Actor
from doorstep.notifications.models import MessageTemplate

from ..access.conftest import new_account
from ..factories import ContactFactory, CustomerFactory, make_invoice

pytestmark = pytest.mark.django_db(transaction=True)
STAFF = Actor.system("tests")


def reword(company, event, subject, body):
    MessageTemplate.objects.create(
        company=company, event=event, email_subject=subject, email_body=body
    )


def test_invoice_email_in_the_company_voice_keeps_the_details_and_the_pay_link(company, mailbox):
    customer = CustomerFactory(company=company, name="Pat Smith")
    ContactFactory(customer=customer, email="pat@example.test")
    invoice = make_invoice(customer)
    reword(
        company,
        "invoice_sent",
        "Your bill {invoice_number} — thanks, {customer_name}!",
        "Howdy {customer_name}! {invoice_number} comes to {total}. {unknown}",
    )
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    [message] = mailbox.to("pat@example.test")
    number = invoice.display_number
    assert message["Subject"] == f"Your bill {number} — thanks, Pat!"
    text = mailbox.text(message)
    assert f"Howdy Pat! {number} comes to $" in text
    assert "{unknown}" in text  # not an allowed name: left exactly as written
    assert "Here is invoice" not in text
    assert "View and pay: https://portal.example.test/p/" in text
    assert "Howdy Pat!" in mailbox.html(message)


def test_without_a_rewording_the_built_in_text_stays(company, mailbox):
    customer = CustomerFactory(company=company, name="Pat Smith")
    ContactFactory(customer=customer, email="pat@example.test")
    invoice = make_invoice(customer)
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    [message] = mailbox.to("pat@example.test")
    assert message["Subject"].startswith(f"Invoice {invoice.display_number} from")
    assert "Here is invoice" in mailbox.text(message)


def test_sign_in_link_email_in_the_company_voice_still_carries_the_link(company, mailbox):
    account = new_account(company)
    reword(company, "sign_in_link", "Come on in, {customer_name}", "Your door to {company_name}.")
    sign_in_link_send(account=account, actor=Actor.portal("pat@example.test"))
    [message] = mailbox.to("pat@example.test")
    assert message["Subject"].startswith("Come on in")
    text = mailbox.text(message)
    assert f"Your door to {company.name}." in text
    assert f"/p/{company.slug}/l/" in text
