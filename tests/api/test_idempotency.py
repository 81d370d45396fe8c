"""Idempotency-Key: the same key twice makes one record; another body is a 422; a repeat
while the first is still running is a 409 (PostgreSQL, real concurrency)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

from doorstep.billing.models import Invoice
from doorstep.core.models import NumberSequence
from doorstep.customers.models import Customer
from doorstep.integrations.models import IdempotentRequest
from tests.factories import CustomerFactory, make_invoice

from .conftest import make_api


@pytest.mark.django_db
def test_the_same_key_twice_creates_one_customer_and_replays_the_answer(api):
    headers = {"Idempotency-Key": "push-1"}
    first = api.post("/api/v1/customers/", {"name": "Ann"}, headers=headers)
    second = api.post("/api/v1/customers/", {"name": "Ann"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_422(api):
    headers = {"Idempotency-Key": "push-2"}
    assert api.post("/api/v1/customers/", {"name": "Ann"}, headers=headers).status_code == 201
    response = api.post("/api/v1/customers/", {"name": "Bob"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_request_is_refused_again_and_keys_are_per_api_key(api, company):
    headers = {"Idempotency-Key": "push-3"}
    assert api.post("/api/v1/customers/", {"name": ""}, headers=headers).status_code == 400
    assert api.post("/api/v1/customers/", {"name": ""}, headers=headers).status_code == 400
    other_key = make_api(company, name="Other system")
    response = other_key.post("/api/v1/customers/", {"name": "Cy"}, headers=headers)
    assert response.status_code == 201


@pytest.mark.django_db
def test_the_record_expires_after_24_hours(api):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    headers = {"Idempotency-Key": "push-4"}
    api.post("/api/v1/customers/", {"name": "Ann"}, headers=headers)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = api.post("/api/v1/customers/", {"name": "Ann"}, headers=headers)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Customer.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_repeat_gets_409_and_one_invoice_is_made(company):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL is not configured (TEST_DATABASE_URL): SQLite serialises writers")
    api = make_api(company)
    customer = CustomerFactory(company=company)
    make_invoice(customer)  # the invoice number counter row exists
    body = {
        "customer": customer.pk,
        "due_date": "2030-01-31",
        "lines": [{"description": "Repair", "unit_price": 9900}],
    }
    headers = {"Idempotency-Key": "invoice-77"}
    answers: dict[str, Any] = {}

    def post(name: str) -> None:
        try:
            answers[name] = api.post("/api/v1/invoices/", body, headers=headers)
        finally:
            connections.close_all()

    first = threading.Thread(target=post, args=("first",))
    # Hold the invoice-number row lock: the first request claims its key, then waits here.
    with transaction.atomic():
        NumberSequence.objects.select_for_update().get(company=company, kind="invoice")
        first.start()
        deadline = time.monotonic() + 10
        while not IdempotentRequest.objects.filter(key="invoice-77").exists():
            assert time.monotonic() < deadline, "the first request never claimed its key"
            time.sleep(0.02)
        second = threading.Thread(target=post, args=("second",))
        second.start()
        second.join(10)
    first.join(10)
    assert answers["second"].status_code == 409
    assert answers["second"].json()["code"] == "idempotency_in_progress"
    assert answers["first"].status_code == 201
    third = api.post("/api/v1/invoices/", body, headers=headers)
    assert third.status_code == 201
    assert third.json()["id"] == answers["first"].json()["id"]
    assert Invoice.objects.filter(company=company).count() == 2
