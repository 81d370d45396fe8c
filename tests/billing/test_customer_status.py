"""Customer-facing status: derived from state, balances and the date where the company is."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from doorstep.billing.models import CustomerStatus
from doorstep.core import money
from doorstep.payments.models import PaymentMethod
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.time import company_today

from ..factories import SYSTEM, CompanyFactory, CustomerFactory, make_invoice

pytestmark = pytest.mark.django_db

DUE = date(2026, 11, 20)


def invoice_for(zone: str):
    company = CompanyFactory(timezone=zone)
    customer = CustomerFactory(company=company)
    return make_invoice(customer, issue_date=date(2026, 11, 1), due_date=DUE)


@pytest.mark.parametrize(
    ("zone", "utc_moment", "expected"),
    [
        # 05:00 UTC on the 21st is still the evening of the 20th in Los Angeles: not overdue.
        ("America/Los_Angeles", datetime(2026, 11, 21, 5, 0, tzinfo=UTC), "unpaid"),
        ("America/Los_Angeles", datetime(2026, 11, 21, 8, 1, tzinfo=UTC), "overdue"),
        # Noon UTC on the 20th is already the 21st in Auckland: overdue there.
        ("Pacific/Auckland", datetime(2026, 11, 20, 12, 0, tzinfo=UTC), "overdue"),
        ("Pacific/Auckland", datetime(2026, 11, 20, 10, 59, tzinfo=UTC), "unpaid"),
    ],
)
def test_overdue_starts_at_midnight_where_the_company_is(zone, utc_moment, expected):
    invoice = invoice_for(zone)
    with time_machine.travel(utc_moment, tick=False):
        assert invoice.customer_status(company_today(invoice.company)) == expected


def test_precedence_paid_pending_overdue_partial_unpaid():
    invoice = invoice_for("America/New_York")
    after_due = date(2026, 11, 25)
    payment_record_manual(
        company=invoice.company,
        invoice=invoice,
        amount=1000,
        method=PaymentMethod.CASH,
        actor=SYSTEM,
    )
    invoice.refresh_from_db()
    assert invoice.customer_status(DUE) == CustomerStatus.PARTIALLY_PAID
    assert invoice.customer_status(after_due) == CustomerStatus.OVERDUE  # overdue wins
    invoice.amount_pending = invoice.balance_due
    assert invoice.customer_status(after_due) == CustomerStatus.PAYMENT_PENDING
    invoice.balance_due = 0
    assert invoice.customer_status(after_due) == CustomerStatus.PAID


@pytest.mark.parametrize(
    ("quantity", "unit_price", "rate", "amount", "tax"),
    [
        ("0.5", 1, "0", 1, 0),  # half a cent rounds up
        ("0.5", -1, "0", -1, 0),  # half up is away from zero for discounts too
        ("1", 1000, "7.25", 1000, 73),  # 72.5 -> 73
        ("3", 333, "8.875", 999, 89),  # 88.66 -> 89
        ("1.333", 750, "0", 1000, 0),  # 999.75 -> 1000
    ],
)
def test_line_rounding_half_up(quantity, unit_price, rate, amount, tax):
    line_amount = money.line_amount(Decimal(quantity), unit_price)
    assert line_amount == amount
    assert money.line_tax(line_amount, Decimal(rate)) == tax


def test_zero_decimal_currency_formats_without_cents():
    assert money.format_money(1500, "JPY") == "¥1,500"
    assert money.format_money(123456, "USD") == "$1,234.56"
    assert money.parse_amount("12.50", currency="USD", locale="en_US") == 1250
    with pytest.raises(ValueError, match="at most 2 digits"):
        money.parse_amount("1.005", currency="USD", locale="en_US")
