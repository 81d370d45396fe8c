"""Two invoices created at the same moment get different numbers: real threads, each with its
own database connection and transaction (PostgreSQL; SQLite serialises writers anyway)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from doorstep.billing.invoices import LineInput, invoice_create
from doorstep.billing.models import Invoice
from doorstep.jobs.models import Job

from ..factories import SYSTEM, CustomerFactory, LocationFactory, make_job

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]

THREADS, EACH = 6, 4


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL): SQLite has no concurrent writers")


def run_at_once(work) -> list[BaseException]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(EACH):
                work()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_invoices_created_at_once_get_different_numbers():
    customer = CustomerFactory()  # no invoice yet: the counter row itself is created in the race
    today = timezone.localdate()

    def create() -> None:
        invoice_create(
            company=customer.company,
            customer=customer,
            due_date=today + timedelta(days=7),
            lines=[LineInput("Service call", 9900)],
            actor=SYSTEM,
        )

    assert run_at_once(create) == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 1))


def test_jobs_created_at_once_get_different_numbers():
    customer = CustomerFactory()
    location = LocationFactory(customer=customer)
    make_job(customer, location=location)

    def create() -> None:
        make_job(customer, location=location)

    assert run_at_once(create) == []
    numbers = sorted(Job.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 2))
