"""Query budgets of payment pages, and recovery: lost responses, lost webhooks, abandoned steps."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from doorstep.core.audit import Actor
from doorstep.payments.checkout import payment_attempt_create
from doorstep.payments.models import DemoIntent, Payment, PaymentState, WebhookEvent
from doorstep.payments.providers.base import ChargeRequest
from doorstep.payments.providers.demo.provider import DemoProvider
from doorstep.payments.reconciliation import payments_reconcile

from .helpers import invoice_for, make_payer, pay, reload, signed_in

pytestmark = pytest.mark.django_db(transaction=True)
VISA = "pm_demo_visa_4242_12_30"


@pytest.mark.parametrize("invoices", [1, 6])
def test_receipt_page_query_count_does_not_grow(
    company, invoices, django_assert_num_queries, request_transaction
):
    payer = make_payer(company)
    bills = [invoice_for(payer) for _ in range(invoices)]
    client = signed_in(payer)
    pay(client, company, bills, payment_method=VISA)
    payment = Payment.objects.get()
    # session (with its company), payment, allocations, their invoices, its receipt email
    with django_assert_num_queries(5 + request_transaction):
        assert client.get(f"/p/{company.slug}/payments/{payment.pk}/receipt").status_code == 200


@pytest.mark.parametrize("invoices", [1, 6])
def test_checkout_page_query_count_does_not_grow(
    company, invoices, django_assert_num_queries, request_transaction
):
    payer = make_payer(company)
    bills = [invoice_for(payer) for _ in range(invoices)]
    client = signed_in(payer)
    query = "&".join(f"invoice={b.pk}" for b in bills)
    with django_assert_num_queries(
        4 + request_transaction
    ):  # the session joined with its company, then 3
        assert client.get(f"/p/{company.slug}/pay?{query}").status_code == 200


@pytest.mark.parametrize("cards", [1, 4])
def test_payment_methods_page_query_count_does_not_grow(
    company, cards, django_assert_num_queries, request_transaction
):
    payer = make_payer(company)
    client = signed_in(payer)
    for n in range(cards):
        pay(
            client,
            company,
            [invoice_for(payer)],
            payment_method=f"pm_demo_visa_424{n}_12_3{n}",
            save_card="on",
        )
    with django_assert_num_queries(
        3 + request_transaction
    ):  # the session joined with its company, then 2
        assert client.get(f"/p/{company.slug}/payment-methods").status_code == 200


def test_a_lost_provider_response_is_replayed_with_the_same_key(company, mailbox):
    """The provider charged, but its answer never reached us: the retry gets the same intent."""
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
    Payment.objects.filter(pk=payment.pk).update(provider_method_ref=VISA)
    request = ChargeRequest(
        amount=payment.amount,
        currency=payment.currency,
        idempotency_key=payment.idempotency_key,
        payment_method=VISA,
        metadata={"payment_id": "0", "company_id": str(company.pk)},  # its event goes nowhere
    )
    DemoProvider().charge(request)  # ... and the response is lost
    assert reload(payment).state == PaymentState.PENDING
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert payments_reconcile()["changed"] == 1
    assert DemoIntent.objects.count() == 1
    assert reload(payment).state == PaymentState.SUCCEEDED
    assert reload(invoice).balance_due == 0
    assert len(mailbox.to(payer.email)) == 1


def test_an_abandoned_confirmation_step_is_cancelled_and_frees_the_balance(company):
    payer = make_payer(company)
    invoice = invoice_for(payer)
    client = signed_in(payer)
    pay(client, company, [invoice], payment_method="pm_demo_visa_3155_12_30")
    payment = Payment.objects.get()
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        payments_reconcile()
    assert reload(payment).state == PaymentState.REQUIRES_ACTION  # still in time
    with time_machine.travel(timezone.now() + timedelta(minutes=45)):
        payments_reconcile()
    assert reload(payment).state == PaymentState.CANCELLED
    assert pay(client, company, [invoice], payment_method=VISA).status_code == 302
    assert reload(invoice).balance_due == 0


def test_an_event_whose_task_was_lost_is_handled_by_reconciliation(company):
    payer = make_payer(company)
    invoice = invoice_for(payer)
    pay(signed_in(payer), company, [invoice], payment_method=VISA)
    WebhookEvent.objects.update(handled_at=None, outcome="")
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert payments_reconcile()["events"] == 1
    assert WebhookEvent.objects.get().handled_at is not None
    assert reload(invoice).amount_paid == invoice.total  # handled again: nothing doubled


def test_demo_webhook_endpoint_refuses_forgeries(client):
    response = client.post(
        "/webhooks/demo",
        data=b'{"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": {}}}',
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=deadbeef",
    )
    assert response.status_code == 400
    assert (
        client.post("/webhooks/unknown", data=b"{}", content_type="application/json").status_code
        == 404
    )
    assert client.get("/webhooks/stripe").status_code == 405


def test_payment_history_selector_shows_real_payments_of_this_customer_only(company, other_company):
    from doorstep.payments.selectors import payments_for_customer

    payer, other = make_payer(company), make_payer(company)
    client = signed_in(payer)
    pay(client, company, [invoice_for(payer)], payment_method="pm_demo_visa_0341_12_30")
    pay(client, company, [invoice_for(payer)], payment_method=VISA)
    pay(signed_in(other), company, [invoice_for(other)], payment_method=VISA)
    [shown] = payments_for_customer(company=company, customer=payer.customer)
    assert shown.state == PaymentState.SUCCEEDED and shown.customer == payer.customer
    assert not payments_for_customer(company=other_company, customer=payer.customer).exists()
