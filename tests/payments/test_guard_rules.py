"""Rules mutation testing showed the suite did not guard: deleting any one of them left the
whole suite green. Each test here fails when its rule is removed (checked by deleting it)."""

import pytest
from django.test import Client

from doorstep.billing.models import CustomerStatus
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.payments.checkout import payment_attempt_create
from doorstep.payments.models import (
    AutopayConsent,
    Payment,
    PaymentSource,
    PaymentState,
    Refund,
    RefundState,
)
from doorstep.payments.refunds import refund_create
from doorstep.payments.tasks import autopay_after_invoice_sent
from doorstep.tenancy.time import company_today

from ..factories import staff_user
from .helpers import (
    WEBHOOK_SECRET,
    intent_object,
    invoice_for,
    make_payer,
    pay,
    post_form,
    post_webhook,
    reload,
    signed_in,
    stripe_event,
)
from .test_stripe_connect import RESPONSES, fake_stripe  # noqa: F401  (the recording fake)

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor.system("test")


def status(invoice):
    return reload(invoice).customer_status(company_today(invoice.company))


@pytest.fixture
def stripe_company(company, settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = "sk_test_unused"
    company.settings.payment_provider = "stripe"
    company.settings.save()
    return company


def stripe_attempt(payer, invoice, reference="pi_guard_1"):
    payment = payment_attempt_create(
        company=payer.company,
        customer=payer.customer,
        invoice_ids=[invoice.pk],
        amount_text=None,
        method="card",
        actor=ACTOR,
        payer_email=payer.email,
    )
    Payment.objects.filter(pk=payment.pk).update(provider_reference=reference)
    return reload(payment)


def test_a_refund_pending_at_the_provider_counts_against_what_can_be_refunded(
    company,
    fake_stripe,  # noqa: F811  (the fixture imported above)
    monkeypatch,
):
    """Rule: refunds.refund_available subtracts refunds still pending at the provider."""
    company.settings.payment_provider = "stripe"
    company.settings.save()
    payer = make_payer(company)
    payment = stripe_attempt(payer, invoice_for(payer, 20000), reference="")
    from doorstep.payments.checkout import payment_charge

    payment = payment_charge(payment=payment, method_ref="pm_connect", actor=ACTOR)
    assert payment.state == PaymentState.SUCCEEDED
    # Stripe answers "pending" for refunds that take days (some cards, bank debits).
    monkeypatch.setitem(
        RESPONSES,
        ("POST", "/v1/refunds"),
        {"id": "re_slow", "object": "refund", "status": "pending"},
    )
    first = refund_create(
        company=company, payment=payment, amount=15000, refund_application_fee=False, actor=ACTOR
    )
    assert first.state == RefundState.PENDING
    with pytest.raises(DomainError, match=r"At most \$50\.00"):
        refund_create(
            company=company,
            payment=payment,
            amount=10000,
            refund_application_fee=False,
            actor=ACTOR,
        )
    assert Refund.objects.count() == 1
    refunds_sent = [r for r in fake_stripe if r[:2] == ("POST", "/v1/refunds")]
    assert len(refunds_sent) == 1


def test_the_office_cannot_record_a_check_while_a_bank_payment_is_processing(company):
    """Rule: payment_record_manual leaves room for online payments still in flight."""
    company.settings.ach_enabled = True
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 10000)
    pay(
        signed_in(payer),
        company,
        [invoice],
        method_choice="ach",
        payment_method="pm_demo_bank_6789",
    )
    assert Payment.objects.get().state == PaymentState.PROCESSING
    office = Client(enforce_csrf_checks=True)
    office.force_login(staff_user(company))
    url = f"/office/admin/billing/invoice/{invoice.pk}/record-payment/"
    response = post_form(office, url, {"amount": "100.00", "method": "check"})
    assert response.status_code == 400
    assert "online payments still in progress ($100.00)" in response.content.decode()
    assert not Payment.objects.filter(source=PaymentSource.MANUAL).exists()
    assert reload(invoice).amount_paid == 0 and reload(invoice).amount_pending == 10000


def test_a_late_success_after_the_invoice_was_paid_another_way_never_overpays(
    stripe_company, mailbox
):
    """Rule: ledger._succeed applies nothing to an invoice with no balance left, and tells
    billing to refund."""
    from doorstep.payments.services import payment_record_manual

    payer = make_payer(stripe_company)
    invoice = invoice_for(payer, 10000)
    payment = stripe_attempt(payer, invoice)
    client = Client()
    declined = intent_object(
        payment, "requires_payment_method", last_payment_error={"code": "card_declined"}
    )
    post_webhook(client, stripe_event("payment_intent.payment_failed", declined))
    assert reload(payment).state == PaymentState.FAILED
    payment_record_manual(
        company=stripe_company,
        invoice=invoice,
        amount=10000,
        method="cash",
        actor=Actor.staff(staff_user(stripe_company)),
    )
    assert status(invoice) == CustomerStatus.PAID
    late = stripe_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    assert post_webhook(client, late).status_code == 200
    payment = reload(payment)
    assert payment.state == PaymentState.SUCCEEDED  # the money did move
    assert "refund the customer" in payment.failure_message
    invoice = reload(invoice)
    assert (invoice.amount_paid, invoice.balance_due) == (10000, 0)
    [alert] = [
        m for m in mailbox.to(stripe_company.billing_email) if "Refund needed" in m["Subject"]
    ]
    assert "Refund the payment" in mailbox.text(alert)


def test_the_webhook_payment_lookup_is_limited_to_the_company_named_in_the_event(
    stripe_company, other_company
):
    """Rule: webhooks._payment_for looks the payment up by id AND company. Two companies on
    the platform account (no connected account), and an attempt whose charge call never
    answered (no provider reference yet): only the company filter stands between an event
    naming company B and company A's payment."""
    other_company.settings.payment_provider = "stripe"
    other_company.settings.save()
    payer = make_payer(stripe_company)
    invoice = invoice_for(payer)
    payment = stripe_attempt(payer, invoice, reference="")
    forged = intent_object(payment, "succeeded", id="pi_of_company_b")
    forged["metadata"]["company_id"] = str(other_company.pk)
    post_webhook(Client(), stripe_event("payment_intent.succeeded", forged))
    assert reload(payment).state == PaymentState.PENDING
    assert reload(payment).provider_reference == ""
    assert status(invoice) == CustomerStatus.UNPAID


def test_revoked_autopay_consent_never_charges(company, mailbox):
    """Rule: autopay_applies only uses consent that was not revoked."""
    payer = make_payer(company)
    client = signed_in(payer)
    pay(
        client,
        company,
        [invoice_for(payer)],
        payment_method="pm_demo_visa_4242_12_30",
        save_card="on",
    )
    card = payer.customer.saved_methods.get()
    url = f"/p/{company.slug}/payment-methods/autopay"
    page = f"/p/{company.slug}/payment-methods"
    post_form(client, url, {"consent": "yes", "saved_method": card.pk}, page=page)
    post_form(client, url, {"action": "off"}, page=page)
    consent = AutopayConsent.objects.get()
    assert consent.revoked_at is not None  # the record stays, as evidence of what was agreed
    invoice = invoice_for(payer)
    autopay_after_invoice_sent(invoice_id=invoice.pk, company_id=company.pk)
    assert not Payment.objects.filter(source=PaymentSource.AUTOPAY).exists()
    assert reload(invoice).balance_due == invoice.total
