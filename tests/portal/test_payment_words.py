"""Payments in plain words, the same on the invoice page and in Payment history: a declined
card attempt is not a payment; a refunded payment says "Refunded", not "$63.75 Succeeded";
a bank payment sent back says "Returned by the bank", not "Paid ... Failed"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from doorstep.payments.models import Payment, PaymentState
from doorstep.payments.reconciliation import payments_reconcile
from doorstep.payments.refunds import refund_create

from ..factories import SYSTEM
from ..payments.helpers import invoice_for, make_payer, pay, signed_in

pytestmark = pytest.mark.django_db(transaction=True)
VISA, DECLINED = "pm_demo_visa_4242_12_30", "pm_demo_visa_0341_12_30"


def pages(client, company, invoice) -> tuple[str, str]:
    slug = company.slug
    invoice_page = client.get(f"/p/{slug}/invoices/{invoice.pk}/").content.decode()
    history = client.get(f"/p/{slug}/payments/").content.decode()
    return invoice_page, history


def test_a_declined_attempt_is_not_listed_and_a_full_refund_says_refunded(company):
    payer = make_payer(company)
    invoice = invoice_for(payer, 6375)
    client = signed_in(payer)
    pay(client, company, [invoice], payment_method=DECLINED)
    invoice_page, history = pages(client, company, invoice)
    assert "Declined" not in invoice_page and "Failed" not in invoice_page
    assert "No payments yet." in invoice_page and "No payments yet." in history

    pay(client, company, [invoice], payment_method=VISA)
    payment = Payment.objects.get(state=PaymentState.SUCCEEDED)
    refund_create(
        company=company, payment=payment, amount=6375, refund_application_fee=False, actor=SYSTEM
    )
    invoice_page, history = pages(client, company, invoice)
    for page in (invoice_page, history):
        assert "Refunded" in page and "$63.75 refunded to you" in page
        assert "Succeeded" not in page


def test_a_returned_bank_payment_is_said_so_on_both_pages(company):
    company.settings.ach_enabled = True
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 30000)
    client = signed_in(payer)
    pay(client, company, [invoice], method_choice="ach", payment_method="pm_demo_bank_1116")
    invoice_page, history = pages(client, company, invoice)
    assert "Bank payment on its way" in invoice_page and "Bank payment on its way" in history
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        payments_reconcile()
    invoice_page, history = pages(client, company, invoice)
    for page in (invoice_page, history):
        assert "Returned by the bank" in page and "Failed" not in page
    number = re.escape(invoice.display_number)
    assert re.search(rf"For <a [^>]*>{number}</a>", history)
    assert not re.search(rf"Paid <a [^>]*>{number}</a>", history)
