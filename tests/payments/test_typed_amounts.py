"""Typed amounts are read by the company's locale, and anything ambiguous is refused.

Black-box testing found commas simply stripped: `0,75` at checkout charged $75.00 and `1,00`
paid a $100.00 invoice in full. Every typed amount goes through `money.parse_amount`.
"""

import pytest
from django.test import Client

from doorstep.core.models import AuditEvent
from doorstep.core.money import AmountError, parse_amount
from doorstep.payments.models import Payment, Refund

from ..factories import CustomerFactory, make_invoice, staff_user
from .helpers import checkout_url, invoice_for, make_payer, pay, post_form, reload, signed_in

VISA = "pm_demo_visa_4242_12_30"


@pytest.mark.parametrize(
    ("text", "locale", "cents"),
    [
        ("0.75", "en_US", 75),
        ("1,000", "en_US", 100000),  # a comma between thousands, in groups of three
        ("1,234.56", "en_US", 123456),
        ("$12.50", "en_US", 1250),
        (".75", "en_US", 75),
        ("0,75", "fr_CA", 75),  # the comma is the decimal mark in Quebec
        ("1 234,56", "fr_CA", 123456),
        ("1\u00a0234,56 $", "fr_CA", 123456),  # what the page itself shows
        ("1.234,5", "de_DE", 123450),
        ("1234.56", None, 123456),  # what a number field sends, whatever the language
    ],
)
def test_amounts_are_read_the_way_the_locale_writes_them(text, locale, cents):
    assert parse_amount(text, currency="USD", locale=locale) == cents


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("0,75", "en_US"),  # was $75.00
        ("1,00", "en_US"),  # was $100.00: a comma between thousands needs three digits after
        ("1.000,5", "en_US"),
        ("1,2,3", "en_US"),
        ("1.2.3", "en_US"),
        ("12,34.5", "en_US"),
        ("1.000,5", "fr_CA"),
        ("12.50", "fr_CA"),  # a point means nothing in fr_CA: it could be thousands (1.000)
        ("12 34,5", "fr_CA"),
        ("1,00", None),
        ("1e999999", "en_US"),
        ("1E3", "en_US"),
        ("NaN", "en_US"),
        ("Infinity", "en_US"),
        ("0x10", "en_US"),
        ("١٢", "en_US"),  # digits of another script
        ("", "en_US"),
    ],
)
def test_ambiguous_or_malformed_amounts_are_refused(text, locale):
    with pytest.raises(AmountError):
        parse_amount(text, currency="USD", locale=locale)


def test_sizes_and_decimals_are_checked():
    with pytest.raises(AmountError, match="too large"):
        parse_amount("9" * 20, currency="USD", locale="en_US")
    with pytest.raises(AmountError, match="at most 2 digits"):
        parse_amount("1.005", currency="USD", locale="en_US")
    with pytest.raises(AmountError, match="no decimals"):
        parse_amount("1.5", currency="JPY", locale="en_US")
    with pytest.raises(AmountError, match="more than zero"):
        parse_amount("-5", currency="USD", locale="en_US")
    assert parse_amount("-5", currency="USD", locale=None, allow_negative=True) == -500
    assert parse_amount("1,500", currency="JPY", locale="en_US") == 1500


@pytest.fixture
def partial_company(company):
    company.settings.partial_payments_allowed = True
    company.settings.save()
    return company


def assert_nothing_charged(response, invoice, message="Write the amount like"):
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Payment.objects.exists()
    assert reload(invoice).balance_due == invoice.total
    assert AuditEvent.objects.filter(verb="payment.refused").exists()


@pytest.mark.django_db(transaction=True)
def test_a_comma_with_partial_payments_on_does_not_charge_75_dollars(partial_company):
    payer = make_payer(partial_company)
    invoice = invoice_for(payer, 10000)
    response = pay(signed_in(payer), partial_company, [invoice], payment_method=VISA, amount="0,75")
    assert_nothing_charged(response, invoice, "Write the amount like 1,234.56")
    assert "a point before the cents and commas only between thousands" in (
        response.content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_one_comma_zero_zero_in_full_balance_mode_does_not_pay_100_dollars(company):
    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    response = pay(signed_in(payer), company, [invoice], payment_method=VISA, amount="1,00")
    assert_nothing_charged(response, invoice)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("amount", ["1e999999", "1.000,5", "99999999999999999999"])
def test_garbage_amounts_at_checkout_are_a_plain_400(partial_company, amount):
    payer = make_payer(partial_company)
    invoice = invoice_for(payer, 10000)
    response = pay(signed_in(payer), partial_company, [invoice], payment_method=VISA, amount=amount)
    assert response.status_code == 400
    assert not Payment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_quebec_company_reads_the_comma_as_the_decimal_mark(partial_company):
    partial_company.locale = "fr_CA"
    partial_company.save()
    payer = make_payer(partial_company)
    invoice = invoice_for(payer, 10000)
    client = signed_in(payer)
    page = client.get(checkout_url(partial_company, invoice)).content.decode()
    assert 'value="100,00"' in page  # the prefilled amount is written the Quebec way
    assert "Pay 100,00\u00a0$" in page
    refused = pay(client, partial_company, [invoice], payment_method=VISA, amount="40.50")
    assert_nothing_charged(refused, invoice, "Write the amount like 1 234,56")
    response = pay(client, partial_company, [invoice], payment_method=VISA, amount="40,50")
    assert response.status_code == 302
    assert Payment.objects.get().amount == 4050
    assert reload(invoice).balance_due == 5950


@pytest.mark.django_db(transaction=True)
def test_the_pay_button_says_what_will_be_charged_before_charging(partial_company):
    payer = make_payer(partial_company)
    invoice = invoice_for(payer, 10000)
    client = signed_in(payer)
    page = client.get(checkout_url(partial_company, invoice)).content.decode()
    assert ">Pay $100.00</button>" in page  # was a bare "Pay" when the amount is typed
    # After a refused amount the button names no amount it would not charge.
    refused = pay(client, partial_company, [invoice], payment_method=VISA, amount="0,75")
    assert ">Pay</button>" in refused.content.decode()
    # A valid but refused amount (below the minimum) is shown as typed.
    low = pay(client, partial_company, [invoice], payment_method=VISA, amount="5.00")
    assert ">Pay $5.00</button>" in low.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_invoice_id_beyond_64_bits_is_not_found(company):
    payer = make_payer(company)
    client = signed_in(payer)
    for huge in ["99999999999999999999", str(2**63), "-1", "0"]:
        response = client.get(f"/p/{company.slug}/pay?invoice={huge}")
        assert response.status_code == 404, huge
    response = post_form(
        client,
        f"/p/{company.slug}/pay",
        {"invoice": "99999999999999999999", "method_choice": "card"},
        page=f"/p/{company.slug}/pay",
    )
    assert response.status_code == 404
    for path in ["payments/99999999999999999999/receipt", "payments/99999999999999999999/confirm"]:
        assert client.get(f"/p/{company.slug}/{path}").status_code == 404
    methods = f"/p/{company.slug}/payment-methods"
    huge = "99999999999999999999"
    assert post_form(client, f"{methods}/{huge}/remove", {}, page=methods).status_code == 404
    autopay = post_form(
        client, f"{methods}/autopay", {"consent": "yes", "saved_method": huge}, page=methods
    )
    assert autopay.status_code == 404
    office = office_client(company)
    assert office.get(f"/office/admin/payments/payment/{huge}/refund/").status_code == 404
    assert not Payment.objects.exists()


def office_client(company):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(company))
    return client


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1e999999", "Write the amount like 1,234.56"),
        ("0,30", "Write the amount like 1,234.56"),  # was $30.00
        ("99999999999999999999", "too large"),
    ],
)
def test_garbage_refund_amounts_are_a_plain_400_and_refund_nothing(company, amount, message):
    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    pay(signed_in(payer), company, [invoice], payment_method=VISA)
    payment = Payment.objects.get()
    url = f"/office/admin/payments/payment/{payment.pk}/refund/"
    response = post_form(
        office_client(company), url, {"amount": amount, "refund_application_fee": "no"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Refund.objects.exists()
    assert reload(payment).amount_refunded == 0 and reload(invoice).balance_due == 0


@pytest.mark.django_db(transaction=True)
def test_a_quebec_office_refunds_with_a_comma(company):
    company.locale = "fr_CA"
    company.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    pay(signed_in(payer), company, [invoice], payment_method=VISA)
    payment = Payment.objects.get()
    office = office_client(company)
    url = f"/office/admin/payments/payment/{payment.pk}/refund/"
    assert 'value="100,00"' in office.get(url).content.decode()
    response = post_form(office, url, {"amount": "0,30", "refund_application_fee": "no"})
    assert response.status_code == 302
    assert Refund.objects.get().amount == 30


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("amount", ["1,00", "1e999999", "NaN"])
def test_recording_a_payment_uses_the_same_rules(company, amount):
    invoice = make_invoice(CustomerFactory(company=company))
    office = office_client(company)
    url = f"/office/admin/billing/invoice/{invoice.pk}/record-payment/"
    response = post_form(office, url, {"amount": amount, "method": "check"})
    assert response.status_code == 400
    assert "Write the amount like 1234.56" in response.content.decode()
    assert not Payment.objects.exists()
    assert reload(invoice).amount_paid == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pay_button_follows_the_typed_amount(page, live_server, partial_company):
    from .test_browser import open_invoice_link

    payer = make_payer(partial_company)
    invoice = invoice_for(payer, 10000)
    open_invoice_link(page, live_server, payer, invoice)
    assert page.get_by_role("button", name="Pay $100.00").is_visible()
    amount = page.get_by_label("Amount to pay")
    for typed, label in [
        ("40.50", "Pay $40.50"),
        ("1,000", "Pay $1,000.00"),  # shown as typed; the server refuses more than the balance
        ("0,75", "Pay"),  # ambiguous: no amount is promised
        ("1e3", "Pay"),
        ("", "Pay $100.00"),
    ]:
        amount.fill(typed)
        assert page.locator("button.pay-button").inner_text().strip() == label, typed
    partial_company.locale = "fr_CA"
    partial_company.save()
    page.reload()
    amount = page.get_by_label("Amount to pay")
    amount.fill("40,50")
    # USD shown the Quebec way, as on the rest of the page: "40,50 $ US"
    assert page.locator("button.pay-button").inner_text().startswith("Pay 40,50\u00a0$")
    amount.fill("40.50")
    assert page.locator("button.pay-button").inner_text().strip() == "Pay"
