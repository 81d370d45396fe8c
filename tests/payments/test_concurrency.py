"""Real threads on PostgreSQL: row locks make money exact under concurrency."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from doorstep.billing.models import CustomerStatus
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.payments.checkout import payment_attempt_create, payment_charge
from doorstep.payments.models import Payment, PaymentState, WebhookEvent
from doorstep.tenancy.time import company_today

from .helpers import (
    WEBHOOK_SECRET,
    intent_object,
    invoice_for,
    make_payer,
    post_webhook,
    reload,
    stripe_event,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set TEST_DATABASE_URL)")


def run_at_once(count, work):
    barrier = threading.Barrier(count)
    results = []

    def runner():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_ten_simultaneous_full_balance_payments_one_succeeds(company, mailbox):
    payer = make_payer(company)
    invoice = invoice_for(payer, 50000)
    actor = Actor.system("test")

    def pay_in_full():
        payment = payment_attempt_create(
            company=company,
            customer=payer.customer,
            invoice_ids=[invoice.pk],
            amount_text=None,
            method="card",
            actor=actor,
            payer_email=payer.email,
        )
        return payment_charge(payment=payment, method_ref="pm_demo_visa_4242_12_30", actor=actor)

    results = run_at_once(10, pay_in_full)
    succeeded = [r for r in results if isinstance(r, Payment)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(succeeded) == 1 and len(refused) == 9, results
    assert Payment.objects.filter(state=PaymentState.SUCCEEDED).count() == 1
    invoice = reload(invoice)
    assert invoice.amount_paid == 50000 and invoice.balance_due == 0
    assert invoice.customer_status(company_today(company)) == CustomerStatus.PAID
    assert len(mailbox.to(payer.email)) == 1


def test_the_same_webhook_delivered_concurrently_records_one_payment(company, settings, mailbox):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    company.settings.payment_provider = "stripe"
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 2000)
    payment = payment_attempt_create(
        company=company,
        customer=payer.customer,
        invoice_ids=[invoice.pk],
        amount_text=None,
        method="card",
        actor=Actor.system("test"),
        payer_email=payer.email,
    )
    Payment.objects.filter(pk=payment.pk).update(provider_reference="pi_concurrent")
    event = stripe_event(
        "payment_intent.succeeded", intent_object(reload(payment), "succeeded"), event_id="evt_1"
    )
    results = run_at_once(8, lambda: post_webhook(Client(), event).status_code)
    assert results == [200] * 8
    assert WebhookEvent.objects.count() == 1
    assert reload(invoice).amount_paid == 2000
    assert len(mailbox.to(payer.email)) == 1


def test_two_simultaneous_full_refunds_refund_once(company):
    from doorstep.payments.refunds import refund_create

    payer = make_payer(company)
    invoice = invoice_for(payer, 9000)
    actor = Actor.system("test")
    payment = payment_attempt_create(
        company=company,
        customer=payer.customer,
        invoice_ids=[invoice.pk],
        amount_text=None,
        method="card",
        actor=actor,
    )
    payment = payment_charge(payment=payment, method_ref="pm_demo_visa_4242_12_30", actor=actor)

    def refund_all():
        return refund_create(
            company=company,
            payment=payment,
            amount=9000,
            refund_application_fee=False,
            actor=actor,
        )

    results = run_at_once(5, refund_all)
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert all(isinstance(r, DomainError) for r in results if isinstance(r, Exception))
    assert reload(payment).amount_refunded == 9000
    assert reload(invoice).balance_due == 9000


def test_autopay_run_twice_at_once_charges_once(company):
    from doorstep.payments.autopay import autopay_charge_invoice
    from doorstep.payments.methods import autopay_enable
    from doorstep.payments.models import PaymentSource, SavedPaymentMethod

    from .helpers import pay, signed_in

    payer = make_payer(company)
    pay(
        signed_in(payer),
        company,
        [invoice_for(payer)],
        payment_method="pm_demo_visa_4242_12_30",
        save_card="on",
    )
    card = SavedPaymentMethod.objects.get()
    autopay_enable(
        company=company,
        customer=payer.customer,
        method_id=card.pk,
        actor=Actor.system("test"),
        ip_address=None,
    )
    invoice = invoice_for(payer, 4000)  # created, not sent: the workers below race
    run_at_once(6, lambda: autopay_charge_invoice(invoice_id=invoice.pk, company_id=company.pk))
    assert Payment.objects.filter(source=PaymentSource.AUTOPAY).count() == 1
    assert reload(invoice).amount_paid == 4000
