"""Estimates in the office: write one, Send emails the customer a link to it, the decision
and signature and the customer's questions show, staff answer, an accepted one becomes a job.
The payments list finds failed payments, autopay "action needed" and bank payments pending."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from doorstep.billing.estimates import estimate_accept, estimate_comment_add
from doorstep.billing.models import Estimate, EstimateState
from doorstep.core.audit import Actor
from doorstep.payments.models import Payment
from doorstep.payments.tasks import autopay_after_invoice_sent

from ...factories import LocationFactory, make_estimate
from ...payments.helpers import invoice_for, make_payer, pay, post_form, reload, signed_in
from ..helpers import office_client
from .helpers import customer_with_email, lines_data, post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(company) -> Client:
    return office_client(Client(enforce_csrf_checks=True), company, "owner")


def test_an_estimate_is_written_sent_answered_and_turned_into_a_job(company, owner, mailbox):
    customer = customer_with_email(company)
    LocationFactory(customer=customer)
    response = post(
        owner,
        "/office/estimates/new/",
        {
            "customer": customer.pk,
            "title": "New water heater",
            "issue_date": "2026-12-01",
            "expiry_date": "2026-12-31",
            **lines_data(("Water heater", "1", "1,450.00", "8.25"), ("Install", "3", "95", "0")),
        },
    )
    estimate = Estimate.objects.get()
    assert response["Location"] == f"/office/estimates/{estimate.pk}/"
    assert (estimate.subtotal, estimate.tax, estimate.total) == (173500, 11963, 185463)
    assert estimate.state == EstimateState.DRAFT

    post(owner, f"/office/estimates/{estimate.pk}/send/")
    assert reload(estimate).state == EstimateState.SENT
    (email,) = mailbox.to(customer.contacts.get().email)
    text = mailbox.text(email)
    assert estimate.display_number in email["Subject"] and "$1,854.63" in text
    assert f"/p/{company.slug}/estimates/{estimate.pk}/" in text

    customer_actor = Actor.portal("carlos@example.com", "10.0.0.7")
    estimate_comment_add(
        company=company,
        customer=customer,
        estimate=estimate,
        body="Does it include removal of the old one?",
        actor=customer_actor,
    )
    page = owner.get(f"/office/estimates/{estimate.pk}/").content.decode()
    assert "Does it include removal of the old one?" in page
    empty = post(owner, f"/office/estimates/{estimate.pk}/reply/", {"body": "  "})
    assert empty.status_code == 400 and "Write your reply first." in empty.content.decode()
    post(owner, f"/office/estimates/{estimate.pk}/reply/", {"body": "Yes, removal included."})
    assert estimate.comments.filter(from_customer=False, body="Yes, removal included.").exists()

    estimate_accept(
        company=company,
        customer=customer,
        estimate=reload(estimate),
        signature_name="Carlos Williams",
        actor=customer_actor,
    )
    page = owner.get(f"/office/estimates/{estimate.pk}/").content.decode()
    assert "Signed by" in page and "Carlos Williams" in page and "10.0.0.7" in page
    assert "Turn into a job" in page and ">Send<" not in page
    post(owner, f"/office/estimates/{estimate.pk}/convert/")
    job = reload(estimate).job
    assert job is not None and "Water heater" in job.description
    page = owner.get(f"/office/estimates/{estimate.pk}/").content.decode()
    assert job.display_number in page and "Turn into a job" not in page
    assert "emailed to" in page  # History


def test_a_bad_estimate_is_refused_next_to_the_field(company, owner):
    customer = customer_with_email(company)
    response = post(
        owner,
        "/office/estimates/new/",
        {
            "customer": customer.pk,
            "issue_date": "2026-12-10",
            "expiry_date": "2026-12-01",
            **lines_data(("Heater", "1", "1.000,50", "0")),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Estimate.objects.exists()
    assert "The estimate cannot expire before its issue date." in html
    assert "Write the amount like 1,234.56" in html


def test_the_estimate_list_filters_by_state_and_finds_by_number(company, owner):
    customer = customer_with_email(company, "Erin Estimate")
    draft, other = make_estimate(customer), make_estimate(customer_with_email(company, "Zoe"))

    def numbers(query: str) -> set[str]:
        html = owner.get(f"/office/estimates/?{query}").content.decode()
        return set(re.findall(r">(EST-\d{4})</a>", html))

    assert numbers("") == {draft.display_number, other.display_number}
    assert numbers("state=sent") == set()
    assert numbers("q=erin") == {draft.display_number}
    assert numbers(f"q={other.display_number}") == {other.display_number}


def test_the_payments_list_shows_what_needs_someone(company, owner):
    company.settings.ach_enabled = True
    company.settings.autopay_enabled = True
    company.settings.save()
    payer = make_payer(company)
    client = signed_in(payer)
    declined, bank = invoice_for(payer, 1000), invoice_for(payer, 2000)
    pay(client, company, [declined], payment_method="pm_demo_visa_0002_12_30")
    pay(client, company, [bank], method_choice="ach", payment_method="pm_demo_bank_6789")
    # Autopay on a card whose bank asks for confirmation: off-session it fails, and the
    # invoice needs the customer to pay by hand.
    first = invoice_for(payer, 500)
    pay(client, company, [first], payment_method="pm_demo_visa_3155_12_30", save_card="on")
    attempt = Payment.objects.latest("id")
    post_form(client, f"/p/{company.slug}/payments/{attempt.pk}/confirm", {"decision": "approve"})
    post_form(
        client,
        f"/p/{company.slug}/payment-methods/autopay",
        {"saved_method": payer.customer.saved_methods.get().pk, "consent": "yes"},
        page=f"/p/{company.slug}/payment-methods",
    )
    autopaid = invoice_for(payer, 3000)
    autopay_after_invoice_sent(invoice_id=autopaid.pk, company_id=company.pk)
    assert reload(autopaid).action_needed

    def invoices(query: str) -> set[str]:
        html = owner.get(f"/office/payments/?{query}").content.decode()
        return set(re.findall(r">(INV-\d{4})</a>", html))

    assert invoices("status=failed") == {declined.display_number, autopaid.display_number}
    assert invoices("status=ach_pending") == {bank.display_number}
    assert invoices("status=action_needed") == {autopaid.display_number}
    assert invoices("") == {
        declined.display_number,
        bank.display_number,
        first.display_number,
        autopaid.display_number,
    }
    html = owner.get("/office/invoices/?status=failed").content.decode()
    assert set(re.findall(r">(INV-\d{4})</a>", html)) == {
        declined.display_number,
        autopaid.display_number,
    }


def test_emails_to_the_office_open_the_office_pages_of_invoices_and_estimates(company, mailbox):
    from doorstep.core.links import office_change_url

    from ...factories import make_invoice

    customer = customer_with_email(company)
    estimate = make_estimate(customer)
    assert office_change_url(estimate).endswith(f"/office/estimates/{estimate.pk}/")
    invoice = make_invoice(customer)
    assert office_change_url(invoice).endswith(f"/office/invoices/{invoice.pk}/")
    from doorstep.billing.estimates import estimate_change_state

    estimate_change_state(
        company=company, estimate=estimate, new_state="sent", actor=Actor.system()
    )
    mailbox.clear()
    estimate_comment_add(
        company=company,
        customer=customer,
        estimate=estimate,
        body="Can you start Monday?",
        actor=Actor.portal("carlos@example.com"),
    )
    inbox = company.billing_email or company.support_email
    (notice,) = mailbox.to(inbox)
    assert f"/office/estimates/{estimate.pk}/" in mailbox.text(notice)
