from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from doorstep.billing.models import CustomerStatus, Invoice
from doorstep.core.errors import DomainError
from doorstep.payments.models import PaymentMethod
from doorstep.payments.services import payment_record_manual

from ..factories import SYSTEM, CustomerFactory, make_invoice

pytestmark = pytest.mark.django_db


def test_totals_round_each_line_half_up_then_add_up():
    customer = CustomerFactory()
    invoice = make_invoice(
        customer,
        lines=[
            ("Labour", 3333, "1.5", "8.25"),  # 4999.5 -> 5000; tax 412.5 -> 413
            ("Washer", 199, "3", "8.25"),  # 597; tax 49.2525 -> 49
            ("Discount", -500, "1", "0"),  # -500
        ],
    )
    assert (invoice.subtotal, invoice.tax, invoice.total) == (5097, 462, 5559)
    assert invoice.balance_due == 5559
    assert invoice.display_number == "INV-0001"


def test_numbers_are_sequential_per_company():
    a, b = CustomerFactory(), CustomerFactory()
    first, second = make_invoice(a), make_invoice(a)
    other = make_invoice(b)
    assert (first.number, second.number, other.number) == (1, 2, 1)


def test_status_follows_payments_and_company_date():
    customer = CustomerFactory()
    invoice = make_invoice(customer, issue_date=date(2026, 11, 1), due_date=date(2026, 11, 20))
    assert invoice.customer_status(date(2026, 11, 20)) == CustomerStatus.UNPAID
    assert invoice.customer_status(date(2026, 11, 21)) == CustomerStatus.OVERDUE
    payment_record_manual(
        company=customer.company,
        invoice=invoice,
        amount=5000,
        method=PaymentMethod.CHECK,
        actor=SYSTEM,
    )
    invoice.refresh_from_db()
    assert invoice.customer_status(date(2026, 11, 20)) == CustomerStatus.PARTIALLY_PAID
    payment_record_manual(
        company=customer.company,
        invoice=invoice,
        amount=invoice.balance_due,
        method=PaymentMethod.CASH,
        actor=SYSTEM,
    )
    invoice.refresh_from_db()
    assert invoice.customer_status(date(2026, 12, 31)) == CustomerStatus.PAID


def test_overpayment_is_refused_and_changes_nothing():
    customer = CustomerFactory()
    invoice = make_invoice(customer)
    with pytest.raises(DomainError):
        payment_record_manual(
            company=customer.company,
            invoice=invoice,
            amount=invoice.total + 1,
            method=PaymentMethod.CASH,
            actor=SYSTEM,
        )
    invoice.refresh_from_db()
    assert invoice.amount_paid == 0


def test_database_refuses_negative_totals_and_cross_company_rows():
    customer = CustomerFactory()
    invoice = make_invoice(customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(subtotal=-1, total=-1 + invoice.tax)
    stranger = CustomerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(customer=stranger)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(due_date=invoice.issue_date - timedelta(1))
