"""Every error a customer can meet is a page of their company's portal with a way forward:
the company's name, the navigation when signed in, "Sign in" when not — also with DEBUG on,
where Django would otherwise show its yellow page listing every URL pattern."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.payments.models import AutopayConsent, Payment

from ..payments.helpers import invoice_for, make_payer, pay, signed_in

pytestmark = pytest.mark.django_db

NAV = 'aria-label="Main"'


def branded(response, company, *, signed_in_nav: bool) -> str:
    body = response.content.decode()
    assert company.name in body and "portal.css" in body  # the company's portal page
    assert (NAV in body) is signed_in_nav
    assert "URLconf" not in body and "Traceback" not in body
    return body


@pytest.fixture(params=[False, True], ids=["production", "make-run-debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_another_customers_invoice_at_checkout_is_the_portal_404(company, debug):
    payer, other = make_payer(company), make_payer(company)
    theirs = invoice_for(other)
    response = signed_in(payer).get(f"/p/{company.slug}/pay?invoice={theirs.pk}")
    assert response.status_code == 404
    body = branded(response, company, signed_in_nav=True)
    assert "We couldn" in body and "Go to your account" in body


def test_another_customers_receipt_is_the_portal_404(company, debug):
    payer, other = make_payer(company), make_payer(company)
    client = signed_in(other)
    pay(client, company, [invoice_for(other)], payment_method="pm_demo_visa_4242_12_30")
    theirs = Payment.objects.get()
    response = signed_in(payer).get(f"/p/{company.slug}/payments/{theirs.pk}/receipt")
    assert response.status_code == 404
    branded(response, company, signed_in_nav=True)


def test_a_mistyped_portal_address_is_the_portal_404_signed_in_or_not(company, debug):
    payer = make_payer(company)
    response = signed_in(payer).get(f"/p/{company.slug}/invoicez/")
    assert response.status_code == 404
    branded(response, company, signed_in_nav=True)
    stranger = Client().get(f"/p/{company.slug}/unsubscribe/not-a-real-token/extra")
    assert stranger.status_code == 404
    assert "Sign in to your account" in branded(stranger, company, signed_in_nav=False)


def test_a_missing_slash_still_finds_the_page(company):
    payer = make_payer(company)
    response = signed_in(payer).get(f"/p/{company.slug}/invoices?tab=payments")
    assert response.status_code == 301
    assert response["Location"] == f"/p/{company.slug}/invoices/?tab=payments"


def test_an_unknown_company_gets_the_plain_page(db, debug):
    response = Client().get("/p/no-such-company/invoices/")
    assert response.status_code == 404
    assert "URLconf" not in response.content.decode()


def test_turning_on_autopay_without_ticking_the_box_says_so_next_to_it(company):
    from doorstep.payments.models import SavedPaymentMethod

    company.settings.autopay_enabled = True
    company.settings.save()
    payer = make_payer(company)
    client = signed_in(payer)
    pay(
        client,
        company,
        [invoice_for(payer)],
        payment_method="pm_demo_visa_4242_12_30",
        save_card="on",
    )
    card = SavedPaymentMethod.objects.get()
    client.get(f"/p/{company.slug}/payment-methods")
    response = client.post(
        f"/p/{company.slug}/payment-methods/autopay",
        {"saved_method": card.pk, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 400
    body = branded(response, company, signed_in_nav=True)
    assert "Tick the box to agree to automatic payments." in body
    assert 'aria-describedby="autopay-error"' in body  # next to the box
    assert not AutopayConsent.objects.exists()
