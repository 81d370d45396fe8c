"""Stripe Connect requests as seen by a recording fake Stripe API (localstripe lacks Connect)."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from doorstep.core.audit import Actor
from doorstep.payments.checkout import payment_attempt_create, payment_charge
from doorstep.payments.methods import provider_customer_ensure
from doorstep.payments.models import PaymentState
from doorstep.payments.refunds import refund_create

from .helpers import invoice_for, make_payer

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor.system("test")

RESPONSES = {
    ("GET", "/v1/payment_methods/pm_connect"): {
        "id": "pm_connect",
        "object": "payment_method",
        "type": "card",
        "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030},
    },
    ("POST", "/v1/payment_intents"): {
        "id": "pi_connect",
        "object": "payment_intent",
        "status": "succeeded",
        "client_secret": "pi_connect_secret_1",
        "latest_charge": None,
    },
    ("POST", "/v1/refunds"): {"id": "re_connect", "object": "refund", "status": "succeeded"},
    ("POST", "/v1/customers"): {"id": "cus_connect", "object": "customer"},
}


class FakeStripe(BaseHTTPRequestHandler):
    requests: list = []

    def _answer(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = urllib.parse.parse_qs(self.rfile.read(length).decode())
        path = self.path.split("?")[0]
        FakeStripe.requests.append((method, path, dict(self.headers), body))
        payload = json.dumps(RESPONSES[(method, path)]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self._answer("GET")

    def do_POST(self):
        self._answer("POST")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_stripe(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeStripe.requests = []
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    settings.STRIPE_SECRET_KEY = "sk_test_platform"
    yield FakeStripe.requests
    server.shutdown()
    server.server_close()


def test_connected_account_header_fee_and_idempotency_key(company, fake_stripe, settings):
    settings.DOORSTEP_INSTALLATION_ID = "install-a"
    company.settings.payment_provider = "stripe"
    company.settings.stripe_account_id = "acct_company_a"
    company.settings.platform_fee_basis_points = 150
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 20000)
    payment = payment_attempt_create(
        company=company,
        customer=payer.customer,
        invoice_ids=[invoice.pk],
        amount_text=None,
        method="card",
        actor=ACTOR,
    )
    payment = payment_charge(payment=payment, method_ref="pm_connect", actor=ACTOR)
    assert payment.state == PaymentState.SUCCEEDED and payment.platform_fee_amount == 300
    [create] = [r for r in fake_stripe if r[:2] == ("POST", "/v1/payment_intents")]
    _, _, headers, body = create
    assert headers["Stripe-Account"] == "acct_company_a"
    assert headers["Idempotency-Key"] == f"doorstep-install-a-payment-{payment.pk}"
    assert body["application_fee_amount"] == ["300"] and body["amount"] == ["20000"]
    assert body["metadata[payment_id]"] == [str(payment.pk)]
    assert all(r[2].get("Stripe-Account") == "acct_company_a" for r in fake_stripe)

    refund = refund_create(
        company=company, payment=payment, amount=5000, refund_application_fee=True, actor=ACTOR
    )
    _, _, headers, body = fake_stripe[-1]
    assert headers["Stripe-Account"] == "acct_company_a"
    assert headers["Idempotency-Key"] == f"doorstep-install-a-refund-{refund.pk}"
    assert body["refund_application_fee"] == ["true"] and body["amount"] == ["5000"]


def test_without_a_connected_account_no_fee_and_no_header(company, fake_stripe):
    company.settings.payment_provider = "stripe"
    company.settings.platform_fee_basis_points = 150
    company.settings.save()
    payer = make_payer(company)
    payment = payment_attempt_create(
        company=company,
        customer=payer.customer,
        invoice_ids=[invoice_for(payer).pk],
        amount_text=None,
        method="card",
        actor=ACTOR,
    )
    payment_charge(payment=payment, method_ref="pm_connect", actor=ACTOR)
    [create] = [r for r in fake_stripe if r[:2] == ("POST", "/v1/payment_intents")]
    assert "Stripe-Account" not in create[2]
    assert "application_fee_amount" not in create[3]


def test_installations_sharing_a_stripe_account_never_share_a_key(company, fake_stripe, settings):
    """Staging and production on one Stripe account both have a payment #1: with the old
    `doorstep-payment-<pk>` keys Stripe replayed one's answer to the other (no charge made)."""
    company.settings.payment_provider = "stripe"
    company.settings.save()
    payer = make_payer(company)
    payment = payment_attempt_create(
        company=company,
        customer=payer.customer,
        invoice_ids=[invoice_for(payer).pk],
        amount_text=None,
        method="card",
        actor=ACTOR,
    )
    for installation in ("staging", "production"):
        settings.DOORSTEP_INSTALLATION_ID = installation
        payment_charge(payment=payment, method_ref="pm_connect", actor=ACTOR)
        provider_customer_ensure(company=company, customer=payer.customer, email=payer.email)
        payer.customer.provider_customers.all().delete()  # the other installation has none
    keys = [r[2].get("Idempotency-Key") for r in fake_stripe if r[0] == "POST"]
    pk, customer = payment.pk, f"{company.pk}-{payer.customer.pk}-"
    assert keys == [
        f"doorstep-staging-payment-{pk}",
        f"doorstep-staging-customer-{customer}",
        f"doorstep-production-payment-{pk}",
        f"doorstep-production-customer-{customer}",
    ]
