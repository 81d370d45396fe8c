from __future__ import annotations

import pytest

from doorstep.core.models import AuditEvent
from doorstep.payments.models import Payment

from ..factories import CustomerFactory, make_invoice, staff_user
from .helpers import staff_client

pytestmark = pytest.mark.django_db


def record(client, invoice, **data):
    url = f"/office/admin/billing/invoice/{invoice.pk}/record-payment/"
    client.get(url)
    return client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, **data})


def test_office_records_a_check_and_the_balance_drops(company):
    invoice = make_invoice(CustomerFactory(company=company))  # total 135.31
    client = staff_client(staff_user(company))
    page = client.get(f"/office/admin/billing/invoice/{invoice.pk}/change/").content.decode()
    assert "Record a payment" in page
    response = record(client, invoice, amount="50.00", method="check", note="Check 1043")
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.balance_due) == (5000, invoice.total - 5000)
    payment = Payment.objects.get()
    assert payment.note == "Check 1043" and payment.method == "check"
    assert AuditEvent.objects.filter(target_id=invoice.pk, verb="payment.recorded").exists()


def test_more_than_the_balance_is_refused_next_to_the_amount(company):
    invoice = make_invoice(CustomerFactory(company=company))
    client = staff_client(staff_user(company))
    response = record(client, invoice, amount="9999.00", method="cash")
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == ["That is more than the balance due."]
    response = record(client, invoice, amount="-5", method="cash")
    assert "amount" in response.context["form"].errors
    assert not Payment.objects.exists()


def test_another_companys_invoice_cannot_be_paid_here(company, other_company):
    theirs = make_invoice(CustomerFactory(company=other_company))
    client = staff_client(staff_user(company))
    response = client.get(f"/office/admin/billing/invoice/{theirs.pk}/record-payment/")
    assert response.status_code == 404
    assert not Payment.objects.exists()
