""" "Pay selected" on the invoice list with nothing ticked: a plain message and the way back,
HTTP 400, nothing created."""

from __future__ import annotations

import pytest

from doorstep.core.models import AuditEvent
from doorstep.payments.models import Payment

from .helpers import invoice_for, make_payer, signed_in

pytestmark = pytest.mark.django_db


def test_pay_selected_with_nothing_ticked_explains_and_leads_back(company):
    payer = make_payer(company)
    invoice_for(payer)
    client = signed_in(payer)
    invoices = client.get(f"/p/{company.slug}/invoices/").content.decode()
    assert f'action="/p/{company.slug}/pay"' in invoices and "Pay selected" in invoices

    response = client.get(f"/p/{company.slug}/pay")  # the GET form, no box ticked
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tick the invoices you want to pay" in page
    assert f'href="/p/{company.slug}/invoices/"' in page and "Back to your invoices" in page

    token = client.cookies["csrftoken"].value
    posted = client.post(
        f"/p/{company.slug}/pay", {"method_choice": "card", "csrfmiddlewaretoken": token}
    )
    assert posted.status_code == 400
    assert "Tick the invoices you want to pay" in posted.content.decode()
    assert not Payment.objects.exists()
    assert not AuditEvent.objects.filter(verb="payment.refused").exists()


def test_an_invoice_link_session_is_led_back_to_its_invoice(company):
    payer = make_payer(company)
    invoice = invoice_for(payer)
    client = signed_in(payer, invoice=invoice)
    response = client.get(f"/p/{company.slug}/pay")
    assert response.status_code == 400
    assert f'href="/p/{company.slug}/invoices/{invoice.pk}/"' in response.content.decode()
