"""Provider events in our words: what the inbox stores and handles, whichever provider spoke."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from doorstep.access.models import InvoiceLink, PortalAccountState
from doorstep.core.audit import Actor
from doorstep.payments.checkout import payment_attempt_create
from doorstep.payments.models import Payment, PaymentState, WebhookEvent
from doorstep.payments.providers.base import EventKind, InvalidSignature, RefundUpdate
from doorstep.payments.providers.stripe.events import event_from_payload, event_read
from doorstep.payments.reconciliation import payments_reconcile
from doorstep.payments.webhooks import webhook_handle

from .helpers import intent_object, invoice_for, make_payer, pay, reload, signed_in, stripe_event

pytestmark = pytest.mark.django_db(transaction=True)

VISA = "pm_demo_visa_4242_12_30"


def test_a_demo_payment_reaches_the_inbox_as_a_neutral_event(company):
    """The demo provider sends no webhook: checkout hands its event to the inbox, which
    handles it before the browser's answer is applied, as with a provider's webhook."""
    payer = make_payer(company)
    invoice = invoice_for(payer)
    assert pay(signed_in(payer), company, [invoice], payment_method=VISA).status_code == 302
    payment = Payment.objects.get()
    event = WebhookEvent.objects.get()
    assert (event.provider, event.event_type) == ("demo", "intent.succeeded")
    assert event.payload["kind"] == EventKind.PAYMENT_SUCCEEDED
    assert event.payload["payment_reference"] == payment.provider_reference
    assert event.payload["metadata"]["payment_id"] == str(payment.pk)
    assert event.outcome == f"payment {payment.pk}: pending -> succeeded"
    assert reload(invoice).balance_due == 0


def test_stripe_bodies_are_read_into_our_words():
    failed = event_read(
        stripe_event(
            "payment_intent.payment_failed",
            {
                "id": "pi_1",
                "object": "payment_intent",
                "amount": 5000,
                "amount_received": 0,
                "currency": "usd",
                "metadata": {"payment_id": "7", "company_id": "3"},
                "last_payment_error": {"code": "authentication_required", "message": "3DS"},
            },
            event_id="evt_failed",
            account="acct_1",
        )
    )
    assert (
        failed.kind == EventKind.PAYMENT_FAILED and failed.type == "payment_intent.payment_failed"
    )
    assert (failed.event_id, failed.account, failed.payment_reference) == (
        "evt_failed",
        "acct_1",
        "pi_1",
    )
    assert failed.amounts == (5000,) and failed.currency == "USD"
    assert failed.metadata == {"payment_id": "7", "company_id": "3"}
    assert failed.failure_code == "authentication_required"
    assert failed.failure_message == "Your bank asks you to confirm this payment."

    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": "pi_1",
        "refunds": {"data": [{"id": "re_1", "amount": 2500, "status": "canceled"}]},
    }
    refunded = event_read(stripe_event("charge.refunded", charge))
    assert refunded.kind == EventKind.REFUND_UPDATED and refunded.payment_reference == "pi_1"
    assert refunded.refunds == (RefundUpdate("re_1", 2500, "failed"),)

    assert event_read(stripe_event("customer.created", {"id": "cus_1"})).kind == EventKind.UNUSED
    with pytest.raises(InvalidSignature):
        event_from_payload(b'{"id": "evt_1", "type": "payment_intent.succeeded"}')


def test_an_inbox_row_stored_before_events_were_neutral_is_still_handled(company):
    """A raw Stripe body left unhandled in the inbox by the previous release."""
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
    Payment.objects.filter(pk=payment.pk).update(provider_reference="pi_legacy")
    body = stripe_event("payment_intent.succeeded", intent_object(reload(payment), "succeeded"))
    row = WebhookEvent.objects.create(
        provider="stripe",
        event_id=body["id"],
        event_type=body["type"],
        payload=json.loads(json.dumps(body)),
    )
    assert webhook_handle(event_pk=row.pk) == f"payment {payment.pk}: pending -> succeeded"
    assert reload(payment).state == PaymentState.SUCCEEDED
    assert reload(invoice).balance_due == 0


def test_a_failed_bank_payment_of_a_payer_without_portal_access_links_to_the_checkout(
    company, mailbox
):
    """The invoice link is made only when the email goes, and only for portal access."""
    company.settings.ach_enabled = True
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 30000)
    pay(
        signed_in(payer),
        company,
        [invoice],
        method_choice="ach",
        payment_method="pm_demo_bank_1116",
    )
    payer.account.state = PortalAccountState.DEACTIVATED
    payer.account.save()
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        payments_reconcile()
    text = mailbox.text(mailbox.to(payer.email)[-1])
    assert f"/p/{company.slug}/pay?invoice={invoice.pk}" in text
    assert "/i/" not in text
    assert not InvoiceLink.objects.exists()


def test_the_invoice_link_of_a_failed_bank_payment_opens_that_invoice(company, mailbox):
    company.settings.ach_enabled = True
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 30000)
    pay(
        signed_in(payer),
        company,
        [invoice],
        method_choice="ach",
        payment_method="pm_demo_bank_1116",
    )
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        payments_reconcile()
    link = InvoiceLink.objects.get()
    assert (link.invoice, link.account, link.email) == (invoice, payer.account, payer.email)
    text = mailbox.text(mailbox.to(payer.email)[-1])
    path = text.split("https://portal.example.test", 1)[1].split()[0]
    assert path.startswith(f"/p/{company.slug}/i/")
    assert "View and pay" in Client().get(path).content.decode()
