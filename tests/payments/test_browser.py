"""End to end in Chromium: pay from the invoice link, read the receipt from the SMTP server."""

import time

import pytest
from django.conf import settings

from doorstep.access.models import SessionScope
from doorstep.access.portal_sessions import portal_cookie_path, portal_session_create
from doorstep.billing.models import CustomerStatus
from doorstep.payments.models import Payment, PaymentState
from doorstep.tenancy.time import company_today

from .helpers import invoice_for, make_payer, reload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_invoice_link(page, live_server, payer, invoice):
    """Sign the browser in the way the invoice email's link does (an invoice-scoped session)."""
    _, raw = portal_session_create(
        account=payer.account, scope=SessionScope.INVOICE, invoice=invoice
    )
    page.context.add_cookies(
        [
            {
                "name": settings.PORTAL_SESSION_COOKIE,
                "value": raw,
                "domain": "localhost",
                "path": portal_cookie_path(payer.company),
            }
        ]
    )
    page.goto(f"{live_server.url}/p/{payer.company.slug}/pay?invoice={invoice.pk}")


def wait_for_mail(mailbox, address, seconds=10):
    deadline = time.monotonic() + seconds
    while not mailbox.to(address) and time.monotonic() < deadline:
        time.sleep(0.1)
    return mailbox.to(address)


def test_pay_an_invoice_from_the_link_with_the_demo_provider(page, live_server, company, mailbox):
    payer = make_payer(company)
    invoice = invoice_for(payer, 18950)
    open_invoice_link(page, live_server, payer, invoice)
    assert page.get_by_role("heading", name=f"Pay {invoice.display_number}").is_visible()
    assert "Save this card" not in page.content()  # never through an invoice link
    page.fill("#demo-number", "4000 0000 0000 0341")
    page.fill("#demo-exp", "12 / 30")
    page.fill("#demo-cvc", "123")
    page.get_by_role("button", name="Pay $189.50").click()
    page.wait_for_selector("#pay-error")
    assert "Your card was declined." in page.inner_text("#pay-error")
    page.fill("#demo-number", "4242 4242 4242 4242")
    page.fill("#demo-exp", "12 / 30")
    page.fill("#demo-cvc", "123")
    page.get_by_role("button", name="Pay $189.50").click()
    page.wait_for_selector("text=Thank you — payment received")
    assert "Visa ending 4242" in page.content()
    assert reload(invoice).customer_status(company_today(company)) == CustomerStatus.PAID
    [receipt] = wait_for_mail(mailbox, payer.email)
    text = mailbox.text(receipt)
    assert "$189.50" in text and "Visa ending 4242" in text and invoice.display_number in text


def test_pay_an_invoice_from_the_link_with_stripe_js(
    page, live_server, company, mailbox, localstripe
):
    company.settings.payment_provider = "stripe"
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 5000)
    open_invoice_link(page, live_server, payer, invoice)
    page.wait_for_selector("#card-element input[placeholder=number]")
    page.fill("#card-element input[placeholder=number]", "4242424242424242")
    page.fill("#card-element input[placeholder=exp_month]", "12")
    page.fill("#card-element input[placeholder=exp_year]", "30")
    page.fill("#card-element input[placeholder=cvc]", "123")
    page.fill("#card-element input[placeholder=postal_code]", "12345")
    page.get_by_role("button", name="Pay $50.00").click()
    page.wait_for_selector("text=Thank you — payment received", timeout=15000)
    payment = Payment.objects.get()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.provider_reference.startswith("pi_")
    [receipt] = wait_for_mail(mailbox, payer.email)
    assert payment.provider_reference in mailbox.text(receipt)


def sign_in_full(page, payer):
    _, raw = portal_session_create(account=payer.account)
    page.context.add_cookies(
        [
            {
                "name": settings.PORTAL_SESSION_COOKIE,
                "value": raw,
                "domain": "localhost",
                "path": portal_cookie_path(payer.company),
            }
        ]
    )


def test_signed_in_customer_pays_two_invoices_with_3d_secure_and_saves_the_card(
    page, live_server, company, mailbox, localstripe
):
    company.settings.payment_provider = "stripe"
    company.settings.save()
    payer = make_payer(company)
    first, second = invoice_for(payer, 3000), invoice_for(payer, 4500)
    sign_in_full(page, payer)
    page.goto(f"{live_server.url}/p/{company.slug}/pay?invoice={first.pk}&invoice={second.pk}")
    page.wait_for_selector("#card-element input[placeholder=number]")
    page.fill("#card-element input[placeholder=number]", "4000002500003155")
    page.fill("#card-element input[placeholder=exp_month]", "12")
    page.fill("#card-element input[placeholder=exp_year]", "30")
    page.fill("#card-element input[placeholder=cvc]", "123")
    page.fill("#card-element input[placeholder=postal_code]", "12345")
    page.check("input[name=save_card]")
    page.get_by_role("button", name="Pay $75.00").click()
    # Stripe.js asks twice: once to set the card up, once for the payment itself.
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url("**/confirm")
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_selector("text=Thank you — payment received", timeout=15000)
    for invoice in (first, second):
        assert reload(invoice).customer_status(company_today(company)) == CustomerStatus.PAID
    page.goto(f"{live_server.url}/p/{company.slug}/payment-methods")
    assert "Visa ending 3155" in page.inner_text("main")
    [receipt] = wait_for_mail(mailbox, payer.email)
    text = mailbox.text(receipt)
    assert first.display_number in text and second.display_number in text and "$75.00" in text


def test_the_pay_button_shows_the_amount_like_the_page(page, live_server, company):
    payer = make_payer(company)
    invoice = invoice_for(payer, 105613)
    open_invoice_link(page, live_server, payer, invoice)
    assert page.get_by_role("button", name="Pay $1,056.13").is_visible()  # not "$1056.13"
