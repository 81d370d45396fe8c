"""Other customers' and other companies' payments, cards and pages: 404, nothing changed."""

import pytest

from doorstep.payments.models import AutopayConsent, Payment, SavedPaymentMethod

from .helpers import invoice_for, make_payer, pay, post_form, reload, signed_in

pytestmark = pytest.mark.django_db(transaction=True)
VISA = "pm_demo_visa_4242_12_30"


@pytest.fixture
def victim(company):
    payer = make_payer(company)
    pay(signed_in(payer), company, [invoice_for(payer)], payment_method=VISA, save_card="on")
    return payer


def test_payment_pages_of_another_customer_or_company(victim, company, other_company):
    payment = Payment.objects.get()
    card = SavedPaymentMethod.objects.get()
    same_company = make_payer(company)
    elsewhere = make_payer(other_company)
    for attacker in (same_company, elsewhere):
        client = signed_in(attacker)
        slug = attacker.company.slug
        for url in (
            f"/p/{slug}/payments/{payment.pk}/receipt",
            f"/p/{slug}/payments/{payment.pk}/confirm",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert payment.provider_reference not in response.content.decode()
        removed = post_form(
            client,
            f"/p/{slug}/payment-methods/{card.pk}/remove",
            {},
            page=f"/p/{slug}/payment-methods",
        )
        assert removed.status_code == 404
        autopay = post_form(
            client,
            f"/p/{slug}/payment-methods/autopay",
            {"saved_method": card.pk, "consent": "yes"},
            page=f"/p/{slug}/payment-methods",
        )
        assert autopay.status_code == 404
        assert "4242" not in client.get(f"/p/{slug}/payment-methods").content.decode()
    assert reload(card).removed_at is None
    assert not AutopayConsent.objects.exists()


def test_a_customer_cannot_pay_with_another_customers_saved_card(victim, company):
    card = SavedPaymentMethod.objects.get()
    thief = make_payer(company)
    invoice = invoice_for(thief)
    response = pay(
        signed_in(thief), company, [invoice], method_choice="saved", saved_method=card.pk
    )
    assert response.status_code == 404
    assert Payment.objects.count() == 1


def test_pay_without_csrf_token_is_refused(victim, company):
    payer = make_payer(company)
    invoice = invoice_for(payer)
    client = signed_in(payer)
    response = client.post(
        f"/p/{company.slug}/pay",
        {"invoice": invoice.pk, "method_choice": "card", "payment_method": VISA},
    )
    assert response.status_code == 403
    assert Payment.objects.count() == 1


def test_autopay_consent_needs_the_box_ticked(victim, company):
    client = signed_in(victim)
    card = SavedPaymentMethod.objects.get()
    response = post_form(
        client,
        f"/p/{company.slug}/payment-methods/autopay",
        {"saved_method": card.pk},
        page=f"/p/{company.slug}/payment-methods",
    )
    assert response.status_code == 400 and not AutopayConsent.objects.exists()


def test_confirm_page_query_count(company, django_assert_num_queries, request_transaction):
    payer = make_payer(company)
    client = signed_in(payer)
    pay(client, company, [invoice_for(payer)], payment_method="pm_demo_visa_3155_12_30")
    payment = Payment.objects.get()
    # session (with its company), payment, allocations, their invoices
    with django_assert_num_queries(4 + request_transaction):
        assert client.get(f"/p/{company.slug}/payments/{payment.pk}/confirm").status_code == 200
