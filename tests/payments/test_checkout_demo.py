"""Paying invoices in the portal with the demo provider (the `make run` default)."""

import pytest

from doorstep.billing.models import CustomerStatus, InvoiceState
from doorstep.core.models import AuditEvent
from doorstep.payments.models import Payment, PaymentState
from doorstep.tenancy.time import company_today

from .helpers import invoice_for, make_payer, pay, reload, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

VISA = "pm_demo_visa_4242_12_30"
DECLINED = "pm_demo_visa_0341_12_30"
NEEDS_3DS = "pm_demo_visa_3155_12_30"


def status(invoice):
    return reload(invoice).customer_status(company_today(invoice.company))


def test_pay_full_balance_then_receipt_email_and_page(company, mailbox):
    payer = make_payer(company)
    invoice = invoice_for(payer, 12500)
    client = signed_in(payer)
    response = pay(client, company, [invoice], payment_method=VISA)
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/p/{company.slug}/payments/{payment.pk}/receipt"
    assert payment.state == PaymentState.SUCCEEDED and payment.amount == 12500
    assert status(invoice) == CustomerStatus.PAID
    page = client.get(response["Location"]).content.decode()
    assert "Thank you" in page and "$125.00" in page and "Visa ending 4242" in page
    [receipt] = mailbox.to(payer.email)
    text = mailbox.text(receipt)
    assert "$125.00" in receipt["Subject"]
    assert "Visa ending 4242" in text and invoice.display_number in text
    assert payment.provider_reference in text


def test_declined_card_shows_message_records_failed_attempt_and_tells_billing(company, mailbox):
    payer = make_payer(company)
    invoice = invoice_for(payer)
    client = signed_in(payer)
    response = pay(client, company, [invoice], payment_method=DECLINED)
    assert response.status_code == 402
    assert "Your card was declined." in response.content.decode()
    assert "Try another card" in response.content.decode()
    assert status(invoice) == CustomerStatus.UNPAID
    failed = Payment.objects.get()
    assert failed.state == PaymentState.FAILED and failed.failure_code == "card_declined"
    [billing] = mailbox.to(company.billing_email)
    assert "Failed payment attempt" in billing["Subject"]
    assert not mailbox.to(payer.email)
    # ... and the customer can try another card right away.
    assert pay(client, company, [invoice], payment_method=VISA).status_code == 302
    assert status(invoice) == CustomerStatus.PAID


def test_bank_confirmation_step_approve_and_decline(company):
    payer = make_payer(company)
    first, second = invoice_for(payer), invoice_for(payer)
    client = signed_in(payer)
    response = pay(client, company, [first], payment_method=NEEDS_3DS)
    payment = Payment.objects.get()
    assert response["Location"] == f"/p/{company.slug}/payments/{payment.pk}/confirm"
    assert payment.state == PaymentState.REQUIRES_ACTION
    assert status(first) == CustomerStatus.UNPAID
    assert "Demo Bank" in client.get(response["Location"]).content.decode()
    done = post_confirm(client, response["Location"], "approve")
    assert done["Location"].endswith("/receipt")
    assert status(first) == CustomerStatus.PAID

    response = pay(client, company, [second], payment_method=NEEDS_3DS)
    back = post_confirm(client, response["Location"], "decline")
    assert "pay?invoice=" in back["Location"]
    assert Payment.objects.filter(state=PaymentState.FAILED).count() == 1
    assert status(second) == CustomerStatus.UNPAID


def post_confirm(client, url, decision):
    client.get(url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {"decision": decision, "csrfmiddlewaretoken": token})


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("100.01", "more than the balance"),
        ("5.00", "The smallest payment is $10.00"),
        ("0", "more than zero"),
        ("-20", "more than zero"),
        ("abc", "Write the amount like 1,234.56"),
        ("1e3", "Write the amount like 1,234.56"),
        ("10.001", "at most 2 digits"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_paid(company, amount, message):
    company.settings.partial_payments_allowed = True
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    response = pay(signed_in(payer), company, [invoice], payment_method=VISA, amount=amount)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Payment.objects.exists()
    assert reload(invoice).balance_due == 10000
    assert AuditEvent.objects.filter(verb="payment.refused").exists()


def test_partial_payment_when_allowed_and_invoice_override(company):
    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    client = signed_in(payer)
    refused = pay(client, company, [invoice], payment_method=VISA, amount="40.00")
    assert refused.status_code == 400 and "must be paid in full" in refused.content.decode()
    invoice.partial_payments = True
    invoice.save()
    assert pay(client, company, [invoice], payment_method=VISA, amount="40.00").status_code == 302
    assert reload(invoice).balance_due == 6000
    assert status(invoice) == CustomerStatus.PARTIALLY_PAID
    # The next payment is offered the new balance, computed on the server.
    page = client.get(f"/p/{company.slug}/pay?invoice={invoice.pk}").content.decode()
    assert "$60.00" in page


def test_several_invoices_in_one_payment_with_allocations(company, mailbox):
    payer = make_payer(company)
    a, b = invoice_for(payer, 10000), invoice_for(payer, 2550)
    response = pay(signed_in(payer), company, [a, b], payment_method=VISA)
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.amount == 12550
    assert {(x.invoice_id, x.amount) for x in payment.allocations.all()} == {
        (a.pk, 10000),
        (b.pk, 2550),
    }
    assert status(a) == status(b) == CustomerStatus.PAID
    text = mailbox.text(mailbox.to(payer.email)[0])
    assert a.display_number in text and b.display_number in text


def test_another_customers_invoice_in_the_list_is_not_found(company):
    payer, other = make_payer(company), make_payer(company)
    mine, theirs = invoice_for(payer), invoice_for(other)
    client = signed_in(payer)
    assert client.get(f"/p/{company.slug}/pay?invoice={theirs.pk}").status_code == 404
    response = pay(client, company, [mine, theirs], payment_method=VISA)
    assert response.status_code == 404
    assert not Payment.objects.exists()
    assert reload(mine).balance_due == mine.total
    assert AuditEvent.objects.filter(verb="payment.refused", target_id=payer.customer.pk).exists()


def test_tampered_fields_change_nothing(company):
    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    response = pay(
        signed_in(payer),
        company,
        [invoice],
        payment_method=VISA,
        state="succeeded",
        customer=999,
        company=999,
        fee_amount=0,
        invoice_amount="1.00",
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.amount == 10000 and payment.customer == payer.customer
    bad_id = pay(signed_in(payer), company, [invoice], payment_method=VISA, invoice="x")
    assert bad_id.status_code == 404


def test_already_paid_and_void_invoices_cannot_be_paid(company):
    from doorstep.billing.invoices import invoice_void

    from ..factories import SYSTEM

    payer = make_payer(company)
    paid, void = invoice_for(payer), invoice_for(payer)
    client = signed_in(payer)
    pay(client, company, [paid], payment_method=VISA)
    again = pay(client, company, [paid], payment_method=VISA)
    assert again.status_code == 400 and "already paid" in again.content.decode()
    # A second tab that paid first: the message is said once, not as a heading, an alert and
    # the page's text in a row.
    assert again.content.decode().count("already paid") == 1
    invoice_void(company=company, invoice=void, actor=SYSTEM)
    assert reload(void).state == InvoiceState.VOID
    response = pay(client, company, [void], payment_method=VISA)
    assert response.status_code == 400 and "cannot be paid" in response.content.decode()
    assert Payment.objects.count() == 1


def test_invoice_link_session_pays_only_its_invoice_and_never_saves_cards(company):
    payer = make_payer(company)
    invoice, other = invoice_for(payer), invoice_for(payer)
    client = signed_in(payer, invoice=invoice)
    page = client.get(f"/p/{company.slug}/pay?invoice={invoice.pk}").content.decode()
    assert "Save this card" not in page
    assert client.get(f"/p/{company.slug}/pay?invoice={other.pk}").status_code == 404
    assert pay(client, company, [invoice, other], payment_method=VISA).status_code == 404
    response = pay(client, company, [invoice], payment_method=VISA, save_card="on")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    payment = Payment.objects.get()
    assert payment.save_method is False
    assert client.get(f"/p/{company.slug}/payment-methods").status_code == 302


def test_receipt_of_another_customer_is_not_found(company):
    payer, other = make_payer(company), make_payer(company)
    pay(signed_in(payer), company, [invoice_for(payer)], payment_method=VISA)
    payment = Payment.objects.get()
    response = signed_in(other).get(f"/p/{company.slug}/payments/{payment.pk}/receipt")
    assert response.status_code == 404
    assert payment.provider_reference not in response.content.decode()


def test_a_second_attempt_while_one_is_on_its_way_is_refused(company):
    payer = make_payer(company)
    invoice = invoice_for(payer)
    client = signed_in(payer)
    pay(client, company, [invoice], payment_method=NEEDS_3DS)  # waiting for the bank
    response = pay(client, company, [invoice], payment_method=VISA)
    assert response.status_code == 400 and "already on its way" in response.content.decode()
    assert Payment.objects.count() == 1


def test_a_tampered_payment_method_fails_cleanly_and_frees_the_invoice(company):
    payer = make_payer(company)
    invoice = invoice_for(payer)
    client = signed_in(payer)
    response = pay(client, company, [invoice], payment_method="pm_bogus_reference")
    assert response.status_code == 402
    assert "not accepted" in response.content.decode()
    assert Payment.objects.get().state == PaymentState.FAILED
    assert pay(client, company, [invoice], payment_method=VISA).status_code == 302
    bad = pay(client, company, [invoice_for(payer)], payment_method="<script>")
    assert bad.status_code == 400 and "Enter your card details." in bad.content.decode()


def test_card_testing_is_slowed_down(company):
    payer = make_payer(company)
    invoice = invoice_for(payer)
    client = signed_in(payer)
    for _ in range(10):
        assert pay(client, company, [invoice], payment_method=DECLINED).status_code == 402
    response = pay(client, company, [invoice], payment_method=VISA)
    assert response.status_code == 429 and "Too many payment attempts" in response.content.decode()
    assert status(invoice) == CustomerStatus.UNPAID


def test_checkout_says_partially_paid_like_every_other_page(company):
    from doorstep.payments.services import payment_record_manual

    from ..factories import SYSTEM
    from .helpers import checkout_url

    payer = make_payer(company)
    invoice = invoice_for(payer, 20000)
    payment_record_manual(
        company=company, invoice=invoice, amount=5000, method="check", actor=SYSTEM
    )
    page = signed_in(payer).get(checkout_url(company, invoice)).content.decode()
    assert "Partially paid" in page and "Partly paid" not in page
