"""What a customer owes is stored (billing.CustomerBalance) and kept by the services that
change invoices: after each of them the stored row equals a fresh recompute from the
invoices. A service that forgets to refresh fails `fresh(...)` here."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doorstep.billing.customer_balances import (
    Balance,
    balance_compute,
    balance_read,
    balance_refresh,
)
from doorstep.billing.invoices import LineInput, invoice_open, invoice_update, invoice_void
from doorstep.billing.models import CustomerBalance, Invoice
from doorstep.payments.models import PaymentMethod
from doorstep.payments.refunds import refund_create
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.time import company_today

from ..factories import SYSTEM, CustomerFactory, make_invoice

pytestmark = pytest.mark.django_db


def stored(customer) -> Balance:
    row = CustomerBalance.objects.get(company=customer.company, customer=customer)
    return Balance(row.due_minor, row.overdue_minor, row.unpaid_count, row.overdue_count)


def fresh(customer) -> Balance:
    """The stored row, asserted equal to what the invoices add up to today."""
    today = company_today(customer.company)
    recomputed = balance_compute(company=customer.company, customer=customer, today=today)
    assert stored(customer) == recomputed, "a service changed invoices without a refresh"
    return recomputed


def invoice(customer, cents: int = 10000, **kwargs) -> Invoice:
    return make_invoice(customer, lines=[("Service call", cents, "1", "0")], **kwargs)


def cash(inv: Invoice, amount: int):
    return payment_record_manual(
        company=inv.company, invoice=inv, amount=amount, method=PaymentMethod.CASH, actor=SYSTEM
    )


def test_a_new_invoice_counts_once_it_is_open_not_as_a_draft(company):
    customer = CustomerFactory(company=company)
    draft = invoice(customer, open_=False)
    assert balance_read(company=company, customer=customer, today=company_today(company)) == (
        Balance(0, 0, 0, 0)
    )
    invoice_open(company=company, invoice=draft, actor=SYSTEM)
    assert fresh(customer) == Balance(due=10000, overdue=0, unpaid_count=1, overdue_count=0)
    invoice(customer, 2500)
    assert fresh(customer) == Balance(12500, 0, 2, 0)


def test_paying_in_full_and_in_part(company):
    customer = CustomerFactory(company=company)
    first, second = invoice(customer), invoice(customer, 4000)
    cash(first, 3000)  # partial: still unpaid, less due
    assert fresh(customer) == Balance(11000, 0, 2, 0)
    cash(first, 7000)  # the rest: paid
    assert fresh(customer) == Balance(4000, 0, 1, 0)
    cash(second, 4000)
    assert fresh(customer) == Balance(0, 0, 0, 0)


def test_a_refund_makes_the_invoice_owed_again(company):
    customer = CustomerFactory(company=company)
    inv = invoice(customer)
    payment = cash(inv, 10000)
    assert fresh(customer).due == 0
    refund_create(
        company=company, payment=payment, amount=2500, refund_application_fee=False, actor=SYSTEM
    )
    assert fresh(customer) == Balance(2500, 0, 1, 0)


def test_void_takes_the_invoice_off(company):
    customer = CustomerFactory(company=company)
    keep, gone = invoice(customer, 1000), invoice(customer, 9000)
    invoice_void(company=company, invoice=gone, actor=SYSTEM, reason="Duplicate")
    assert fresh(customer) == Balance(1000, 0, 1, 0)
    assert keep.pk


def _update(inv: Invoice, **changes):
    current = {
        "customer": inv.customer,
        "issue_date": inv.issue_date,
        "due_date": inv.due_date,
        "lines": [LineInput(line.description, line.unit_price) for line in inv.lines.all()],
    }
    return invoice_update(company=inv.company, invoice=inv, actor=SYSTEM, **(current | changes))


def test_moving_an_invoice_to_another_customer_refreshes_both(company):
    old, new = CustomerFactory(company=company), CustomerFactory(company=company)
    inv = invoice(old, 7000)
    invoice(new, 500)
    _update(inv, customer=new)
    assert fresh(old) == Balance(0, 0, 0, 0)
    assert fresh(new) == Balance(7500, 0, 2, 0)


def test_new_lines_and_a_past_due_date_change_what_is_owed(company):
    customer = CustomerFactory(company=company)
    today = company_today(company)
    inv = invoice(customer, issue_date=today - timedelta(days=30))
    _update(inv, lines=[LineInput("Bigger job", 15000)])
    assert fresh(customer) == Balance(15000, 0, 1, 0)
    _update(inv, due_date=today - timedelta(days=1))
    assert fresh(customer) == Balance(15000, 15000, 1, 1)


def test_overdue_comes_with_the_day_a_due_date_passes(company):
    """The row stores the day's overdue figures and the next due date; a read after that
    date refreshes it (one more statement, once), a read before costs the one SELECT."""
    customer = CustomerFactory(company=company)
    today = company_today(company)
    invoice(customer, 1000, due_date=today + timedelta(days=2))
    invoice(customer, 2000, due_date=today + timedelta(days=5))
    with CaptureQueriesContext(connection) as reads:
        assert balance_read(company=company, customer=customer, today=today + timedelta(days=2))
    assert len(reads) == 1  # the due date itself is not overdue yet: the row still holds
    later = today + timedelta(days=3)
    with CaptureQueriesContext(connection) as reads:
        seen = balance_read(company=company, customer=customer, today=later)
    assert seen == Balance(due=3000, overdue=1000, unpaid_count=2, overdue_count=1)
    assert [q["sql"].split(" ", 1)[0] for q in reads] == [
        "SELECT",
        *(["SELECT"] if connection.vendor == "postgresql" else []),  # the customer's lock
        "INSERT",
    ]
    with CaptureQueriesContext(connection) as reads:
        assert balance_read(company=company, customer=customer, today=later) == seen
    assert len(reads) == 1  # stored for that day
    row = CustomerBalance.objects.get(customer=customer)
    assert (row.earliest_unpaid_due, row.next_unpaid_due, row.overdue_as_of) == (
        today + timedelta(days=2),
        today + timedelta(days=5),
        later,
    )
    assert balance_read(
        company=company, customer=customer, today=today + timedelta(days=9)
    ) == Balance(3000, 3000, 2, 2)


def test_the_day_is_the_companys(company):
    company.timezone = "Pacific/Auckland"
    company.save()
    customer = CustomerFactory(company=company)
    with time_machine.travel("2026-11-20 10:00Z", tick=False):  # 23:00 on the 20th there
        invoice(customer, 1000, issue_date=date(2026, 11, 1), due_date=date(2026, 11, 20))
        assert fresh(customer).overdue == 0
    with time_machine.travel("2026-11-20 12:00Z", tick=False):  # the 21st there
        today = company_today(company)
        assert balance_read(company=company, customer=customer, today=today).overdue == 1000
        assert fresh(customer).overdue_count == 1


def test_a_missing_row_is_computed_and_stored_on_first_read(company):
    customer = CustomerFactory(company=company)
    invoice(customer, 1200)
    CustomerBalance.objects.filter(customer=customer).delete()
    today = company_today(company)
    assert balance_read(company=company, customer=customer, today=today) == Balance(1200, 0, 1, 0)
    assert fresh(customer).due == 1200


def test_refreshing_twice_is_an_update_not_a_second_row(company):
    customer = CustomerFactory(company=company)
    invoice(customer)
    balance_refresh(company=company, customer=customer)
    balance_refresh(company=company, customer=customer.pk)
    assert CustomerBalance.objects.filter(customer=customer).count() == 1


def test_the_check_catches_a_change_made_past_the_services(company):
    """The honesty of `fresh`: an invoice paid by a hand-written UPDATE leaves the row stale."""
    customer = CustomerFactory(company=company)
    inv = invoice(customer)
    Invoice.objects.filter(pk=inv.pk).update(amount_paid=10000, balance_due=0)
    with pytest.raises(AssertionError, match="without a refresh"):
        fresh(customer)


def test_only_the_customers_own_company_counts(company, other_company):
    customer = CustomerFactory(company=company)
    elsewhere = CustomerFactory(company=other_company)
    invoice(customer, 100)
    invoice(elsewhere, 999)
    assert fresh(customer) == Balance(100, 0, 1, 0)
    assert fresh(elsewhere) == Balance(999, 0, 1, 0)


def test_balances_refresh_command_rebuilds_every_row(company, other_company):
    customers = [CustomerFactory(company=company) for _ in range(3)]
    for n, customer in enumerate(customers):
        invoice(customer, 1000 * (n + 1))
    quiet = CustomerFactory(company=other_company)  # no invoices: a row of zeros
    CustomerBalance.objects.filter(customer=customers[0]).update(due_minor=1, unpaid_count=1)
    CustomerBalance.objects.filter(customer=customers[1]).delete()
    out = StringIO()
    call_command("balances_refresh", stdout=out)
    assert "2 company(ies)" in out.getvalue()
    assert [fresh(c).due for c in customers] == [1000, 2000, 3000]
    assert fresh(quiet) == Balance(0, 0, 0, 0)
    CustomerBalance.objects.filter(customer=customers[2]).update(due_minor=5)
    call_command("balances_refresh", "--company", company.slug, stdout=StringIO())
    assert fresh(customers[2]).due == 3000


def test_unknown_company_slug_is_refused():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No company"):
        call_command("balances_refresh", "--company", "nope", stdout=StringIO())


def test_tax_and_quantities_follow_the_invoice_totals(company):
    customer = CustomerFactory(company=company)
    inv = make_invoice(customer, lines=[("Filter", 1999, "3", "8.25")])
    assert fresh(customer).due == inv.balance_due
    assert inv.balance_due == round(Decimal(1999 * 3) * Decimal("1.0825"))


def test_paying_online_by_card(company):
    from doorstep.core.audit import Actor
    from doorstep.payments.checkout import payment_attempt_create, payment_charge

    from ..payments.helpers import make_payer

    payer = make_payer(company)
    first, second = invoice(payer.customer, 3000), invoice(payer.customer, 4500)
    payment = payment_attempt_create(
        company=company,
        customer=payer.customer,
        invoice_ids=[first.pk, second.pk],
        amount_text=None,
        method="card",
        actor=Actor.system("test"),
        payer_email=payer.email,
    )
    payment_charge(payment=payment, method_ref="pm_demo_visa_4242_12_30", actor=SYSTEM)
    assert fresh(payer.customer) == Balance(0, 0, 0, 0)


def test_the_office_form_moving_an_invoice_refreshes_both_customers(company):
    from ..backoffice.helpers import post_form, staff_client
    from ..factories import staff_user

    office = staff_client(staff_user(company, username="office"))
    old, new = CustomerFactory(company=company), CustomerFactory(company=company)
    inv = invoice(old, 6000)
    url = f"/office/admin/billing/invoice/{inv.pk}/change/"
    overdue = (company_today(company) - timedelta(days=1)).isoformat()
    response = post_form(
        office,
        url,
        {"customer": str(new.pk), "issue_date": "2026-01-01", "due_date": overdue},
    )
    assert response.status_code == 302
    assert fresh(old) == Balance(0, 0, 0, 0)
    assert fresh(new) == Balance(6000, 6000, 1, 1)
