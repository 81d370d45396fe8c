"""Every customer-facing email and text in the company's words: a live preview with sample
values, a broken wording refused with a message (nothing saved), reset to the default."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.core.models import AuditEvent
from doorstep.notifications.events import EVENTS
from doorstep.notifications.models import MessageTemplate

from ..helpers import office_client

pytestmark = pytest.mark.django_db

URL = "/office/settings/messages/invoice_sent/"


@pytest.fixture
def owner(company):
    return office_client(Client(), company, "owner")


def test_every_customer_message_is_listed_for_rewording(owner):
    page = owner.get("/office/settings/messages/").content.decode()
    for label in (
        "Invoice",
        "Overdue invoice reminder",
        "Payment receipt",
        "Sign-in link",
        "Portal invitation",
        "Estimate",
        "Service request approved",
        "Service request declined",
        "Technician on the way",
        "Job completed",
    ):
        assert f">{label}</a>" in page, label
    for event in EVENTS:
        assert f'href="/office/settings/messages/{event}/"' in page, event


def test_live_preview_renders_the_real_email_with_sample_values(owner, company):
    response = owner.post(
        URL + "preview",
        {"email_subject": "Bill {invoice_number}", "email_body": "Howdy {customer_name}!"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "Subject:</strong> Bill INV-0042" in page
    assert "Howdy Pat!" in page
    assert "View and pay: https://portal.example/" in page  # the fixed part of the email
    assert not MessageTemplate.objects.exists()  # a preview saves nothing


def test_a_broken_wording_is_refused_with_a_message_and_nothing_saved(owner, company):
    preview = owner.post(URL + "preview", {"email_subject": "Hi {{ secret }}", "email_body": "x"})
    assert "cannot be used yet" in preview.content.decode()
    for body in ("Hi {customer.email}", "Hi {customer_name", "{% load x %}"):
        response = owner.post(URL, {"email_subject": "Invoice", "email_body": body})
        assert response.status_code == 400, body
        page = response.content.decode()
        assert 'id="id_email_body_error"' in page
    assert (
        "You can use: {customer_name}"
        in owner.post(
            URL, {"email_subject": "Invoice", "email_body": "Hi {customer.email}"}
        ).content.decode()
    )
    assert not MessageTemplate.objects.exists()


def test_saving_then_resetting_to_the_default_is_audited(owner, company):
    response = owner.post(
        URL, {"email_subject": "Your bill {invoice_number}", "email_body": "Thanks {customer_name}"}
    )
    assert response.status_code == 302
    saved = MessageTemplate.objects.get(company=company, event="invoice_sent")
    assert saved.email_subject == "Your bill {invoice_number}"
    assert "Your words" in owner.get("/office/settings/messages/").content.decode()
    confirm = owner.get(URL + "reset").content.decode()
    assert "Put “Invoice” back to Doorstep&#x27;s words?" in confirm
    assert MessageTemplate.objects.filter(pk=saved.pk).exists()  # asking deleted nothing
    owner.post(URL + "reset", {"confirmed": "1"})
    assert not MessageTemplate.objects.filter(company=company).exists()
    verbs = list(AuditEvent.objects.filter(company=company).values_list("verb", flat=True))
    assert "message_template.changed" in verbs and "message_template.reset" in verbs


def test_the_phone_code_text_must_keep_the_code(owner):
    response = owner.post(
        "/office/settings/messages/phone_verification/", {"sms_body": "Your code is ready"}
    )
    assert response.status_code == 400
    assert "must include {code}" in response.content.decode()


def test_an_unknown_message_is_a_404(owner):
    assert owner.get("/office/settings/messages/nope/").status_code == 404
