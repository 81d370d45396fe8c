"""The Stripe provider against localstripe (a real HTTP fake of Stripe's API)."""

import json
import time
import urllib.parse
import urllib.request

import pytest

from doorstep.billing.models import CustomerStatus
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.payments.checkout import payment_attempt_create
from doorstep.payments.methods import autopay_enable
from doorstep.payments.models import (
    Payment,
    PaymentSource,
    PaymentState,
    SavedPaymentMethod,
    WebhookEvent,
)
from doorstep.payments.providers.base import ChargeRequest
from doorstep.payments.providers.stripe.provider import StripeProvider, client
from doorstep.payments.refunds import refund_create
from doorstep.payments.tasks import autopay_after_invoice_sent
from doorstep.tenancy.time import company_today

from .helpers import invoice_for, make_payer, pay, post_form, reload, signed_in

pytestmark = pytest.mark.django_db(transaction=True)
STAFF = Actor.system("test staff")


@pytest.fixture
def stripe_company(company, localstripe):
    company.settings.payment_provider = "stripe"
    company.settings.save()
    return company


def card(number):
    """What Stripe.js does in the browser: turn card details into a pm_... reference."""
    method = client().v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    return method.id


def status(invoice):
    return reload(invoice).customer_status(company_today(invoice.company))


def authenticate(localstripe, payment, success=True):
    """The 3-D Secure window of (fake) Stripe.js."""
    intent = client().v1.payment_intents.retrieve(payment.provider_reference)
    url = (
        f"{localstripe}/v1/payment_intents/{intent.id}/_authenticate"
        f"?success={'true' if success else 'false'}"
    )
    body = json.dumps({"key": "pk_test_12345", "client_secret": intent.client_secret}).encode()
    urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=5)


def test_card_payment_through_stripe(stripe_company, mailbox):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 4200)
    client_ = signed_in(payer)
    page = client_.get(f"/p/{stripe_company.slug}/pay?invoice={invoice.pk}").content.decode()
    assert 'data-client-secret="seti_' in page and "/js.stripe.com/v3/" in page
    response = pay(client_, stripe_company, [invoice], payment_method=card("4242424242424242"))
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.provider_reference.startswith("pi_")
    assert (payment.card_brand, payment.card_last4) == ("visa", "4242")
    intent = client().v1.payment_intents.retrieve(payment.provider_reference)
    assert intent.amount == 4200 and intent.metadata["payment_id"] == str(payment.pk)
    assert status(invoice) == CustomerStatus.PAID
    assert payment.provider_reference in mailbox.text(mailbox.to(payer.email)[0])


def test_declined_card_through_stripe(stripe_company, mailbox):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer)
    response = pay(
        signed_in(payer), stripe_company, [invoice], payment_method=card("4000000000000341")
    )
    assert response.status_code == 402
    assert "declined" in response.content.decode()
    assert Payment.objects.get().state == PaymentState.FAILED
    assert status(invoice) == CustomerStatus.UNPAID
    assert mailbox.to(stripe_company.billing_email)


def test_three_d_secure_through_stripe(stripe_company, localstripe):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer)
    client_ = signed_in(payer)
    response = pay(client_, stripe_company, [invoice], payment_method=card("4000002500003155"))
    payment = Payment.objects.get()
    assert response["Location"].endswith(f"/payments/{payment.pk}/confirm")
    assert payment.state == PaymentState.REQUIRES_ACTION
    page = client_.get(response["Location"]).content.decode()
    assert f'data-client-secret="{payment.provider_reference}_secret_' in page
    authenticate(localstripe, payment)
    done = post_form(client_, response["Location"], {})
    assert done["Location"].endswith("/receipt")
    assert status(invoice) == CustomerStatus.PAID


def test_saved_card_then_off_session_autopay(stripe_company, mailbox):
    payer = make_payer(stripe_company)
    first = invoice_for(payer)
    pay(
        signed_in(payer),
        stripe_company,
        [first],
        payment_method=card("4242424242424242"),
        save_card="on",
    )
    saved = SavedPaymentMethod.objects.get()
    assert saved.provider_customer_ref.startswith("cus_") and saved.last4 == "4242"
    method = client().v1.payment_methods.retrieve(saved.provider_method_ref)
    assert method.customer == saved.provider_customer_ref
    autopay_enable(
        company=stripe_company,
        customer=payer.customer,
        method_id=saved.pk,
        actor=STAFF,
        ip_address="203.0.113.9",
    )
    invoice = invoice_for(payer, 7700)
    autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=stripe_company.pk)
    autopay = Payment.objects.get(source=PaymentSource.AUTOPAY)
    assert autopay.state == PaymentState.SUCCEEDED
    intent = client().v1.payment_intents.retrieve(autopay.provider_reference)
    assert intent.customer == saved.provider_customer_ref and intent.amount == 7700
    assert status(invoice) == CustomerStatus.PAID


def test_autopay_needing_authentication_is_not_retried(stripe_company, localstripe, mailbox):
    payer = make_payer(stripe_company)
    first = invoice_for(payer)
    client_ = signed_in(payer)
    pay(client_, stripe_company, [first], payment_method=card("4000002500003155"), save_card="on")
    payment = Payment.objects.get()
    authenticate(localstripe, payment)
    post_form(client_, f"/p/{stripe_company.slug}/payments/{payment.pk}/confirm", {})
    saved = SavedPaymentMethod.objects.get()
    autopay_enable(
        company=stripe_company,
        customer=payer.customer,
        method_id=saved.pk,
        actor=STAFF,
        ip_address=None,
    )
    invoice = invoice_for(payer)
    mailbox.clear()
    autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=stripe_company.pk)
    autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=stripe_company.pk)
    autopay = Payment.objects.get(source=PaymentSource.AUTOPAY)
    assert autopay.state == PaymentState.FAILED
    assert reload(invoice).action_needed
    assert mailbox.to(payer.email) and mailbox.to(stripe_company.billing_email)


def test_partial_refunds_through_stripe(stripe_company, mailbox):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 10000)
    pay(signed_in(payer), stripe_company, [invoice], payment_method=card("4242424242424242"))
    payment = Payment.objects.get()
    first = refund_create(
        company=stripe_company,
        payment=payment,
        amount=3000,
        refund_application_fee=False,
        actor=STAFF,
    )
    assert first.state == "succeeded" and first.provider_reference.startswith("re_")
    with pytest.raises(DomainError, match="At most"):
        # localstripe would accept it: our own limit refuses it before the provider is asked.
        refund_create(
            company=stripe_company,
            payment=payment,
            amount=8000,
            refund_application_fee=False,
            actor=STAFF,
        )
    refund_create(
        company=stripe_company,
        payment=payment,
        amount=7000,
        refund_application_fee=True,
        actor=STAFF,
    )
    assert reload(payment).amount_refunded == 10000
    assert status(invoice) == CustomerStatus.UNPAID
    refunds = client().v1.refunds.list(params={"payment_intent": payment.provider_reference})
    assert sorted(r.amount for r in refunds.data) == [3000, 7000]


def test_real_signed_webhook_from_localstripe_records_a_payment_the_browser_lost(
    stripe_company, localstripe, live_server
):
    """The customer closed the tab right after paying: the webhook alone records it."""
    time.sleep(1.2)  # let localstripe drop events of earlier tests (sent ~1 s after them)
    register_webhook(localstripe, f"{live_server.url}/webhooks/stripe", "payment_intent.succeeded")
    try:
        webhook_records_payment(stripe_company)
    finally:
        register_webhook(localstripe, "http://127.0.0.1:9/nowhere", "none.none")


def register_webhook(localstripe, url, event_type):
    form = urllib.parse.urlencode(
        [("url", url), ("secret", "whsec_test_doorstep"), ("events[]", event_type)]
    ).encode()
    urllib.request.urlopen(f"{localstripe}/_config/webhooks/doorstep", data=form, timeout=5)


def webhook_records_payment(stripe_company):
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 6100)
    payment = payment_attempt_create(
        company=stripe_company,
        customer=payer.customer,
        invoice_ids=[invoice.pk],
        amount_text=None,
        method="card",
        actor=STAFF,
    )
    StripeProvider().charge(
        ChargeRequest(
            amount=payment.amount,
            currency="usd",
            idempotency_key=payment.idempotency_key,
            payment_method=card("4242424242424242"),
            metadata={"payment_id": str(payment.pk), "company_id": str(stripe_company.pk)},
        )
    )
    # The live server's thread handles the webhook; wait until its transaction is done (the
    # in-memory SQLite of the tests is shared between threads, so poll for both marks).
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        handled = WebhookEvent.objects.filter(
            event_type="payment_intent.succeeded", handled_at__isnull=False
        ).exists()
        if handled and reload(payment).state == PaymentState.SUCCEEDED:
            break
        time.sleep(0.2)
    assert reload(payment).state == PaymentState.SUCCEEDED
    event = WebhookEvent.objects.get(event_type="payment_intent.succeeded")
    assert event.handled_at and event.outcome == f"payment {payment.pk}: pending -> succeeded"
    assert status(invoice) == CustomerStatus.PAID


def test_ach_with_stripe_goes_to_the_bank_collection_step(stripe_company):
    stripe_company.settings.ach_enabled = True
    stripe_company.settings.save()
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer)
    client_ = signed_in(payer)
    response = pay(client_, stripe_company, [invoice], method_choice="ach")
    payment = Payment.objects.get()
    assert response["Location"].endswith(f"/payments/{payment.pk}/confirm")
    assert payment.state == PaymentState.PENDING and payment.method == "ach"
    assert payment.provider_reference.startswith("pi_")
    page = client_.get(response["Location"]).content.decode()
    assert "Connect bank and pay" in page and 'data-ach="1"' in page
    assert status(invoice) == CustomerStatus.UNPAID


def test_checkout_says_so_when_stripe_is_unreachable(stripe_company, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer)
    page = signed_in(payer).get(f"/p/{stripe_company.slug}/pay?invoice={invoice.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Card payments are unavailable" in body and "pay-form" not in body
