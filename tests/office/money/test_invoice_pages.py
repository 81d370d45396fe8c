"""The office's invoice pages as an office manager uses them: write an invoice with the line
editor (totals as you type from the server's function), list and find it, send it, record a
check, charge a saved card, refund part of a payment, void — each asking first where money
moves or a record ends, and bad input refused next to the field with nothing saved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from doorstep.billing.models import Invoice, InvoiceState
from doorstep.core.models import AuditEvent
from doorstep.payments.models import Payment, PaymentState, Refund
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.time import company_today

from ...factories import SYSTEM, make_invoice
from ...payments.helpers import invoice_for, make_payer, pay, reload, signed_in
from ..helpers import office_client
from .helpers import customer_with_email, lines_data, post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(company) -> Client:
    return office_client(Client(enforce_csrf_checks=True), company, "owner")


def new_invoice_data(customer, *lines, **extra):
    return {
        "customer": customer.pk,
        "issue_date": "2026-12-01",
        "due_date": "2026-12-15",
        "kind": "standard",
        "notes": "",
        **lines_data(*lines),
        **extra,
    }


def test_an_invoice_with_two_lines_is_saved_with_the_totals_the_editor_showed(company, owner):
    customer = customer_with_email(company)
    lines = (("Labour", "1.5", "$33.33", "8.25"), ("Parts", "2", "1,045.50", "0"))
    shown = post(owner, "/office/invoices/totals/", lines_data(*lines)).content.decode()
    # 1.5 x 33.33 = 49.995 -> $50.00, tax 8.25 % = 4.125 -> $4.13; 2 x 1,045.50 = $2,091.00
    assert "$50.00" in shown and "$4.13" in shown and "$2,141.00" in shown
    assert re.search(r"data-total>\$2,145\.13<", shown)
    response = post(owner, "/office/invoices/new/", new_invoice_data(customer, *lines))
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/office/invoices/{invoice.pk}/"
    assert (invoice.subtotal, invoice.tax, invoice.total) == (214100, 413, 214513)
    assert invoice.state == InvoiceState.DRAFT
    assert AuditEvent.objects.filter(target_id=invoice.pk, verb="invoice.created").exists()


@pytest.mark.parametrize(
    ("change", "field_error"),
    [
        ({"lines-0-unit_price": "1,00"}, "Write the amount like 1,234.56"),
        ({"lines-0-quantity": "0"}, "The quantity must be more than zero."),
        ({"lines-0-tax_rate": "-5"}, "Enter a tax rate between 0 and 100 %."),
        ({"lines-0-unit_price": ""}, "Enter the price, e.g. 25.00."),
        ({"due_date": "2026-11-01"}, "The due date cannot be before the issue date."),
        ({"customer": "999999"}, "Choose one of your customers"),
        (
            {
                "lines-0-description": "",
                "lines-0-quantity": "",
                "lines-0-unit_price": "",
                "lines-0-tax_rate": "",
            },
            "Add at least one line",
        ),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    company, owner, change, field_error
):
    customer = customer_with_email(company)
    data = {**new_invoice_data(customer, ("Labour", "1", "90.00", "0")), **change}
    response = post(owner, "/office/invoices/new/", data)
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not Invoice.objects.exists() and not AuditEvent.objects.exists()


def test_add_a_line_and_find_a_customer_do_not_save(company, owner):
    customer = customer_with_email(company, name="Dana Whitfield")
    data = {**new_invoice_data(customer, ("Labour", "1", "90.00", "0")), "add_line": "1"}
    page = post(owner, "/office/invoices/new/", data).content.decode()
    assert 'name="lines-1-description"' in page and not Invoice.objects.exists()
    found = post(
        owner,
        "/office/invoices/new/",
        {**data, "add_line": "", "find_customer": "1", "customer": "", "customer_search": "whit"},
    ).content.decode()
    assert "Dana Whitfield" in found and not Invoice.objects.exists()


def test_editing_replaces_the_lines_and_history_shows_it(company, owner):
    customer = customer_with_email(company)
    invoice = make_invoice(customer, lines=[("Service call", 12500, "1", "0")], open_=False)
    page = owner.get(f"/office/invoices/{invoice.pk}/edit/").content.decode()
    assert 'value="125.00"' in page  # the price typed back as money, never cents
    post(
        owner,
        f"/office/invoices/{invoice.pk}/edit/",
        new_invoice_data(customer, ("Service call", "1", "125.00", "0"), ("Valve", "1", "40", "0")),
    )
    assert reload(invoice).total == 16500
    detail = owner.get(f"/office/invoices/{invoice.pk}/").content.decode()
    assert re.search(r"<td>Changed [a-z, ]*lines</td>", detail)  # on History


def test_the_list_filters_by_status_and_finds_by_number_name_and_email(company, owner):
    today = company_today(company)
    ann = customer_with_email(company, "Ann Overdue")
    ben = customer_with_email(company, "Ben Paid")
    overdue = make_invoice(ann)
    Invoice.objects.filter(pk=overdue.pk).update(
        issue_date=today - timedelta(days=30), due_date=today - timedelta(days=1)
    )
    paid = make_invoice(ben)
    payment_record_manual(
        company=company, invoice=paid, amount=paid.total, method="cash", actor=SYSTEM
    )
    draft = make_invoice(ben, open_=False)

    def numbers(query: str) -> set[str]:
        html = owner.get(f"/office/invoices/?{query}").content.decode()
        return set(re.findall(r">(INV-\d{4})</a>", html))

    assert numbers("status=overdue") == {overdue.display_number}
    assert numbers("status=unpaid") == {overdue.display_number}
    assert numbers("status=paid") == {paid.display_number}
    assert numbers("status=draft") == {draft.display_number}
    assert numbers("status=void") == set()
    assert numbers(f"q={paid.display_number}") == {paid.display_number}
    assert numbers("q=ann") == {overdue.display_number}
    email = ann.contacts.get().email
    assert numbers(f"q={email}") == {overdue.display_number}


def test_a_failed_payment_shows_under_failed(company, owner):
    payer = make_payer(company)
    invoice = invoice_for(payer, 5000)
    pay(signed_in(payer), company, [invoice], payment_method="pm_demo_visa_0002_12_30")
    assert Payment.objects.get().state == PaymentState.FAILED
    html = owner.get("/office/invoices/?status=failed").content.decode()
    assert invoice.display_number in html
    assert "Your card was declined" in owner.get("/office/payments/?status=failed").content.decode()


def test_send_emails_the_invoice_and_resend_sends_it_again(company, owner, mailbox):
    customer = customer_with_email(company)
    invoice = make_invoice(customer, open_=False)
    detail = owner.get(f"/office/invoices/{invoice.pk}/").content.decode()
    assert ">Send</button>" in detail
    response = post(owner, f"/office/invoices/{invoice.pk}/send/")
    assert response.status_code == 302
    email = customer.contacts.get().email
    (sent,) = mailbox.to(email)
    assert invoice.display_number in sent["Subject"]
    assert f"/p/{company.slug}/i/" in mailbox.text(sent)  # the "View and pay" link
    assert reload(invoice).state == InvoiceState.OPEN
    assert ">Resend</button>" in owner.get(f"/office/invoices/{invoice.pk}/").content.decode()
    post(owner, f"/office/invoices/{invoice.pk}/send/")
    assert len(mailbox.to(email)) == 2
    verbs = set(AuditEvent.objects.filter(target_id=invoice.pk).values_list("verb", flat=True))
    assert {"invoice.sent", "invoice.resent"} <= verbs


def test_a_customer_without_email_is_not_sent_and_told(company, owner):
    from ...factories import CustomerFactory

    invoice = make_invoice(CustomerFactory(company=company), open_=False)
    response = post(owner, f"/office/invoices/{invoice.pk}/send/")
    page = owner.get(response["Location"]).content.decode()
    assert "was not sent" in page and "has no email address" in page
    assert reload(invoice).state == InvoiceState.DRAFT and reload(invoice).sent_at is None


def test_recording_a_check_emails_a_receipt_and_bad_amounts_change_nothing(company, owner, mailbox):
    customer = customer_with_email(company)
    invoice = make_invoice(customer, lines=[("Service call", 20000, "1", "0")])
    url = f"/office/invoices/{invoice.pk}/record-payment/"
    for amount, error in [
        ("abc", "Write the amount like 1,234.56"),
        ("0", "Enter an amount more than zero."),
        ("$500.00", "That is more than the balance due."),
    ]:
        response = post(owner, url, {"amount": amount, "method": "check"})
        assert response.status_code == 400 and error in response.content.decode()
    assert not Payment.objects.exists() and not mailbox.messages
    response = post(owner, url, {"amount": "$120.00", "method": "check", "note": "Check 1043"})
    assert response.status_code == 302
    assert reload(invoice).balance_due == 8000
    (receipt,) = mailbox.to(customer.contacts.get().email)
    assert "$120.00" in mailbox.text(receipt) and "Check" in mailbox.text(receipt)
    assert "Check 1043" in owner.get(f"/office/invoices/{invoice.pk}/").content.decode()


def test_charge_a_saved_card_asks_first_showing_card_and_amount(company, owner, mailbox):
    payer = make_payer(company)
    pay(
        signed_in(payer),
        company,
        [invoice_for(payer)],
        payment_method="pm_demo_visa_4242_12_30",
        save_card="on",
    )
    invoice = invoice_for(payer, 7550)
    card = payer.customer.saved_methods.get()
    url = f"/office/invoices/{invoice.pk}/charge-card/"
    assert "Charge saved card" in owner.get(f"/office/invoices/{invoice.pk}/").content.decode()
    confirm = post(owner, url, {"card": card.pk}).content.decode()
    assert "Charge $75.50 to Visa ending 4242?" in confirm and 'name="confirmed"' in confirm
    assert Payment.objects.filter(source="office").count() == 0  # nothing charged yet
    mailbox.clear()
    response = post(owner, url, {"card": card.pk, "confirmed": "1"})
    assert response.status_code == 302
    assert reload(invoice).balance_due == 0
    assert len(mailbox.to(payer.email)) == 1  # the receipt
    assert "Charge saved card" not in owner.get(f"/office/invoices/{invoice.pk}/").content.decode()


def test_no_charge_button_or_page_without_a_consented_card(company, owner):
    customer = customer_with_email(company)
    invoice = make_invoice(customer)
    assert "Charge saved card" not in owner.get(f"/office/invoices/{invoice.pk}/").content.decode()
    page = owner.get(f"/office/invoices/{invoice.pk}/charge-card/").content.decode()
    assert "has no saved card they agreed to be charged on" in page
    response = post(
        owner, f"/office/invoices/{invoice.pk}/charge-card/", {"card": "1", "confirmed": "1"}
    )
    assert response.status_code == 400 and not Payment.objects.exists()


def test_refund_part_of_a_card_payment_states_amount_and_platform_fee_first(
    company, owner, mailbox
):
    company.settings.platform_fee_basis_points = 150
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 20000)
    pay(signed_in(payer), company, [invoice], payment_method="pm_demo_visa_4242_12_30")
    payment = Payment.objects.get()
    assert payment.state == PaymentState.SUCCEEDED and payment.platform_fee_amount == 300
    detail = owner.get(f"/office/invoices/{invoice.pk}/").content.decode()
    url = f"/office/invoices/{invoice.pk}/payments/{payment.pk}/refund/"
    assert url in detail
    too_much = post(owner, url, {"amount": "250.00"})
    assert too_much.status_code == 400
    assert "At most $200.00 can still be refunded." in too_much.content.decode()
    confirm = post(owner, url, {"amount": "$50.00"}).content.decode()
    assert "Refund $50.00 to" in confirm
    assert "The platform keeps its fee of $3.00" in confirm
    assert not Refund.objects.exists()
    mailbox.clear()
    response = post(owner, url, {"amount": "$50.00", "confirmed": "1"})
    assert response.status_code == 302
    assert reload(payment).amount_refunded == 5000 and reload(invoice).balance_due == 5000
    assert len(mailbox.to(payer.email)) == 1
    assert "$50.00 · Succeeded" in owner.get(f"/office/invoices/{invoice.pk}/").content.decode()


def test_void_asks_first_and_a_paid_invoice_cannot_be_voided(company, owner):
    customer = customer_with_email(company)
    invoice = make_invoice(customer)
    confirm = owner.get(f"/office/invoices/{invoice.pk}/void/").content.decode()
    assert f"Void {invoice.display_number}?" in confirm
    assert reload(invoice).state == InvoiceState.OPEN
    post(owner, f"/office/invoices/{invoice.pk}/void/")  # no confirmed=1: still asks
    assert reload(invoice).state == InvoiceState.OPEN
    post(owner, f"/office/invoices/{invoice.pk}/void/", {"confirmed": "1"})
    assert reload(invoice).state == InvoiceState.VOID
    paid = make_invoice(customer)
    payment_record_manual(company=company, invoice=paid, amount=100, method="cash", actor=SYSTEM)
    assert (
        "Void"
        not in re.sub(
            r"<title>.*?</title>", "", owner.get(f"/office/invoices/{paid.pk}/").content.decode()
        ).split("Preview as the customer")[1][:400]
    )
    post(owner, f"/office/invoices/{paid.pk}/void/", {"confirmed": "1"})
    assert reload(paid).state == InvoiceState.OPEN


def test_preview_as_the_customer_is_read_only_and_not_counted_as_a_view(company, owner):
    payer = make_payer(company)
    invoice = invoice_for(payer, 4000)
    url = f"/p/{company.slug}/invoices/{invoice.pk}/staff-preview"
    assert url in owner.get(f"/office/invoices/{invoice.pk}/").content.decode()
    page = owner.get(url).content.decode()
    assert "Preview." in page and invoice.display_number in page and "$40.00" in page
    assert "/pay" not in page and "<form" not in page.split("</header>")[1]
    invoice = reload(invoice)
    assert invoice.first_viewed_at is None and invoice.last_viewed_at is None
    # The customer's own view is counted, and the office page shows it.
    signed_in(payer).get(f"/p/{company.slug}/invoices/{invoice.pk}/")
    assert reload(invoice).first_viewed_at is not None
    assert "Not yet" not in owner.get(f"/office/invoices/{invoice.pk}/").content.decode()


def test_preview_is_for_this_companys_billing_staff_only(company, other_company):
    invoice = make_invoice(customer_with_email(company))
    url = f"/p/{company.slug}/invoices/{invoice.pk}/staff-preview"
    assert Client().get(url).status_code == 302  # to the staff sign-in
    assert office_client(Client(), other_company, "owner").get(url).status_code == 404
    assert office_client(Client(), company, "technician").get(url).status_code == 404
    assert office_client(Client(), company, "billing").get(url).status_code == 200


def test_a_double_click_records_a_payment_and_refunds_once(company, owner, mailbox):
    payer = make_payer(company)
    invoice = invoice_for(payer, 20000)
    page = owner.get(f"/office/invoices/{invoice.pk}/record-payment/").content.decode()
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    url = f"/office/invoices/{invoice.pk}/record-payment/"
    for _ in range(2):
        post(owner, url, {"amount": "50.00", "method": "cash", "request_key": key})
    assert Payment.objects.count() == 1 and reload(invoice).balance_due == 15000
    payment = Payment.objects.get()
    refund_url = f"/office/invoices/{invoice.pk}/payments/{payment.pk}/refund/"
    form = owner.get(refund_url).content.decode()
    key = re.search(r'name="request_key" value="([^"]+)"', form).group(1)
    for _ in range(2):
        post(owner, refund_url, {"amount": "20.00", "confirmed": "1", "request_key": key})
    assert Refund.objects.count() == 1 and reload(payment).amount_refunded == 2000
    # A fresh form is a new request: a second refund is allowed.
    post(owner, refund_url, {"amount": "10.00", "confirmed": "1", "request_key": "other"})
    assert reload(payment).amount_refunded == 3000


def test_times_show_in_the_companys_time_zone(company, owner):
    from datetime import UTC, datetime

    company.timezone = "America/Los_Angeles"
    company.save()
    invoice = make_invoice(customer_with_email(company))
    Invoice.objects.filter(pk=invoice.pk).update(sent_at=datetime(2026, 12, 2, 3, 30, tzinfo=UTC))
    page = owner.get(f"/office/invoices/{invoice.pk}/").content.decode()
    assert "Dec 1, 2026 7:30 PM" in page  # 03:30 UTC is 19:30 the day before in California
