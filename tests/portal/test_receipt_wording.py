"""The receipt page says "We've emailed a receipt" only when a receipt email exists."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.payments.services import payment_record_manual

from ..factories import SYSTEM, make_invoice
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db
EMAILED = "We&#x27;ve emailed a receipt"


def receipt_page(alice, payment) -> str:
    client = Client()
    sign_in(client, alice["account"])
    response = client.get(f"/p/{payment.company.slug}/payments/{payment.pk}/receipt")
    assert response.status_code == 200
    return response.content.decode()


def record(alice, *, receipt: bool):
    invoice = make_invoice(alice["customer"], lines=[("Visit", 5000, "1", "0")])
    return payment_record_manual(
        company=invoice.company,
        invoice=invoice,
        amount=2000,
        method="check",
        actor=SYSTEM,
        receipt=receipt,
    )


def test_a_payment_whose_receipt_was_emailed_says_so(alice):
    body = receipt_page(alice, record(alice, receipt=True))
    assert EMAILED in body or "We've emailed a receipt" in body


def test_history_recorded_without_a_receipt_email_does_not_claim_one(alice):
    body = receipt_page(alice, record(alice, receipt=False))
    assert "emailed a receipt" not in body
    assert "payment received" in body  # still the receipt itself
