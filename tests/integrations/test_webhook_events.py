"""The domain services emit their events, with the record as the API shows it, in their own
transaction (a change that fails emits nothing)."""

from __future__ import annotations

import json

import pytest
from standardwebhooks import Webhook

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.integrations.external_ids import external_id_set
from doorstep.integrations.models import WebhookEvent
from doorstep.integrations.webhooks.endpoints import webhook_endpoint_create
from doorstep.jobs.services import job_change_status
from doorstep.payments.services import payment_record_manual
from tests.factories import ContactFactory, CustomerFactory, make_invoice, make_job

ACTOR = Actor.system("tests")


@pytest.fixture
def customer(company):
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, email="pat@example.com")
    return customer


def _bodies(receiver, secret):
    return [Webhook(secret).verify(r.body, r.headers) for r in receiver.requests]


def test_a_full_manual_payment_sends_payment_succeeded_and_invoice_paid(
    company, customer, receiver, django_capture_on_commit_callbacks
):
    issued = webhook_endpoint_create(
        company=company,
        url=receiver.url,
        event_types=["invoice.paid", "payment.succeeded"],
        actor=ACTOR,
    )
    invoice = make_invoice(customer)
    external_id_set(
        company=company, object_type="invoice", object_id=invoice.pk, external_id="INV-9"
    )
    with django_capture_on_commit_callbacks(execute=True):
        payment_record_manual(
            company=company, invoice=invoice, amount=5000, method="cash", actor=ACTOR
        )
    assert [b["type"] for b in _bodies(receiver, issued.secret)] == ["payment.succeeded"]

    with django_capture_on_commit_callbacks(execute=True):
        payment_record_manual(
            company=company,
            invoice=invoice,
            amount=invoice.total - 5000,
            method="check",
            actor=ACTOR,
        )
    bodies = _bodies(receiver, issued.secret)
    assert sorted(b["type"] for b in bodies[1:]) == ["invoice.paid", "payment.succeeded"]
    paid = next(b for b in bodies if b["type"] == "invoice.paid")["data"]
    assert paid["object"] == "invoice"
    assert paid["id"] == invoice.pk
    assert paid["external_id"] == "INV-9"
    assert paid["balance_due"] == 0
    assert paid["amount_paid"] == invoice.total  # cents, as the API shows them
    assert paid["status"] == "paid"


def test_a_refused_change_emits_nothing(company, customer, receiver):
    webhook_endpoint_create(company=company, url=receiver.url, event_types=[], actor=ACTOR)
    invoice = make_invoice(customer)
    with pytest.raises(DomainError):
        payment_record_manual(
            company=company, invoice=invoice, amount=invoice.total + 1, method="cash", actor=ACTOR
        )
    assert not WebhookEvent.objects.filter(type__startswith="payment").exists()


def test_a_job_status_change_carries_the_job_and_its_previous_status(
    company, customer, receiver, django_capture_on_commit_callbacks
):
    issued = webhook_endpoint_create(
        company=company, url=receiver.url, event_types=["job.status_changed"], actor=ACTOR
    )
    job = make_job(customer)
    with django_capture_on_commit_callbacks(execute=True):
        job_change_status(
            company=company, job=job, new_status="cancelled", actor=ACTOR, tell_customer=False
        )
    (body,) = _bodies(receiver, issued.secret)
    assert body["data"]["id"] == job.pk
    assert body["data"]["status"] == "cancelled"
    assert body["data"]["previous_status"] == job.status


def test_sending_an_invoice_emits_invoice_sent(
    company, customer, receiver, django_capture_on_commit_callbacks
):
    from doorstep.access.invoice_sending import invoice_send

    issued = webhook_endpoint_create(
        company=company, url=receiver.url, event_types=["invoice.sent"], actor=ACTOR
    )
    invoice = make_invoice(customer, open_=False)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_send(company=company, invoice=invoice, actor=ACTOR)
    (body,) = _bodies(receiver, issued.secret)
    assert body["data"]["state"] == "open"
    assert body["data"]["resent"] is False
    assert json.loads(receiver.requests[0].body)["id"].startswith("msg_")
