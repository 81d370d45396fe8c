"""Real threads on PostgreSQL: two transactions paying different invoices of one customer at
once leave the customer's stored balance exact (billing/customer_balances.py's advisory
lock: the later refresh adds up after the earlier transaction has committed)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from doorstep.billing.customer_balances import Balance, balance_compute
from doorstep.billing.models import CustomerBalance
from doorstep.payments.models import PaymentMethod
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.time import company_today

from ..factories import SYSTEM, CustomerFactory, make_invoice

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL); SQLite has one writer at a time")


def test_two_payments_on_two_invoices_of_one_customer_at_once(company):
    customer = CustomerFactory(company=company)
    first, second = (
        make_invoice(customer, lines=[("Service call", cents, "1", "0")]) for cents in (3000, 5000)
    )
    refreshed = threading.Event()
    errors: list[BaseException] = []

    def slow_first():
        # Pays the first invoice, refreshes, then holds its transaction open: the second
        # payment's refresh runs meanwhile and must not store sums that miss this one.
        try:
            with transaction.atomic():
                payment_record_manual(
                    company=company,
                    invoice=first,
                    amount=3000,
                    method=PaymentMethod.CASH,
                    actor=SYSTEM,
                )
                refreshed.set()
                time.sleep(1.0)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def quick_second():
        try:
            refreshed.wait(10)
            payment_record_manual(
                company=company,
                invoice=second,
                amount=5000,
                method=PaymentMethod.CASH,
                actor=SYSTEM,
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow_first), threading.Thread(target=quick_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    row = CustomerBalance.objects.get(customer=customer)
    assert (row.due_minor, row.unpaid_count) == (0, 0)
    today = company_today(company)
    assert balance_compute(company=company, customer=customer, today=today) == Balance(0, 0, 0, 0)
