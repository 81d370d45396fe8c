"""Settings in plain words: owners only; each page saves, audits, and refuses bad input next
to the field without saving anything; exact query counts that do not grow with the company."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.core.models import AuditEvent
from doorstep.tenancy.models import Company, CompanySettings

from ...factories import CustomerFactory, make_invoice
from ..helpers import office_client

pytestmark = pytest.mark.django_db

PAGES = {
    "/office/settings/": 5,
    "/office/settings/portal/": 5,
    "/office/settings/sign-in/": 5,
    "/office/settings/payments/": 5,
    "/office/settings/branding/": 4,
    "/office/settings/branding/contrast?accent_color=%23ffe066": 4,
    "/office/settings/notifications/": 5,
    "/office/settings/messages/": 5,
    "/office/settings/messages/invoice_sent/": 5,
    "/office/settings/messages/job_on_the_way/": 5,
    "/office/settings/messages/phone_verification/": 5,
    "/office/settings/messages/invoice_sent/reset": 4,
    "/office/settings/plan/": 5,
}


@pytest.fixture
def owner(company):
    return office_client(Client(), company, "owner")


def fresh(company):
    return CompanySettings.objects.get(company=company)


@pytest.mark.parametrize("url", list(PAGES))
def test_every_settings_page_has_a_fixed_query_count(
    owner, company, url, django_assert_num_queries
):
    owner.get(url)
    with django_assert_num_queries(PAGES[url]):
        assert owner.get(url).status_code == 200
    for _ in range(30):  # a bigger company costs the same
        make_invoice(CustomerFactory(company=company))
    with django_assert_num_queries(PAGES[url]):
        assert owner.get(url).status_code == 200


@pytest.mark.parametrize("role", ["office", "billing", "technician"])
def test_only_owners_change_settings(company, role):
    client = office_client(Client(), company, role)
    for url in ("/office/settings/", "/office/settings/payments/", "/office/staff/"):
        assert client.get(url).status_code == 403
    response = client.post("/office/settings/portal/", {"portal_enabled": ""})
    assert response.status_code == 403
    assert fresh(company).portal_enabled


def test_office_staff_may_reword_messages_as_the_roles_table_says(company):
    client = office_client(Client(), company, "office")
    assert client.get("/office/settings/messages/invoice_sent/").status_code == 200
    assert (
        office_client(Client(), company, "billing").get("/office/settings/messages/").status_code
        == 403
    )


def test_portal_sections_are_saved_and_audited(owner, company):
    data = {
        "portal_enabled": "on",
        "service_requests_enabled": "on",
        "jobs_section_enabled": "on",
        "invoices_section_enabled": "on",
        "documents_section_enabled": "on",
        "messages_section_enabled": "on",
        "requests_section_enabled": "on",
        # estimates left unticked: switched off
    }
    response = owner.post("/office/settings/portal/", data)
    assert response.status_code == 302
    assert not fresh(company).estimates_section_enabled
    assert fresh(company).jobs_section_enabled
    event = AuditEvent.objects.get(company=company, verb="settings.changed")
    assert event.message == "Portal settings changed: Estimates (off)"


def test_outside_the_plan_a_section_is_explained_and_cannot_be_switched(owner, company):
    company.plan = "starter"
    company.save()
    page = owner.get("/office/settings/portal/").content.decode()
    assert "Available on the Pro plan" in page
    owner.post("/office/settings/portal/", {"portal_enabled": "on"})  # nothing ticked
    row = fresh(company)
    assert row.estimates_section_enabled and row.messages_section_enabled  # not in the form
    assert not row.jobs_section_enabled


def test_sign_in_link_lifetime_is_refused_next_to_the_field_and_nothing_saved(owner, company):
    response = owner.post(
        "/office/settings/sign-in/",
        {
            "sign_in_mode": "passwordless",
            "registration_policy": "reject",
            "login_link_minutes": "90",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_login_link_minutes_error"' in page
    assert "at most 60 minutes" in page
    assert fresh(company).login_link_minutes == 15
    assert not AuditEvent.objects.filter(verb="settings.changed").exists()


PAYMENTS = {
    "payment_provider": "demo",
    "partial_payments_allowed": "on",
    "partial_payment_minimum": "$25.00",
    "autopay_enabled": "on",
    "autopay_invoice_kinds": ["service_agreement"],
}


def test_payments_in_dollars_and_checkboxes_never_cents_or_json(owner, company):
    page = owner.get("/office/settings/payments/").content.decode()
    assert 'value="10.00"' in page  # the $10 default, typed as money
    assert "[]" not in page and "cents" not in page.lower() and "basis points" not in page
    assert 'type="checkbox" name="autopay_invoice_kinds" value="service_agreement"' in page
    assert owner.post("/office/settings/payments/", PAYMENTS).status_code == 302
    row = fresh(company)
    assert row.partial_payment_minimum == 2500
    assert row.autopay_invoice_kinds == ["service_agreement"]
    assert row.partial_payments_allowed


def test_a_bad_amount_is_refused_in_plain_words(owner, company):
    response = owner.post(
        "/office/settings/payments/", {**PAYMENTS, "partial_payment_minimum": "ten dollars"}
    )
    assert response.status_code == 400
    assert 'id="id_partial_payment_minimum_error"' in response.content.decode()
    assert fresh(company).partial_payment_minimum == 1000


def test_the_platform_fee_is_a_percentage_set_by_the_operator_only(owner, company):
    owner.post("/office/settings/payments/", {**PAYMENTS, "platform_fee_percent": "0"})
    assert fresh(company).platform_fee_basis_points is None  # owners have no such field
    operator = Client()
    from ...factories import UserFactory

    operator.force_login(UserFactory(is_superuser=True))
    operator.post("/office/company/", {"company": company.pk})
    assert (
        operator.post(
            "/office/settings/payments/", {**PAYMENTS, "platform_fee_percent": "1.5"}
        ).status_code
        == 302
    )
    assert fresh(company).platform_fee_basis_points == 150
    assert "1.5%" in owner.get("/office/settings/payments/").content.decode()
    bad = operator.post("/office/settings/payments/", {**PAYMENTS, "platform_fee_percent": "12"})
    assert bad.status_code == 400 and "from 0 to 10" in bad.content.decode()
    assert fresh(company).platform_fee_basis_points == 150


def test_branding_warns_about_a_light_colour_and_refuses_a_non_colour(owner, company):
    warning = owner.get("/office/settings/branding/contrast?accent_color=%23ffe066")
    assert "hard to read" in warning.content.decode()
    assert (
        "hard to read"
        not in owner.get(
            "/office/settings/branding/contrast?accent_color=%231f6feb"
        ).content.decode()
    )
    base = {"accent_color": "#ffe066", "support_phone": "555", "support_email": "a@b.test"}
    response = owner.post("/office/settings/branding/", {**base, "pdf_terms": "Net 30"})
    assert response.status_code == 302
    company = Company.objects.get(pk=company.pk)
    assert company.accent_color == "#ffe066" and company.pdf_terms == "Net 30"
    assert "hard to read" in owner.get("/office/settings/branding/").content.decode()
    bad = owner.post(
        "/office/settings/branding/", {**base, "accent_color": "red; x", "support_email": "nope"}
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Choose a colour" in page and 'id="id_support_email_error"' in page
    assert Company.objects.get(pk=company.pk).support_email == "a@b.test"


def test_a_logo_that_is_not_a_picture_is_refused(owner, company):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n<html><script>x</script>")
    response = owner.post(
        "/office/settings/branding/",
        {"accent_color": "#1f6feb", "logo": fake, "support_email": ""},
    )
    assert response.status_code == 400
    assert 'id="id_logo_error"' in response.content.decode()
    assert not Company.objects.get(pk=company.pk).logo


def test_notification_defaults_apply_to_customers_who_have_not_chosen(owner, company):
    from doorstep.notifications.customer_notices import customer_channels

    customer = CustomerFactory(company=company)
    assert customer_channels(company=company, customer=customer, event="job_completed") == (
        True,
        False,
    )
    owner.post("/office/settings/notifications/", {"job_completed__sms": "on"})
    company = Company.objects.select_related("settings").get(pk=company.pk)
    assert customer_channels(company=company, customer=customer, event="job_completed") == (
        False,
        True,
    )
    assert AuditEvent.objects.filter(verb="settings.changed", company=company).exists()
