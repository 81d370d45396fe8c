"""The money services behind the office's invoice page: a recorded payment's receipt, charging
a saved card for a customer on the phone (only with the card's consent), sending an estimate."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from doorstep.access.estimate_sending import estimate_send
from doorstep.billing.invoices import LineInput, invoice_update
from doorstep.billing.models import CustomerStatus, EstimateState
from doorstep.billing.totals import document_totals
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.payments.models import Payment, PaymentSource, PaymentState, SavedPaymentMethod
from doorstep.payments.office_charges import cards_chargeable, saved_card_charge
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.time import company_today

from ..factories import make_estimate, staff_user
from .helpers import invoice_for, make_payer, pay, reload, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def actor_for(company):
    return Actor.staff(staff_user(company, "billing"), "127.0.0.1")


def test_totals_round_each_line_half_up_then_add_up():
    lines = [
        LineInput("Half a cent", 1, Decimal("0.5"), Decimal("0")),  # 0.5 c -> 1 c
        LineInput("Labour", 3333, Decimal("1.5"), Decimal("8.25")),  # 4999.5 -> 5000; tax 412.5
        LineInput("Discount", -1, Decimal("0.5"), Decimal("0")),  # -0.5 c -> -1 c
    ]
    totals = document_totals(lines)
    assert [(t.amount, t.tax) for t in totals.lines] == [(1, 0), (5000, 413), (-1, 0)]
    assert (totals.subtotal, totals.tax, totals.total) == (5000, 413, 5413)


def test_a_recorded_check_emails_the_customer_a_receipt(company, mailbox):
    payer = make_payer(company)
    invoice = invoice_for(payer, 25000)
    mailbox.clear()
    payment_record_manual(
        company=company,
        invoice=invoice,
        amount=10000,
        method="check",
        note="check 1043",
        actor=actor_for(company),
    )
    (receipt,) = mailbox.to(payer.email)
    text = mailbox.text(receipt)
    assert "$100.00" in text and "Check" in text and invoice.display_number in text
    assert reload(invoice).customer_status(company_today(company)) == CustomerStatus.PARTIALLY_PAID


def test_a_bank_transfer_can_be_recorded(company):
    payer = make_payer(company)
    invoice = invoice_for(payer, 5000)
    payment = payment_record_manual(
        company=company, invoice=invoice, amount=5000, method="transfer", actor=actor_for(company)
    )
    assert payment.method_label == "Bank transfer" and reload(invoice).balance_due == 0


def saved_card(payer):
    """A card the customer saved at checkout, ticking the consent box."""
    client = signed_in(payer)
    pay(
        client,
        payer.company,
        [invoice_for(payer)],
        payment_method="pm_demo_visa_4242_12_30",
        save_card="on",
    )
    return SavedPaymentMethod.objects.get(customer=payer.customer)


def test_staff_charge_a_saved_card_for_the_balance_and_the_customer_gets_a_receipt(
    company, mailbox
):
    payer = make_payer(company)
    card = saved_card(payer)
    invoice = invoice_for(payer, 7000)
    mailbox.clear()
    payment = saved_card_charge(
        company=company, invoice=invoice, method_id=card.pk, actor=actor_for(company)
    )
    assert payment.state == PaymentState.SUCCEEDED and payment.amount == 7000
    assert payment.source == PaymentSource.OFFICE and payment.method_label == "Visa ending 4242"
    assert reload(invoice).balance_due == 0
    assert len(mailbox.to(payer.email)) == 1


def test_no_charge_without_a_stored_consent_or_after_removal(company):
    payer = make_payer(company)
    card = saved_card(payer)
    invoice = invoice_for(payer, 7000)
    SavedPaymentMethod.objects.filter(pk=card.pk).update(consent_text="")
    assert cards_chargeable(company=company, invoice=invoice) == []
    with pytest.raises(DomainError):
        saved_card_charge(
            company=company, invoice=invoice, method_id=card.pk, actor=actor_for(company)
        )
    SavedPaymentMethod.objects.filter(pk=card.pk).update(
        consent_text="yes", removed_at=timezone.now()
    )
    with pytest.raises(DomainError):
        saved_card_charge(
            company=company, invoice=invoice, method_id=card.pk, actor=actor_for(company)
        )
    assert not Payment.objects.filter(source=PaymentSource.OFFICE).exists()


def test_another_customers_card_is_refused(company):
    payer, other = make_payer(company), make_payer(company)
    card = saved_card(other)
    invoice = invoice_for(payer, 7000)
    with pytest.raises(DomainError):
        saved_card_charge(
            company=company, invoice=invoice, method_id=card.pk, actor=actor_for(company)
        )
    assert reload(invoice).balance_due == 7000


def test_invoice_update_replaces_lines_recomputes_and_audits(company):
    payer = make_payer(company)
    invoice = invoice_for(payer, 1000)
    today = company_today(company)
    invoice_update(
        company=company,
        invoice=invoice,
        actor=actor_for(company),
        customer=payer.customer,
        issue_date=today,
        due_date=today + timedelta(days=30),
        lines=[
            LineInput("Labour", 9000, Decimal("2"), Decimal("0")),
            LineInput("Parts", 4550, Decimal("1"), Decimal("10")),
        ],
    )
    invoice = reload(invoice)
    assert (invoice.subtotal, invoice.tax, invoice.total) == (22550, 455, 23005)
    from doorstep.core.models import AuditEvent

    event = AuditEvent.objects.filter(verb="invoice.changed").get()
    assert "lines" in event.message and "due date" in event.message


def test_invoice_update_refuses_a_total_below_what_was_paid(company):
    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    payment_record_manual(
        company=company, invoice=invoice, amount=8000, method="cash", actor=actor_for(company)
    )
    today = company_today(company)
    with pytest.raises(DomainError):
        invoice_update(
            company=company,
            invoice=invoice,
            actor=actor_for(company),
            customer=payer.customer,
            issue_date=invoice.issue_date,
            due_date=today + timedelta(days=30),
            lines=[LineInput("Smaller", 5000)],
        )
    assert reload(invoice).total == 10000 and reload(invoice).lines.count() == 1


def test_sending_an_estimate_emails_the_customer_a_link_to_it(company, mailbox):
    payer = make_payer(company)
    estimate = make_estimate(payer.customer, title="New water heater")
    mailbox.clear()
    estimate_send(company=company, estimate=estimate, actor=actor_for(company))
    assert reload(estimate).state == EstimateState.SENT
    (email,) = mailbox.to(payer.email)
    text = mailbox.text(email)
    assert estimate.display_number in text and "$1,800.00" in text
    assert f"/p/{company.slug}/estimates/{estimate.pk}/" in text
    estimate_send(company=company, estimate=estimate, actor=actor_for(company))  # resend
    assert len(mailbox.to(payer.email)) == 2
