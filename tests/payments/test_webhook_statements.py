"""The exact SQL statements of handling one webhook event and one duplicate delivery: the
throughput of the inbox is bound by round trips, so the count must not silently grow."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doorstep.core.audit import Actor
from doorstep.core.models import AuditEvent
from doorstep.payments.checkout import payment_attempt_create
from doorstep.payments.models import Payment, PaymentState
from doorstep.payments.providers.stripe.signature import signature_header
from doorstep.payments.webhooks import webhook_handle, webhook_receive
from doorstep.tenancy.rls import tenant_transactions

from .helpers import WEBHOOK_SECRET, intent_object, invoice_for, make_payer, reload, stripe_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_lookup(db):
    """The inbox's look-up of the event's company before it handles the event in that
    company's tenant scope (docs/adr/0003): with tenant transactions on, one SELECT by the
    maintenance role (its own connection in production; here the test's, under SET ROLE, so
    it is captured). Off (SQLite, the owner's connection) there is none."""
    return ["SELECT"] if tenant_transactions() else []


@pytest.fixture
def balance_refresh(db):
    """The paid invoice's customer balance (billing/customer_balances.py): one upsert, after
    the customer's advisory lock on PostgreSQL (SQLite has one writer at a time). Added on
    purpose with the stored balance (issue 15 §3): the portal then reads one row instead of
    adding up invoices on every page."""
    return ["SELECT", "INSERT"] if connection.vendor == "postgresql" else ["INSERT"]


def test_one_event_and_one_duplicate_cost_a_fixed_number_of_statements(
    company, settings, company_lookup, balance_refresh
):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    company.settings.payment_provider = "stripe"
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer)
    payment = payment_attempt_create(
        company=company,
        customer=payer.customer,
        invoice_ids=[invoice.pk],
        amount_text=None,
        method="card",
        actor=Actor.system("test"),
        payer_email=payer.email,
    )
    Payment.objects.filter(pk=payment.pk).update(provider_reference="pi_statements")
    payment = reload(payment)
    payload = json.dumps(
        stripe_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    ).encode()
    signature = signature_header(payload=payload, secret=WEBHOOK_SECRET)

    with CaptureQueriesContext(connection) as new:
        received = webhook_receive(
            provider="stripe", payload=payload, signature=signature, enqueue=False
        )
        assert received.event_pk is not None
        webhook_handle(event_pk=received.event_pk)
    with CaptureQueriesContext(connection) as duplicate:
        again = webhook_receive(
            provider="stripe", payload=payload, signature=signature, enqueue=False
        )
    assert again.reason == "duplicate" and again.event_pk is None
    assert reload(payment).state == PaymentState.SUCCEEDED
    assert reload(invoice).balance_due == 0
    assert (
        AuditEvent.objects.filter(verb__in=["payment.received", "payment.succeeded"]).count() == 2
    )
    # New event: inbox insert; lock the event, the payment (with company, settings, customer),
    # the allocations with their invoices; update the invoice; refresh its customer's
    # balance; the endpoints that may want invoice.paid (outgoing webhooks); update the
    # payment; both audit rows in one insert; the endpoints for payment.succeeded; the
    # adoption ledger (one read: the payment's channel and the invoice's earlier sends; one
    # insert: the payment's "settled" and the invoice's "paid" rows); the contact to greet;
    # the receipt in the outbox; the handled mark.
    statements = [q["sql"].split(" ", 1)[0] for q in new.captured_queries]
    assert statements == [
        "INSERT",
        "SELECT",
        *company_lookup,
        "SELECT",
        "SELECT",
        "UPDATE",
        *balance_refresh,
        "SELECT",  # webhooks: the company's endpoints, once for invoice.paid and payment.succeeded
        "UPDATE",
        "INSERT",
        *("SELECT", "INSERT"),  # adoption ledger
        "SELECT",  # the contact greeted in the receipt
        "INSERT",
        "UPDATE",
    ], new.captured_queries
    # Duplicate: the one insert that the unique index turns into nothing.
    assert len(duplicate.captured_queries) == 1, duplicate.captured_queries


def test_an_event_handled_in_its_request_costs_a_fixed_list_of_statements(
    company, settings, company_lookup, balance_refresh
):
    """The HTTP path (ADR 0004): no handler task, no event-row lock (the new row is invisible
    to others until commit). The receipt's delivery task is queued by the same transaction
    (core/task_enqueue.py: the production queue, django-tasks-db, is in this database), so the
    whole event is one commit. BEGIN/COMMIT are not captured; inside the test's own
    transaction the request's transaction is a savepoint, left out here."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.WEBHOOKS_HANDLE_IN_REQUEST = True
    company.settings.payment_provider = "stripe"
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer)
    payment = payment_attempt_create(
        company=company,
        customer=payer.customer,
        invoice_ids=[invoice.pk],
        amount_text=None,
        method="card",
        actor=Actor.system("test"),
        payer_email=payer.email,
    )
    Payment.objects.filter(pk=payment.pk).update(provider_reference="pi_inline_statements")
    payment = reload(payment)
    payload = json.dumps(
        stripe_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    ).encode()
    signature = signature_header(payload=payload, secret=WEBHOOK_SECRET)
    with CaptureQueriesContext(connection) as new:
        received = webhook_receive(provider="stripe", payload=payload, signature=signature)
    assert received.reason == "handled"
    assert reload(payment).state == PaymentState.SUCCEEDED
    statements = [
        q["sql"].split(" ", 1)[0]
        for q in new.captured_queries
        if "SAVEPOINT" not in q["sql"].split(" ", 2)[:2]
    ]
    assert statements == [
        "INSERT",
        *company_lookup,
        "SELECT",
        "SELECT",
        "UPDATE",
        *balance_refresh,
        # webhooks: the company's endpoints, looked up once for invoice.paid and
        # payment.succeeded (the invoice's company is the payment's instance)
        "SELECT",
        "UPDATE",
        "INSERT",
        *("SELECT", "INSERT"),  # adoption ledger: channel and sends read, both rows written
        "SELECT",  # the contact greeted in the receipt
        "INSERT",  # the receipt in the outbox
        "INSERT",  # its delivery task, in the same transaction
        "UPDATE",
    ], new.captured_queries
