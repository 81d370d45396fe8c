"""A bank (ACH) payment needs the account holder's name and their debit authorisation,
shown before Pay and kept with the payment word for word (issue 17, item 7)."""

from __future__ import annotations

import hashlib

import pytest

from doorstep.payments.ach_mandate import MANDATE_VERSION, mandate_text
from doorstep.payments.models import Payment, PaymentState

from .helpers import checkout_url, invoice_for, make_payer, pay, signed_in

pytestmark = pytest.mark.django_db(transaction=True)
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"


@pytest.fixture
def ach_company(company):
    company.settings.ach_enabled = True
    company.settings.save()
    company.support_phone = "+1 555 0100"
    company.save()
    return company


def test_the_checkout_shows_the_name_field_and_the_authorisation_before_pay(ach_company):
    payer = make_payer(ach_company)
    invoice = invoice_for(payer, 30000)
    page = signed_in(payer).get(checkout_url(ach_company, invoice)).content.decode()
    words = mandate_text(ach_company)
    assert f"I authorise {ach_company.name} to debit the bank account" in words
    assert "+1 555 0100" in words
    assert words.replace("'", "&#x27;") in page
    assert 'name="account_holder"' in page and "Name on the bank account" in page
    assert page.index("I authorise this debit") < page.index('class="button pay-button"')


def test_a_bank_payment_keeps_what_was_agreed_and_the_receipt_shows_it(ach_company, mailbox):
    payer = make_payer(ach_company)
    invoice = invoice_for(payer, 30000)
    client = signed_in(payer)
    client.defaults["HTTP_USER_AGENT"] = BROWSER
    response = pay(
        client,
        ach_company,
        [invoice],
        method_choice="ach",
        payment_method="pm_demo_bank_6789",
        account_holder="  Pat   Customer ",
        mandate="agreed",
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.state == PaymentState.PROCESSING
    text = mandate_text(ach_company)
    assert payment.ach_account_holder == "Pat Customer"
    assert payment.mandate_text == text and payment.mandate_version == MANDATE_VERSION
    assert payment.mandate_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert payment.mandate_accepted_at is not None and payment.mandate_ip == "127.0.0.1"
    assert payment.mandate_user_agent == BROWSER
    receipt = client.get(response["Location"]).content.decode()
    assert "Debit authorised" in receipt and "Pat Customer" in receipt
    assert text.replace("'", "&#x27;") in receipt


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"account_holder": " ", "mandate": "agreed"}, "Enter the name on the bank account."),
        (
            {"account_holder": "Pat Customer", "mandate": ""},
            "Tick the box to authorise the debit from your bank account.",
        ),
    ],
)
def test_no_name_or_no_authorisation_debits_nothing(ach_company, data, message):
    payer = make_payer(ach_company)
    invoice = invoice_for(payer, 30000)
    response = pay(
        signed_in(payer),
        ach_company,
        [invoice],
        method_choice="ach",
        payment_method="pm_demo_bank_6789",
        **data,
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'aria-invalid="true"' in page
    # The bank panel stays open with the choice kept.
    assert 'value="ach" checked' in page
    assert not Payment.objects.exists()


def test_a_card_payment_carries_no_mandate(ach_company):
    payer = make_payer(ach_company)
    pay(
        signed_in(payer),
        ach_company,
        [invoice_for(payer)],
        payment_method="pm_demo_visa_4242_12_30",
    )
    payment = Payment.objects.get()
    assert payment.mandate_text == "" and payment.mandate_accepted_at is None
