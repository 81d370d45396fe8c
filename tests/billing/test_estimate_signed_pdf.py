"""The signed copy of an accepted estimate: what it says (pypdf), only once accepted, only to
its own customer, the same file for the office, and the links to it."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from doorstep.billing.estimates import ACCEPTANCE_TERMS, estimate_change_state
from doorstep.billing.invoices import LineInput

from ..factories import SYSTEM, ContactFactory, CustomerFactory, make_estimate, make_portal_account
from ..office.helpers import office_client
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db

# The gate's, the estimate with its location, its lines and comments (the estimate page's
# selector), the customer: the same however many lines or comments it has.
QUERIES = 5


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def sent(company):
    company.timezone = "America/Chicago"
    company.save()
    customer = CustomerFactory(company=company, name="Dana Whitfield")
    estimate = make_estimate(
        customer,
        title="Water heater replacement",
        lines=[
            LineInput("50 gal water heater", 180000),
            LineInput("Expansion tank", 12500, tax_rate=Decimal("8.25")),
        ],
    )
    estimate_change_state(company=company, estimate=estimate, new_state="sent", actor=SYSTEM)
    client = Client()
    sign_in(client, make_portal_account(ContactFactory(customer=customer)))
    return {"company": company, "estimate": estimate, "client": client}


def pdf_url(company, estimate) -> str:
    return reverse("portal:estimate_signed_pdf", args=[company.slug, estimate.pk])


def accept(sent, time_machine, name="Dana Whitfield"):
    company, estimate = sent["company"], sent["estimate"]
    time_machine.move_to(datetime(2026, 11, 20, 21, 5, tzinfo=UTC), tick=False)
    page = reverse("portal:estimate_detail", args=[company.slug, estimate.pk])
    response = sent["client"].post(page, {"action": "accept", "signature_name": name})
    assert response.status_code == 302
    estimate.refresh_from_db()
    assert estimate.state == "accepted"


def test_signed_copy_has_lines_totals_signature_time_and_terms(sent, time_machine):
    accept(sent, time_machine)
    company, estimate = sent["company"], sent["estimate"]
    response = sent["client"].get(pdf_url(company, estimate))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{estimate.display_number}-signed.pdf"'
    )
    text = " ".join(pdf_text(response.content).split())
    for expected in (
        company.name,
        "ESTIMATE",
        estimate.display_number,
        "Water heater replacement",
        "50 gal water heater",
        "Expansion tank",
        "$1,800.00",
        "$125.00",
        "$1,925.00",
        "$10.31",
        "$1,935.31",
        "Accepted and signed by Dana Whitfield",
        # 21:05 UTC is 3:05 PM in Chicago (CST), the company's zone.
        "November 20, 2026, 3:05 PM CST",
        ACCEPTANCE_TERMS,
    ):
        assert expected in text, expected


def test_the_terms_printed_are_those_signed_even_if_the_wording_changes(sent, time_machine):
    accept(sent, time_machine)
    estimate = sent["estimate"]
    assert estimate.accepted_terms == ACCEPTANCE_TERMS
    type(estimate).objects.filter(pk=estimate.pk).update(accepted_terms="The words of then.")
    text = pdf_text(sent["client"].get(pdf_url(sent["company"], estimate)).content)
    assert "The words of then." in text and ACCEPTANCE_TERMS not in " ".join(text.split())


def test_no_signed_copy_before_it_is_accepted_or_when_declined(sent):
    company, estimate = sent["company"], sent["estimate"]
    response = sent["client"].get(pdf_url(company, estimate))
    assert response.status_code == 404
    assert b"once the estimate has been accepted" in response.content
    page = sent["client"].get(reverse("portal:estimate_detail", args=[company.slug, estimate.pk]))
    assert pdf_url(company, estimate) not in page.content.decode()
    sent["client"].post(
        reverse("portal:estimate_detail", args=[company.slug, estimate.pk]),
        {"action": "decline", "reason": "Too dear"},
    )
    assert sent["client"].get(pdf_url(company, estimate)).status_code == 404
    staff = office_client(Client(), company)
    office_url = reverse("office:estimates:signed_pdf", args=[estimate.pk])
    assert staff.get(office_url).status_code == 404


def test_another_customers_estimate_is_not_found(sent, time_machine, other_company):
    accept(sent, time_machine)
    company, estimate = sent["company"], sent["estimate"]
    neighbour = Client()
    next_door = CustomerFactory(company=company)
    sign_in(neighbour, make_portal_account(ContactFactory(customer=next_door)))
    assert neighbour.get(pdf_url(company, estimate)).status_code == 404
    outsider = Client()
    elsewhere = CustomerFactory(company=other_company)
    sign_in(outsider, make_portal_account(ContactFactory(customer=elsewhere)))
    assert outsider.get(pdf_url(other_company, estimate)).status_code == 404
    other_staff = office_client(Client(), other_company)
    office_url = reverse("office:estimates:signed_pdf", args=[estimate.pk])
    assert other_staff.get(office_url).status_code == 404


def test_linked_from_the_estimate_page_and_the_office(sent, time_machine):
    accept(sent, time_machine)
    company, estimate, client = sent["company"], sent["estimate"], sent["client"]
    page = client.get(reverse("portal:estimate_detail", args=[company.slug, estimate.pk]))
    assert pdf_url(company, estimate) in page.content.decode()
    staff = office_client(Client(), company)
    office_url = reverse("office:estimates:signed_pdf", args=[estimate.pk])
    detail = staff.get(reverse("office:estimates:detail", args=[estimate.pk]))
    assert office_url in detail.content.decode()
    assert staff.get(office_url).content == client.get(pdf_url(company, estimate)).content


def test_signed_copy_query_count(sent, time_machine, django_assert_num_queries):
    accept(sent, time_machine)
    company, estimate, client = sent["company"], sent["estimate"], sent["client"]
    client.get(pdf_url(company, estimate))
    with django_assert_num_queries(QUERIES):
        assert client.get(pdf_url(company, estimate)).status_code == 200
