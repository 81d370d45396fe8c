"""Each server error the black-box test found with garbage input (issue 9, item 15), now a 4xx
or a form shown again with a plain message, with nothing saved. The walk over every URL is
tests/core/test_garbage_walk.py; these name the cases one by one."""

from __future__ import annotations

import logging
import time

import pytest
from django.test import Client

from doorstep.billing.models import Invoice
from doorstep.customers.models import Customer
from doorstep.jobs.models import Job
from doorstep.messaging.models import Conversation
from doorstep.payments.models import WebhookEvent
from doorstep.payments.providers.stripe.signature import signature_header

from ..backoffice.helpers import add_inline_row, errors_of, form_data, staff_client
from ..factories import (
    ContactFactory,
    CustomerFactory,
    UserFactory,
    make_job,
    make_portal_account,
    staff_user,
)
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def superuser_client() -> Client:
    return staff_client(UserFactory(is_superuser=True))


def owner_client(company) -> Client:
    return staff_client(staff_user(company, role="owner"))


def post_page(client: Client, url: str, changes: dict) -> object:
    page = client.get(url)
    assert page.status_code == 200
    data = {**form_data(page), **changes, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    return client.post(url, data)


def new_invoice(company, customer_pk) -> dict:
    return {
        "company": str(company.pk),
        "customer": str(customer_pk),
        "kind": "standard",
        "issue_date": "2026-11-01",
        "due_date": "2026-11-15",
    }


def test_superuser_invoice_for_company_a_with_company_bs_customer(company, other_company):
    """Was `RuntimeError: dictionary changed size during iteration` (backoffice/forms.py:39)."""
    theirs = CustomerFactory(company=other_company)
    client = superuser_client()
    url = "/office/admin/billing/invoice/add/"
    page = client.get(url)
    data = {**form_data(page), **new_invoice(company, theirs.pk)}
    add_inline_row(data, "lines", {"position": "0", "description": "Labour", "quantity": "1",
                                   "unit_price": "10.00", "tax_rate": "0"})  # fmt: skip
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    response = client.post(url, data)
    assert response.status_code == 200
    assert errors_of(response)["customer"] == ["Choose one that belongs to this company."]
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("bad", ["abc", HUGE, "1e999999", "-1"])
def test_office_add_forms_with_a_bad_customer_job_or_location(company, bad):
    """Was ValueError / OverflowError when the autocomplete drop-down was shown again."""
    client = owner_client(company)
    response = post_page(
        client, "/office/admin/billing/invoice/add/", {**new_invoice(company, bad), "job": bad}
    )
    assert response.status_code == 200
    assert "customer" in errors_of(response)
    response = post_page(client, "/office/admin/jobs/job/add/", {"customer": bad, "location": bad})
    assert response.status_code == 200
    assert {"customer", "location"} <= set(errors_of(response))
    assert not Invoice.objects.exists() and not Job.objects.exists()


def test_a_record_cannot_move_to_another_company(company, other_company):
    """Was IntegrityError (the job number is unique per company) for a superuser."""
    job = make_job(CustomerFactory(company=company))
    response = post_page(
        superuser_client(),
        f"/office/admin/jobs/job/{job.pk}/change/",
        {"company": other_company.pk},
    )
    assert errors_of(response)["company"] == ["A record cannot move to another company."]
    job.refresh_from_db()
    assert job.company_id == company.pk


@pytest.mark.parametrize("bad", ["abc", HUGE, ""])
def test_list_actions_on_ids_that_are_no_ids(company, bad):
    """Was ValueError ("Field 'id' expected a number") from the action's pk__in filter."""
    customer = CustomerFactory(company=company, name="Kept Customer")
    client = owner_client(company)
    client.get("/office/admin/customers/customer/")
    response = client.post(
        "/office/admin/customers/customer/",
        {"action": "delete_selected", "index": "0", "_selected_action": [str(customer.pk), bad],
         "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )  # fmt: skip
    assert response.status_code == 400
    assert "not one of the rows or options listed" in response.content.decode()
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_a_nul_byte_in_office_search_and_autocomplete(company):
    """Was a PostgreSQL DataError (text cannot hold \\x00)."""
    CustomerFactory(company=company, name="Pat")
    client = owner_client(company)
    response = client.get("/office/admin/customers/customer/", {"q": "pa\x00t"})
    assert response.status_code == 400
    assert "invisible control character (NUL)" in response.content.decode()
    autocomplete = client.get(
        "/office/admin/autocomplete/",
        {"app_label": "jobs", "model_name": "job", "field_name": "customer", "term": "\x00"},
    )
    assert autocomplete.status_code == 400


def test_a_nul_byte_in_a_portal_form_saves_nothing(company, csrf_client):
    customer = CustomerFactory(company=company)
    account = make_portal_account(ContactFactory(customer=customer, email="nul@example.test"))
    sign_in(csrf_client, account)
    page = f"/p/{company.slug}/messages/new"
    assert csrf_client.get(page).status_code == 200
    response = csrf_client.post(
        page,
        {"subject": "Hello\x00", "body": "Text with a \x00 byte",
         "csrfmiddlewaretoken": csrf_client.cookies["csrftoken"].value},
    )  # fmt: skip
    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_ids_beyond_64_bits_in_portal_urls_are_404(company):
    """Was OverflowError on SQLite (a foreign key compared with 20 digits)."""
    customer = CustomerFactory(company=company)
    client = Client()
    sign_in(client, make_portal_account(ContactFactory(customer=customer, email="a@example.test")))
    assert client.get(f"/p/{company.slug}/requests/{HUGE}/photos/1").status_code == 404
    assert client.get(f"/p/{company.slug}/invoices/{HUGE}/").status_code == 404


def test_garbage_app_label_on_autocomplete_is_a_403_without_traceback(company, caplog):
    client = owner_client(company)
    with caplog.at_level(logging.WARNING):
        response = client.get(
            "/office/admin/autocomplete/",
            {"app_label": "x" * 300, "model_name": "[]", "field_name": "1e9", "term": "a"},
        )
    assert response.status_code == 403
    forbidden = [r for r in caplog.records if "Forbidden" in r.getMessage()]
    assert forbidden and all(r.exc_info is None and not r.exc_text for r in forbidden)
    assert "Traceback" not in caplog.text


def test_a_403_never_logs_a_traceback(company, caplog):
    """Permission denied (a technician on the office-only request queue) and a CSRF failure."""
    technician = staff_client(staff_user(company, role="technician"))
    strict = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING):
        denied = technician.get("/office/admin/servicerequests/servicerequest/")
        csrf = strict.post(f"/p/{company.slug}/sign-in/link", {"email": "a@example.test"})
    assert denied.status_code == 403 and csrf.status_code == 403
    assert len([r for r in caplog.records if "Forbidden" in r.getMessage()]) >= 2
    assert all(record.exc_info is None for record in caplog.records)
    assert "Traceback" not in caplog.text


def stripe_post(client: Client, signature: str, body: bytes = b"{}") -> object:
    return client.post(
        "/webhooks/stripe", data=body, content_type="application/json",
        headers={"Stripe-Signature": signature},
    )  # fmt: skip


@pytest.mark.parametrize("provider", ["stripe", "demo"])
def test_a_400_digit_webhook_timestamp_is_a_400(provider, settings, caplog):
    """Was `OverflowError` (unauthenticated) on /webhooks/demo and /webhooks/stripe."""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    response = Client().post(
        f"/webhooks/{provider}", data=b"{}", content_type="application/json",
        headers={"Stripe-Signature": "t=" + "9" * 400 + ",v1=00"},
    )  # fmt: skip
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("signature", ["", "garbage", "t=abc,v1=", "t=1,v1=bad", "t=-5,v1=x"])
def test_bad_stripe_signatures_are_400(settings, signature):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    assert stripe_post(Client(), signature).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_stripe_webhook_without_a_secret_is_a_4xx_and_logged(settings, caplog):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}}'
    signature = signature_header(payload=payload, secret="whsec_any", timestamp=int(time.time()))
    with caplog.at_level(logging.ERROR):
        response = stripe_post(Client(), signature, payload)
    assert response.status_code == 400
    assert "STRIPE_WEBHOOK_SECRET is not set" in caplog.text
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("kinds", ["5", '"abc"', "{", '{"a": 1}', "null", "[1]", "cash"])
def test_autopay_kinds_that_are_not_kinds_are_refused(company, kinds):
    """Was saved as typed (`5`) and broke every page reading the list (5 server errors)."""
    url = f"/office/admin/tenancy/company/{company.pk}/change/"
    response = post_page(owner_client(company), url, {"settings-0-autopay_invoice_kinds": kinds})
    assert response.status_code == 200
    assert errors_of(response)["settings-0-autopay_invoice_kinds"]
    company.settings.refresh_from_db()
    assert company.settings.autopay_invoice_kinds == []


def test_autopay_kinds_are_ticked_boxes(company):
    url = f"/office/admin/tenancy/company/{company.pk}/change/"
    client = owner_client(company)
    page = client.get(url)
    assert 'type="checkbox" name="settings-0-autopay_invoice_kinds"' in page.content.decode()
    data = {**form_data(page), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    data["settings-0-autopay_invoice_kinds"] = ["service_agreement"]
    assert client.post(url, data).status_code == 302
    company.settings.refresh_from_db()
    assert company.settings.autopay_invoice_kinds == ["service_agreement"]
