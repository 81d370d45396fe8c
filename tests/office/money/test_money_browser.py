"""An office manager's money day in real Chromium: write an invoice with two lines (the totals
follow the typing), send it and read the email, record a check (receipt email), refund part of
a card payment through the confirmation. Every page passes axe-core (no serious or critical
violation) and scrolls no page sideways at 1,280 and 768 px. Screenshots go to
var/screenshots/office-money/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from doorstep.billing.models import Invoice
from doorstep.payments.models import Payment

from ...browser import chromium_available
from ...factories import LocationFactory, make_estimate
from ...payments.helpers import invoice_for, make_payer, pay, reload, signed_in
from ..helpers import assert_no_serious_axe, horizontal_overflow, office_client, share_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "office-money"


def check(page, name: str) -> None:
    """axe-core and no sideways scroll at 1,280 and 768 px, with a screenshot of each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_axe(page)
        assert horizontal_overflow(page) == 0, (name, width)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_office_managers_money_day(page, live_server, company, mailbox):
    company.settings.platform_fee_basis_points = 150
    company.settings.save()
    payer = make_payer(company)  # a customer with a portal account who paid by card
    card_invoice = invoice_for(payer, 20000)
    pay(signed_in(payer), company, [card_invoice], payment_method="pm_demo_visa_4242_12_30")
    make_estimate(payer.customer, title="New water heater")
    LocationFactory(customer=payer.customer)
    staff = office_client(Client(), company, "owner")
    share_session(page, staff, live_server.url)
    base = live_server.url

    # 1. A new invoice with two lines; the totals follow the typing (server-computed).
    page.goto(f"{base}/office/invoices/")
    check(page, "invoice-list")
    page.get_by_role("link", name="New invoice").click()
    page.get_by_label("Find a customer").fill(payer.customer.name.split()[0])
    page.get_by_role("button", name="Find").click()
    page.get_by_label(payer.customer.name).check()
    page.get_by_label("Description, line 1").fill("Labour")
    page.get_by_label("Quantity, line 1").fill("1.5")
    page.get_by_label("Unit price, line 1").fill("$90.00")
    page.get_by_label("Tax rate (%), line 1").fill("0")
    page.get_by_label("Description, line 2").fill("Pressure valve")
    page.get_by_label("Quantity, line 2").fill("2")
    page.get_by_label("Unit price, line 2").fill("22.25")
    page.get_by_label("Tax rate (%), line 2").fill("8.25")
    # 135.00 + 44.50 + tax 3.67 (44.50 x 8.25 % = 3.67125, rounded half-up per line)
    total = page.locator("[data-total]")
    total.get_by_text("$183.17").wait_for()
    check(page, "invoice-new")
    page.get_by_role("button", name="Save invoice").click()
    page.get_by_role("heading", name=re.compile("Invoice INV-")).wait_for()
    invoice = Invoice.objects.exclude(pk=card_invoice.pk).get()
    assert invoice.total == 18317
    check(page, "invoice-draft")

    # 2. Send it, and the customer's email has the "View and pay" link.
    mailbox.clear()
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text(f"{invoice.display_number} sent to").wait_for()
    (email,) = mailbox.to(payer.email)
    assert invoice.display_number in email["Subject"] and "$183.17" in mailbox.text(email)
    assert f"/p/{company.slug}/i/" in mailbox.text(email)

    # 3. Record a check: the customer is emailed a receipt. A bad amount first.
    page.get_by_role("link", name="Record payment").click()
    page.get_by_label("Amount received").fill("1,00")
    page.get_by_label("Check").check()
    page.get_by_role("button", name="Record payment").click()
    page.get_by_text("Write the amount like 1,234.56").wait_for()
    check(page, "record-payment-error")
    page.get_by_label("Amount received").fill("$100.00")
    page.get_by_label("Note").fill("Check 1043")
    mailbox.clear()
    page.get_by_role("button", name="Record payment").click()
    page.get_by_text("The customer was emailed a receipt.").wait_for()
    (receipt,) = mailbox.to(payer.email)
    assert "$100.00" in mailbox.text(receipt) and "Check" in mailbox.text(receipt)
    assert reload(invoice).balance_due == 8317
    check(page, "invoice-partly-paid")

    # 4. Refund part of the card payment, after a confirmation stating amount and fee.
    page.goto(f"{base}/office/invoices/{card_invoice.pk}/")
    page.get_by_role("link", name=re.compile("^Refund")).click()
    check(page, "refund-form")
    page.get_by_label("Amount to refund").fill("$50.00")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=re.compile(r"Refund \$50\.00 to")).wait_for()
    assert page.get_by_text("The platform keeps its fee of $3.00").is_visible()
    check(page, "refund-confirm")
    mailbox.clear()
    page.get_by_role("button", name="Refund $50.00").click()
    page.get_by_text("$50.00 refund succeeded.").wait_for()
    assert (
        reload(Payment.objects.get(pk=Payment.objects.get(source="checkout").pk)).amount_refunded
        == 5000
    )
    assert len(mailbox.to(payer.email)) == 1
    check(page, "invoice-refunded")

    # The other money pages pass too.
    for name, path in [
        ("estimates", "/office/estimates/"),
        ("estimate-new", "/office/estimates/new/"),
        ("payments", "/office/payments/"),
        ("void-confirm", f"/office/invoices/{invoice.pk}/void/"),
        ("preview", f"/p/{company.slug}/invoices/{invoice.pk}/staff-preview"),
    ]:
        page.goto(base + path)
        check(page, name)
    page.goto(f"{base}/office/estimates/")
    page.get_by_role("link", name=re.compile("EST-")).first.click()
    check(page, "estimate")

    # By keyboard: from the invoice page, Tab reaches the Send/Resend button and Enter acts.
    page.goto(f"{base}/office/invoices/{invoice.pk}/")
    mailbox.clear()
    resend = page.get_by_role("button", name="Resend")
    resend.focus()
    page.keyboard.press("Enter")
    page.get_by_text(f"{invoice.display_number} sent again").wait_for()
    assert len(mailbox.to(payer.email)) == 1
