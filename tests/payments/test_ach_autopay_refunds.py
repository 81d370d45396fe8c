"""Bank payments (pending until the bank answers), saved cards, autopay, refunds (demo)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from doorstep.access.invoice_sending import invoice_send
from doorstep.billing.models import CustomerStatus, InvoiceKind
from doorstep.core.audit import Actor
from doorstep.payments.models import (
    AutopayConsent,
    Payment,
    PaymentSource,
    PaymentState,
    Refund,
    SavedPaymentMethod,
)
from doorstep.payments.reconciliation import payments_reconcile
from doorstep.payments.tasks import autopay_after_invoice_sent
from doorstep.tenancy.time import company_today

from ..factories import staff_user
from .helpers import invoice_for, make_payer, pay, post_form, reload, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def status(invoice):
    return reload(invoice).customer_status(company_today(invoice.company))


@pytest.fixture
def ach_company(company):
    company.settings.ach_enabled = True
    company.settings.save()
    return company


def test_ach_is_pending_until_the_bank_confirms(ach_company, mailbox):
    payer = make_payer(ach_company)
    invoice = invoice_for(payer, 30000)
    response = pay(
        signed_in(payer),
        ach_company,
        [invoice],
        method_choice="ach",
        payment_method="pm_demo_bank_6789",
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.state == PaymentState.PROCESSING
    assert status(invoice) == CustomerStatus.PAYMENT_PENDING
    assert reload(invoice).amount_pending == 30000 and invoice.balance_due == 30000
    [pending] = mailbox.to(payer.email)
    assert "Payment pending" in pending["Subject"]
    assert "4 business days" in mailbox.text(pending)
    assert "Bank account ending 6789" in mailbox.text(pending)
    assert payments_reconcile()["changed"] == 0  # the bank has not answered yet
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert payments_reconcile()["changed"] == 1
    assert reload(payment).state == PaymentState.SUCCEEDED
    assert status(invoice) == CustomerStatus.PAID and invoice.amount_pending == 0
    assert "Receipt" in mailbox.to(payer.email)[-1]["Subject"]


def test_ach_failure_reopens_the_invoice_and_tells_customer_and_billing(ach_company, mailbox):
    payer = make_payer(ach_company)
    invoice = invoice_for(payer, 30000)
    pay(
        signed_in(payer),
        ach_company,
        [invoice],
        method_choice="ach",
        payment_method="pm_demo_bank_1116",
    )
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        payments_reconcile()
    assert Payment.objects.get().state == PaymentState.FAILED
    assert status(invoice) == CustomerStatus.UNPAID and invoice.amount_pending == 0
    customer_mail = mailbox.to(payer.email)[-1]
    assert "did not go through" in customer_mail["Subject"]
    # A fresh invoice link: the customer can pay again without signing in.
    assert f"/p/{ach_company.slug}/i/" in mailbox.text(customer_mail)
    assert "Bank payment failed" in mailbox.to(ach_company.billing_email)[-1]["Subject"]


def test_ach_not_offered_unless_enabled(company):
    payer = make_payer(company)
    invoice = invoice_for(payer)
    page = signed_in(payer).get(f"/p/{company.slug}/pay?invoice={invoice.pk}")
    assert "Bank account (ACH)" not in page.content.decode()
    response = pay(
        signed_in(payer),
        company,
        [invoice],
        method_choice="ach",
        payment_method="pm_demo_bank_6789",
    )
    assert response.status_code == 400 and not Payment.objects.exists()


def save_card(payer, invoice, method="pm_demo_visa_4242_12_30"):
    client = signed_in(payer)
    pay(client, payer.company, [invoice], payment_method=method, save_card="on")
    return client


def test_saving_a_card_records_consent_and_it_can_be_removed(company):
    payer = make_payer(company)
    client = save_card(payer, invoice_for(payer))
    card = SavedPaymentMethod.objects.get()
    assert (card.brand, card.last4, card.expiry) == ("visa", "4242", "12/30")
    assert "Save this card" in card.consent_text and card.consent_ip == "127.0.0.1"
    page = client.get(f"/p/{company.slug}/payment-methods").content.decode()
    assert "Visa ending 4242" in page and "12/30" in page
    # Next time the saved card is offered and pays.
    second = invoice_for(payer)
    assert (
        "Visa ending 4242"
        in client.get(f"/p/{company.slug}/pay?invoice={second.pk}").content.decode()
    )
    pay(client, company, [second], method_choice="saved", saved_method=card.pk)
    assert status(second) == CustomerStatus.PAID
    response = post_form(
        client,
        f"/p/{company.slug}/payment-methods/{card.pk}/remove",
        {},
        page=f"/p/{company.slug}/payment-methods",
    )
    assert response.status_code == 302 and reload(card).removed_at is not None
    assert (
        "Visa ending 4242" not in client.get(f"/p/{company.slug}/payment-methods").content.decode()
    )


def test_unticked_box_saves_nothing(company):
    payer = make_payer(company)
    pay(signed_in(payer), company, [invoice_for(payer)], payment_method="pm_demo_visa_4242_12_30")
    assert not SavedPaymentMethod.objects.exists()


def turn_on_autopay(client, payer):
    card = SavedPaymentMethod.objects.get(customer=payer.customer)
    url = f"/p/{payer.company.slug}/payment-methods/autopay"
    return post_form(
        client,
        url,
        {"saved_method": card.pk, "consent": "yes"},
        page=f"/p/{payer.company.slug}/payment-methods",
    )


def test_autopay_charges_the_saved_card_once_when_the_invoice_is_sent(company, mailbox):
    payer = make_payer(company)
    client = save_card(payer, invoice_for(payer))
    assert turn_on_autopay(client, payer).status_code == 302
    consent = AutopayConsent.objects.get()
    assert "automatically" in consent.consent_text and consent.consent_ip == "127.0.0.1"
    invoice = invoice_for(payer, 8000)
    mailbox.clear()
    autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=company.pk)
    autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=company.pk)  # resent
    payment = Payment.objects.get(source=PaymentSource.AUTOPAY)
    assert payment.state == PaymentState.SUCCEEDED and payment.amount == 8000
    assert status(invoice) == CustomerStatus.PAID
    assert len(mailbox.to(payer.email)) == 1  # one receipt


def test_sending_the_invoice_email_asks_autopay_after_commit(company, mailbox):
    """The wiring: access.invoice_sending.invoice_send hands the sent invoice to autopay once
    the email is committed; a resend charges nothing more."""
    payer = make_payer(company)
    client = save_card(payer, invoice_for(payer))
    turn_on_autopay(client, payer)
    invoice = invoice_for(payer, 6500, open_=False)
    invoice_send(company=company, invoice=invoice, actor=Actor.system("Office"))
    payment = Payment.objects.get(source=PaymentSource.AUTOPAY)
    assert payment.state == PaymentState.SUCCEEDED and payment.amount == 6500
    assert payment.allocations.get().invoice_id == invoice.pk
    assert status(invoice) == CustomerStatus.PAID
    invoice_send(company=company, invoice=invoice, actor=Actor.system("Office"))
    assert Payment.objects.filter(source=PaymentSource.AUTOPAY).count() == 1


def test_autopay_invoice_email_says_the_saved_card_will_be_charged_then_the_receipt_says_it_was(
    company, mailbox
):
    payer = make_payer(company)
    client = save_card(payer, invoice_for(payer))
    turn_on_autopay(client, payer)
    invoice = invoice_for(payer, 6500, open_=False)
    mailbox.clear()
    with time_machine.travel(datetime(2026, 3, 9, 15, 0, tzinfo=UTC)):
        invoice_send(company=company, invoice=invoice, actor=Actor.system("Office"))
    sent, receipt = mailbox.to(payer.email)
    text = mailbox.text(sent)
    assert "we will charge $65.00 to your saved Visa ending 4242 on March 9, 2026" in text
    assert "View and pay" not in text and "Balance due" not in text
    assert "View and pay" not in mailbox.html(sent)
    assert "Autopay charged your saved Visa ending 4242" in mailbox.text(receipt)
    payment = Payment.objects.get(source=PaymentSource.AUTOPAY)
    page = client.get(f"/p/{company.slug}/payments/{payment.pk}/receipt").content.decode()
    assert "Autopay charged your saved Visa ending 4242" in page


def test_without_autopay_the_invoice_email_asks_to_view_and_pay(company, mailbox):
    payer = make_payer(company)
    save_card(payer, invoice_for(payer))  # a saved card alone is not autopay
    invoice = invoice_for(payer, 6500, open_=False)
    mailbox.clear()
    invoice_send(company=company, invoice=invoice, actor=Actor.system("Office"))
    [sent] = mailbox.to(payer.email)
    assert "View and pay" in mailbox.text(sent) and "Autopay" not in mailbox.text(sent)


def test_a_recorded_check_payment_emails_the_receipt_the_portal_lists(company, mailbox):
    from doorstep.payments.services import payment_record_manual

    payer = make_payer(company)
    invoice = invoice_for(payer, 4000)
    mailbox.clear()
    payment = payment_record_manual(
        company=company, invoice=invoice, amount=4000, method="check", actor=Actor.system("Office")
    )
    [receipt] = mailbox.to(payer.email)
    text = mailbox.text(receipt)
    assert "Thank you for your payment" in text and "$40.00" in text and "Check" in text
    assert "Autopay" not in text
    client = signed_in(payer)
    assert (
        f"/payments/{payment.pk}/receipt"
        in client.get(f"/p/{company.slug}/payments/").content.decode()
    )
    page = client.get(f"/p/{company.slug}/payments/{payment.pk}/receipt").content.decode()
    assert "payment received" in page and "$40.00" in page and "Check" in page


def test_autopay_limited_to_chosen_invoice_kinds(company):
    company.settings.autopay_invoice_kinds = [InvoiceKind.SERVICE_AGREEMENT]
    company.settings.save()
    payer = make_payer(company)
    client = save_card(payer, invoice_for(payer))
    turn_on_autopay(client, payer)
    standard = invoice_for(payer)
    agreement = invoice_for(payer, kind=InvoiceKind.SERVICE_AGREEMENT)
    for invoice in (standard, agreement):
        autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=company.pk)
    assert status(standard) == CustomerStatus.UNPAID
    assert status(agreement) == CustomerStatus.PAID


def test_autopay_needing_authentication_marks_action_needed_without_retry(company, mailbox):
    payer = make_payer(company)
    first = invoice_for(payer)
    client = signed_in(payer)
    pay(client, company, [first], payment_method="pm_demo_visa_3155_12_30", save_card="on")
    post_form(
        client,
        f"/p/{company.slug}/payments/{Payment.objects.get().pk}/confirm",
        {"decision": "approve"},
    )
    turn_on_autopay(client, payer)
    invoice = invoice_for(payer)
    mailbox.clear()
    autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=company.pk)
    payment = Payment.objects.get(source=PaymentSource.AUTOPAY)
    assert payment.state == PaymentState.FAILED
    assert payment.failure_code == "authentication_required"
    assert reload(invoice).action_needed and status(invoice) == CustomerStatus.UNPAID
    customer_mail = mailbox.to(payer.email)[0]
    assert "Action needed" in customer_mail["Subject"]
    # The customer's email carries an invoice link: it opens that invoice with no sign-in.
    link = re.search(
        rf"https://portal\.example\.test(/p/{company.slug}/i/\S+)", mailbox.text(customer_mail)
    ).group(1)
    fresh_browser = Client()
    assert "View and pay" in fresh_browser.get(link).content.decode()
    assert fresh_browser.post(link)["Location"].endswith(f"/invoices/{invoice.pk}/")
    billing_mail = mailbox.to(company.billing_email)[0]
    assert "Autopay failed" in billing_mail["Subject"]
    assert "/i/" not in mailbox.text(billing_mail)  # no customer credential to the office
    autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=company.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        payments_reconcile()
    assert Payment.objects.filter(source=PaymentSource.AUTOPAY).count() == 1  # no blind retry
    # The customer pays by hand; "action needed" clears.
    pay(client, company, [invoice], payment_method="pm_demo_visa_4242_12_30")
    assert not reload(invoice).action_needed and status(invoice) == CustomerStatus.PAID


def test_autopay_needs_consent(company):
    payer = make_payer(company)
    save_card(payer, invoice_for(payer))
    invoice = invoice_for(payer)
    autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=company.pk)
    assert not Payment.objects.filter(source=PaymentSource.AUTOPAY).exists()


def staff_client(company):
    user = staff_user(company)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_partial_then_full_refund_from_the_back_office(company, mailbox):
    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    pay(signed_in(payer), company, [invoice], payment_method="pm_demo_visa_4242_12_30")
    payment = Payment.objects.get()
    office = staff_client(company)
    url = f"/office/admin/payments/payment/{payment.pk}/refund/"
    page = office.get(url)
    assert page.status_code == 200 and "$100.00" in page.content.decode()
    response = post_form(office, url, {"amount": "30.00", "refund_application_fee": "no"})
    assert response.status_code == 302
    assert reload(invoice).balance_due == 3000
    assert status(invoice) == CustomerStatus.PARTIALLY_PAID
    refund_mail = mailbox.to(payer.email)[-1]
    assert "Refund of $30.00" in refund_mail["Subject"]
    too_much = post_form(office, url, {"amount": "70.01", "refund_application_fee": "no"})
    assert too_much.status_code == 400 and "At most $70.00" in too_much.content.decode()
    post_form(office, url, {"amount": "70.00", "refund_application_fee": "yes"})
    assert reload(payment).amount_refunded == 10000
    assert status(invoice) == CustomerStatus.UNPAID
    assert list(Refund.objects.order_by("id").values_list("refund_application_fee", flat=True)) == [
        False,
        True,
    ]
    assert (
        "Nothing left to refund"
        in office.get(f"/office/admin/payments/payment/{payment.pk}/change/").content.decode()
    )


def test_staff_of_another_company_cannot_refund(company, other_company):
    payer = make_payer(company)
    pay(signed_in(payer), company, [invoice_for(payer)], payment_method="pm_demo_visa_4242_12_30")
    payment = Payment.objects.get()
    office = staff_client(other_company)
    assert office.get(f"/office/admin/payments/payment/{payment.pk}/refund/").status_code == 404


def test_autopay_with_an_expired_card_asks_the_customer_to_pay(company, mailbox):
    payer = make_payer(company)
    client = save_card(payer, invoice_for(payer), method="pm_demo_visa_4242_01_27")
    turn_on_autopay(client, payer)
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=UTC)):
        invoice = invoice_for(payer)
        autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=company.pk)
    payment = Payment.objects.get(source=PaymentSource.AUTOPAY)
    assert payment.state == PaymentState.FAILED and payment.failure_code == "expired_card"
    assert reload(invoice).action_needed
    assert "Your card has expired." in mailbox.text(mailbox.to(payer.email)[-1])


def test_demo_bank_payment_needs_the_account_details(ach_company):
    payer = make_payer(ach_company)
    invoice = invoice_for(payer)
    response = pay(signed_in(payer), ach_company, [invoice], method_choice="ach")
    assert response.status_code == 400 and "bank account details" in response.content.decode()
    assert not Payment.objects.exists()


def test_technicians_cannot_refund_and_invoice_admin_pieces_link_to_refunds(company):
    from doorstep.backoffice.invoice_payments import invoice_refund_links

    payer = make_payer(company)
    invoice = invoice_for(payer)
    assert invoice_refund_links(None, invoice) == "No online payments to refund."
    pay(signed_in(payer), company, [invoice], payment_method="pm_demo_visa_4242_12_30")
    payment = Payment.objects.get()
    assert f"/office/admin/payments/payment/{payment.pk}/refund/" in invoice_refund_links(
        None, invoice
    )
    technician = Client(enforce_csrf_checks=True)
    technician.force_login(staff_user(company, role="technician"))
    assert technician.get(f"/office/admin/payments/payment/{payment.pk}/refund/").status_code == 403
    assert technician.get("/office/admin/payments/payment/").status_code == 403
