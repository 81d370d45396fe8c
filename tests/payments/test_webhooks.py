"""Stripe webhooks built and signed in the tests (what localstripe does not send)."""

import time

import pytest
from django.test import Client

from doorstep.billing.models import CustomerStatus
from doorstep.core.audit import Actor
from doorstep.core.models import AuditEvent
from doorstep.payments.checkout import payment_attempt_create
from doorstep.payments.models import (
    Payment,
    PaymentState,
    Refund,
    WebhookEvent,
    WebhookRejection,
)
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

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def stripe_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = "sk_test_unused"


@pytest.fixture
def stripe_company(company):
    company.settings.payment_provider = "stripe"
    company.settings.save()
    return company


def attempt(payer, invoice, *, method="card", reference="pi_test_1", state=None):
    payment = payment_attempt_create(
        company=payer.company,
        customer=payer.customer,
        invoice_ids=[invoice.pk],
        amount_text=None,
        method=method,
        actor=Actor.system("test"),
        payer_email=payer.email,
    )
    Payment.objects.filter(pk=payment.pk).update(provider_reference=reference)
    return reload(payment)


def status(invoice):
    return reload(invoice).customer_status(company_today(invoice.company))


def test_forged_stale_and_unsigned_webhooks_are_refused(stripe_company, settings):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer)
    payment = attempt(payer, invoice)
    client = Client()
    event = stripe_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    assert post_webhook(client, event, secret="whsec_forged").status_code == 400
    stale = int(time.time()) - 301
    assert post_webhook(client, event, timestamp=stale).status_code == 400
    unsigned = client.post("/webhooks/stripe", data=b"{}", content_type="application/json")
    assert unsigned.status_code == 400
    assert WebhookRejection.objects.count() == 3
    assert not WebhookEvent.objects.exists()
    assert reload(payment).state == PaymentState.PENDING and status(invoice) == "unpaid"
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post_webhook(client, event).status_code == 400  # misconfigured: logged, never a 5xx
    assert reload(payment).state == PaymentState.PENDING


def test_succeeded_event_pays_once_however_often_it_comes(stripe_company, mailbox):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 5000)
    payment = attempt(payer, invoice)
    event = stripe_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    client = Client()
    first, second = post_webhook(client, event), post_webhook(client, event)
    assert first.status_code == second.status_code == 200
    assert second.content == b"duplicate"
    assert reload(payment).state == PaymentState.SUCCEEDED
    assert status(invoice) == CustomerStatus.PAID
    assert len(mailbox.to(payer.email)) == 1
    assert WebhookEvent.objects.get().handled_at is not None


def test_late_events_never_move_a_payment_backwards(stripe_company):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer)
    payment = attempt(payer, invoice, method="card")
    client = Client()
    for event_type, state in [
        ("payment_intent.succeeded", "succeeded"),
        ("payment_intent.processing", "processing"),
        ("payment_intent.payment_failed", "requires_payment_method"),
        ("payment_intent.canceled", "canceled"),
    ]:
        post_webhook(client, stripe_event(event_type, intent_object(payment, state)))
    assert reload(payment).state == PaymentState.SUCCEEDED
    assert status(invoice) == CustomerStatus.PAID


def test_ach_processing_then_succeeded(stripe_company):
    stripe_company.settings.ach_enabled = True
    stripe_company.settings.save()
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer)
    payment = attempt(payer, invoice, method="ach")
    client = Client()
    post_webhook(
        client, stripe_event("payment_intent.processing", intent_object(payment, "processing"))
    )
    assert status(invoice) == CustomerStatus.PAYMENT_PENDING
    post_webhook(
        client, stripe_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    )
    assert status(invoice) == CustomerStatus.PAID and invoice.amount_pending == 0


def test_ach_failure_after_processing_reopens_and_notifies(stripe_company, mailbox):
    stripe_company.settings.ach_enabled = True
    stripe_company.settings.save()
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer)
    payment = attempt(payer, invoice, method="ach")
    client = Client()
    # Out of order: the failure arrives first, then the (older) processing event.
    processing = stripe_event("payment_intent.processing", intent_object(payment, "processing"))
    post_webhook(client, processing)
    failed = intent_object(
        payment,
        "requires_payment_method",
        last_payment_error={"code": "account_closed", "message": "The bank account is closed."},
    )
    post_webhook(client, stripe_event("payment_intent.payment_failed", failed))
    post_webhook(
        client, stripe_event("payment_intent.processing", intent_object(payment, "processing"))
    )
    assert reload(payment).state == PaymentState.FAILED
    assert status(invoice) == CustomerStatus.UNPAID and invoice.amount_pending == 0
    assert "The bank account is closed." in mailbox.text(mailbox.to(payer.email)[-1])
    assert mailbox.to(stripe_company.billing_email)


def test_refund_made_at_the_provider_follows_on_the_invoice(stripe_company, mailbox):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 10000)
    payment = attempt(payer, invoice)
    client = Client()
    post_webhook(
        client, stripe_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    )
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": payment.provider_reference,
        "metadata": intent_object(payment, "succeeded")["metadata"],
        "refunds": {"data": [{"id": "re_1", "amount": 2500, "status": "succeeded"}]},
    }
    post_webhook(client, stripe_event("charge.refunded", charge))
    post_webhook(client, stripe_event("charge.refunded", charge))  # a new event id, same refund
    too_much = {
        **charge,
        "refunds": {"data": [{"id": "re_2", "amount": 9000, "status": "succeeded"}]},
    }
    post_webhook(client, stripe_event("charge.refunded", too_much))
    refund = Refund.objects.get()
    assert refund.amount == 2500 and refund.provider_reference == "re_1"
    assert reload(invoice).balance_due == 2500
    assert status(invoice) == CustomerStatus.PARTIALLY_PAID
    assert "Refund of $25.00" in mailbox.to(payer.email)[-1]["Subject"]


def test_connect_fee_and_events_of_another_account_are_ignored(stripe_company):
    stripe_company.settings.stripe_account_id = "acct_company_a"
    stripe_company.settings.platform_fee_basis_points = 150
    stripe_company.settings.save()
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 10000)
    payment = attempt(payer, invoice)
    assert payment.platform_fee_amount == 150  # 1.5%, computed on the server
    client = Client()
    succeeded = intent_object(payment, "succeeded")
    for account in ("acct_someone_else", None):
        post_webhook(client, stripe_event("payment_intent.succeeded", succeeded, account=account))
    assert reload(payment).state == PaymentState.PENDING
    assert set(WebhookEvent.objects.values_list("outcome", flat=True)) == {
        "ignored: another account"
    }
    post_webhook(
        client, stripe_event("payment_intent.succeeded", succeeded, account="acct_company_a")
    )
    assert reload(payment).state == PaymentState.SUCCEEDED
    assert status(invoice) == CustomerStatus.PAID


def test_platform_default_fee_is_zero(stripe_company):
    stripe_company.settings.stripe_account_id = "acct_company_a"
    stripe_company.settings.save()
    payer = make_payer(stripe_company)
    assert attempt(payer, invoice_for(payer)).platform_fee_amount == 0


def test_event_for_a_payment_of_another_company_is_ignored(stripe_company, other_company):
    other_company.settings.payment_provider = "stripe"
    other_company.settings.save()
    payer = make_payer(stripe_company)
    payment = attempt(payer, invoice_for(payer))
    forged = intent_object(payment, "succeeded")
    forged["metadata"]["company_id"] = str(other_company.pk)
    forged["id"] = "pi_other"
    post_webhook(Client(), stripe_event("payment_intent.succeeded", forged))
    assert reload(payment).state == PaymentState.PENDING


def test_a_success_for_another_amount_or_currency_pays_nothing_and_alerts_billing(
    stripe_company, mailbox
):
    """Seen: a signed `succeeded` for 1 JPY from the company's own connected account marked a
    $100.00 USD invoice paid."""
    stripe_company.settings.stripe_account_id = "acct_company_a"
    stripe_company.settings.save()
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 10000)
    payment = attempt(payer, invoice)
    client = Client()
    for wrong in ({"currency": "eur"}, {"amount": 9999}, {"amount": 1, "currency": "jpy"}):
        forged = {**intent_object(payment, "succeeded"), **wrong}
        event = stripe_event("payment_intent.succeeded", forged, account="acct_company_a")
        assert post_webhook(client, event).status_code == 200
    payment = reload(payment)
    assert payment.state == PaymentState.PENDING
    assert "¥1 JPY" in payment.provider_mismatch and "$100.00 USD" in payment.provider_mismatch
    assert reload(invoice).balance_due == 10000 and status(invoice) == "unpaid"
    assert AuditEvent.objects.filter(target_id=payment.pk, verb="payment.mismatch").count() == 3
    assert not AuditEvent.objects.filter(verb="payment.received").exists()
    assert mailbox.to(payer.email) == []  # no receipt
    alerts = mailbox.to(stripe_company.billing_email)
    assert len(alerts) == 3 and "different amount" in alerts[0]["Subject"]
    assert "¥1 JPY" in mailbox.text(alerts[-1])
    assert set(WebhookEvent.objects.values_list("outcome", flat=True)) == {
        f"ignored: amount or currency mismatch on payment {payment.pk}"
    }
    # The real event still settles the attempt; the flag stays for staff to see.
    right = stripe_event(
        "payment_intent.succeeded", intent_object(payment, "succeeded"), account="acct_company_a"
    )
    post_webhook(client, right)
    assert reload(payment).state == PaymentState.SUCCEEDED and status(invoice) == "paid"
    assert reload(payment).provider_mismatch


def test_the_demo_providers_events_are_checked_the_same_way(company, mailbox):
    from doorstep.payments.providers.demo.events import demo_secret

    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    payment = payment_attempt_create(
        company=company,
        customer=payer.customer,
        invoice_ids=[invoice.pk],
        amount_text=None,
        method="card",
        actor=Actor.system("test"),
    )
    forged = {**intent_object(payment, "succeeded"), "amount": 1, "currency": "jpy"}
    event = stripe_event("payment_intent.succeeded", forged)
    assert post_webhook(Client(), event, secret=demo_secret(), provider="demo").status_code == 200
    assert reload(payment).state == PaymentState.PENDING and reload(payment).provider_mismatch
    assert reload(invoice).balance_due == 10000
    assert len(mailbox.to(company.billing_email)) == 1


def test_a_verified_event_is_handled_inside_its_request(stripe_company, mailbox):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 4200)
    payment = attempt(payer, invoice, reference="pi_inline")
    event = stripe_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    response = post_webhook(Client(), event)
    assert response.status_code == 200 and response.content == b"handled"
    row = WebhookEvent.objects.get(event_id=event["id"])
    assert row.handled_at is not None and row.company_id == stripe_company.pk
    assert row.outcome == f"payment {payment.pk}: pending -> succeeded"
    assert reload(invoice).balance_due == 0
    assert len(mailbox.to(payer.email)) == 1


def test_when_handling_fails_the_event_is_kept_and_the_queue_handles_it(
    stripe_company, mailbox, monkeypatch
):
    from doorstep.payments import webhooks

    real_dispatch, calls = webhooks._dispatch, []

    def fails_once(row, event):
        calls.append(event.event_id)
        if len(calls) == 1:
            raise RuntimeError("a bug in a handler")
        return real_dispatch(row, event)

    monkeypatch.setattr(webhooks, "_dispatch", fails_once)
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 4200)
    payment = attempt(payer, invoice, reference="pi_retry")
    event = stripe_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    response = post_webhook(Client(), event)
    # Stored (not lost, no retry storm from the provider) and handled by the queued task.
    assert response.status_code == 200 and response.content == b"stored"
    assert len(calls) == 2
    assert WebhookEvent.objects.get(event_id=event["id"]).handled_at is not None
    assert reload(payment).state == PaymentState.SUCCEEDED
    assert reload(invoice).balance_due == 0
    assert len(mailbox.to(payer.email)) == 1
    assert post_webhook(Client(), event).content == b"duplicate"
    assert len(calls) == 2
