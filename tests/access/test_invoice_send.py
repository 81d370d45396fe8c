"""Sending invoices: the email, the account it provisions, and the one-invoice link."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from doorstep.access.invoice_links import invoice_links_revoke
from doorstep.access.invoice_sending import invoice_send
from doorstep.access.models import PortalAccount, PortalSession, SessionScope
from doorstep.billing.models import Invoice, InvoiceState
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.models import AuditEvent
from doorstep.notifications.models import Notification

from ..factories import ContactFactory, CustomerFactory, make_invoice
from .conftest import csrf_post, link_in, portal_cookie

pytestmark = pytest.mark.django_db(transaction=True)
STAFF = Actor.system("Office")


@pytest.fixture
def customer(company):
    customer = CustomerFactory(company=company, name="Pat Smith")
    ContactFactory(customer=customer, email="Pat@Example.test")
    return customer


def test_first_send_opens_the_invoice_provisions_the_account_and_emails(company, customer, mailbox):
    invoice = make_invoice(customer, open_=False, lines=[("Drain cleaning", 20000, "1", "0")])
    assert invoice.state == InvoiceState.DRAFT and not PortalAccount.objects.exists()
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.OPEN and invoice.sent_at
    account = PortalAccount.objects.get()
    assert account.email == "pat@example.test" and account.customer == customer
    [message] = mailbox.to("pat@example.test")
    text = mailbox.text(message)
    assert invoice.display_number in message["Subject"]
    for words in [invoice.display_number, "$200.00", "Balance due", "Due date", "View and pay"]:
        assert words in text
    assert (
        f"See all your invoices and jobs: https://portal.example.test/p/{company.slug}/sign-in"
        in text
    )
    assert link_in(mailbox, message).startswith(f"/p/{company.slug}/i/")
    assert company.accent_color in mailbox.html(message)
    # Autopay is asked after commit: tests/payments/test_ach_autopay_refunds.py
    # test_sending_the_invoice_email_asks_autopay_after_commit.
    assert AuditEvent.objects.filter(verb="invoice.sent", target_id=invoice.pk).exists()
    assert Notification.objects.get().context["invoice_url"] == "(sent)"


def test_customer_without_email_gets_a_clear_message_and_nothing_changes(company, mailbox):
    customer = CustomerFactory(company=company, name="Pat Smith")
    ContactFactory(customer=customer, email="")
    invoice = make_invoice(customer, open_=False)
    with pytest.raises(DomainError) as error:
        invoice_send(company=company, invoice=invoice, actor=STAFF)
    assert error.value.message == "Pat Smith has no email address; add one on the customer's page."
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT and invoice.sent_at is None
    assert not PortalAccount.objects.exists() and not Notification.objects.exists()
    assert mailbox.messages == []


def test_empty_and_void_invoices_are_refused(company, customer):
    empty = make_invoice(customer, open_=False, lines=[])
    with pytest.raises(DomainError, match="no lines"):
        invoice_send(company=company, invoice=empty, actor=STAFF)
    assert not PortalAccount.objects.exists()


def test_resending_an_overdue_invoice_sends_a_fresh_email(company, customer, mailbox):
    invoice = make_invoice(customer)
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    first = link_in(mailbox, mailbox.messages[-1])
    with time_machine.travel(timezone.now() + timedelta(days=20)):
        invoice_send(company=company, invoices=[invoice], actor=STAFF)
        message = mailbox.messages[-1]
        assert "overdue" in message["Subject"].lower()
        second = link_in(mailbox, message)
        assert second != first
        assert csrf_post(Client(enforce_csrf_checks=True), second).status_code == 302
    assert AuditEvent.objects.filter(verb="invoice.resent", target_id=invoice.pk).exists()
    assert len(mailbox.messages) == 2


def test_invoice_link_opens_that_invoice_only(company, customer, mailbox):
    invoice = make_invoice(customer)
    other_invoice = make_invoice(customer)
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    path = link_in(mailbox, mailbox.messages[-1])
    scanner = Client()
    page = scanner.get(path)
    assert page.status_code == 200 and page["Referrer-Policy"] == "strict-origin"
    # The page says what Continue opens (the email said as much) but opening it changes
    # nothing: no session, no "viewed" mark.
    text = page.content.decode()
    assert f"Invoice {invoice.display_number}" in text and "View and pay $135.31" in text
    assert portal_cookie(scanner) is None
    assert reload_invoice(invoice).last_viewed_at is None

    browser = Client(enforce_csrf_checks=True)
    response = csrf_post(browser, path)
    assert response.status_code == 302
    assert response["Location"] == f"/p/{company.slug}/invoices/{invoice.pk}/"
    assert PortalSession.objects.get().scope == SessionScope.INVOICE
    detail = browser.get(response["Location"])
    assert detail.status_code == 200 and invoice.display_number in detail.content.decode()
    assert browser.get(f"/p/{company.slug}/invoices/{other_invoice.pk}/").status_code == 404
    assert browser.get(f"/p/{company.slug}/").status_code == 302  # the rest needs a sign-in
    # Reusable: the customer may come back to pay later, and is told when they last looked.
    assert csrf_post(Client(enforce_csrf_checks=True), path).status_code == 302
    assert "You last viewed this invoice on" in Client().get(path).content.decode()


def test_invoice_link_closes_30_days_after_payment(company, customer, mailbox):
    invoice = make_invoice(customer)
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    path = link_in(mailbox, mailbox.messages[-1])
    paid_at = timezone.now()
    Invoice.objects.filter(pk=invoice.pk).update(
        amount_paid=invoice.total, balance_due=0, paid_at=paid_at
    )
    with time_machine.travel(paid_at + timedelta(days=29)):
        assert csrf_post(Client(enforce_csrf_checks=True), path).status_code == 302
    with time_machine.travel(paid_at + timedelta(days=31)):
        response = csrf_post(Client(enforce_csrf_checks=True), path)
        assert response.status_code == 410
        assert "Email me a fresh link" in response.content.decode()


def test_staff_can_revoke_invoice_links(company, customer, mailbox):
    invoice = make_invoice(customer)
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    path = link_in(mailbox, mailbox.messages[-1])
    opened = Client(enforce_csrf_checks=True)
    csrf_post(opened, path)
    assert invoice_links_revoke(company=company, invoice=invoice, actor=STAFF) == 1
    assert opened.get(f"/p/{company.slug}/invoices/{invoice.pk}/").status_code == 302
    response = csrf_post(Client(enforce_csrf_checks=True), path)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert AuditEvent.objects.filter(verb="access.denied", data__reason="revoked").exists()


def test_invoice_link_of_another_company_fails(company, other_company, customer, mailbox):
    invoice = make_invoice(customer)
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    path = link_in(mailbox, mailbox.messages[-1]).replace(company.slug, other_company.slug)
    assert csrf_post(Client(enforce_csrf_checks=True), path).status_code == 404
    assert not PortalSession.objects.exists()


def test_send_many_at_once(company, customer, mailbox):
    invoices = [make_invoice(customer, open_=False) for _ in range(3)]
    sent = invoice_send(company=company, invoices=invoices, actor=STAFF)
    assert len(sent) == 3 and len(mailbox.messages) == 3
    assert PortalAccount.objects.count() == 1


def test_a_back_dated_invoice_is_first_sent_as_an_invoice_then_reminded(company, customer, mailbox):
    from doorstep.tenancy.time import company_today

    today = company_today(company)
    invoice = make_invoice(
        customer,
        open_=False,
        issue_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10),
    )
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    [first] = mailbox.to("pat@example.test")
    assert first["Subject"].strip() == f"Invoice {invoice.display_number} from {company.name}"
    assert "It was due on" in mailbox.text(first)  # the date is said, not "Reminder"
    invoice_send(company=company, invoice=invoice, actor=STAFF)
    second = mailbox.to("pat@example.test")[-1]
    assert second["Subject"].startswith(f"Reminder: invoice {invoice.display_number}")


def reload_invoice(invoice: Invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)
