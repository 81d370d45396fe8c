"""Back-office forms: bad input gets a message next to the field and changes nothing; good
input goes through the services (numbering, totals, status history, audit)."""

from __future__ import annotations

import pytest

from doorstep.billing.models import Invoice, InvoiceState
from doorstep.core.models import AuditEvent
from doorstep.jobs.models import Job, JobEvent, JobStatus

from ..factories import (
    CustomerFactory,
    LocationFactory,
    TechnicianFactory,
    make_invoice,
    make_job,
    staff_user,
)
from .helpers import add_inline_row, errors_of, form_data, post_form, staff_client

pytestmark = pytest.mark.django_db

LINES = "lines"  # inline prefix of LineItem on the invoice form


@pytest.fixture
def office(company):
    user = staff_user(company, username="office", first_name="Olive", last_name="Office")
    return staff_client(user)


def new_invoice_data(customer, **changes):
    data = {
        "customer": str(customer.pk),
        "kind": "standard",
        "issue_date": "2026-11-01",
        "due_date": "2026-11-15",
    }
    data.update(changes)
    return data


def test_creating_an_invoice_numbers_it_and_computes_totals(company, office):
    customer = CustomerFactory(company=company)
    make_invoice(customer)  # INV-0001 exists already
    url = "/office/admin/billing/invoice/add/"
    page = office.get(url)
    data = form_data(page)
    data.update(new_invoice_data(customer))
    add_inline_row(
        data,
        LINES,
        {
            "position": "0",
            "description": "Labour",
            "quantity": "1.5",
            "unit_price": "33.33",
            "tax_rate": "8.25",
        },
    )
    data["csrfmiddlewaretoken"] = office.cookies["csrftoken"].value
    response = office.post(url, data)
    assert response.status_code == 302, errors_of(response)
    invoice = Invoice.objects.for_company(company).order_by("-number").first()
    assert invoice.number == 2 and invoice.currency == company.currency
    assert (invoice.subtotal, invoice.tax, invoice.total) == (5000, 413, 5413)
    assert AuditEvent.objects.filter(target_id=invoice.pk, verb="invoice.created").exists()


def test_negative_quantity_is_refused_next_to_the_field(company, office):
    invoice = make_invoice(CustomerFactory(company=company))
    url = f"/office/admin/billing/invoice/{invoice.pk}/change/"
    response = post_form(office, url, {f"{LINES}-0-quantity": "-2"})
    assert response.status_code == 200
    assert errors_of(response)[f"{LINES}-0-quantity"] == ["Quantity must be more than zero."]
    invoice.refresh_from_db()
    assert invoice.lines.get().quantity == 1


def test_due_date_before_issue_date_is_refused(company, office):
    invoice = make_invoice(CustomerFactory(company=company))
    url = f"/office/admin/billing/invoice/{invoice.pk}/change/"
    response = post_form(office, url, {"due_date": "2000-01-01"})
    assert errors_of(response)["due_date"] == ["The due date cannot be before the issue date."]
    invoice.refresh_from_db()
    assert invoice.due_date.year != 2000


def test_discounts_cannot_make_an_invoice_negative(company, office):
    invoice = make_invoice(CustomerFactory(company=company))
    url = f"/office/admin/billing/invoice/{invoice.pk}/change/"
    page = office.get(url)
    data = form_data(page)
    add_inline_row(
        data,
        LINES,
        {
            "position": "1",
            "description": "Discount",
            "quantity": "1",
            "unit_price": "-500",
            "tax_rate": "0",
        },
    )
    data["csrfmiddlewaretoken"] = office.cookies["csrftoken"].value
    response = office.post(url, data)
    assert "Discounts cannot make the total negative." in errors_of(response)[LINES]
    assert invoice.lines.count() == 1


def test_an_invoice_with_no_lines_cannot_be_sent(company, office):
    invoice = make_invoice(CustomerFactory(company=company), lines=[], open_=False)
    office.get("/office/admin/billing/invoice/")
    response = office.post(
        "/office/admin/billing/invoice/",
        {
            "action": "open_invoices",
            "_selected_action": [str(invoice.pk)],
            "csrfmiddlewaretoken": office.cookies["csrftoken"].value,
        },
        follow=True,
    )
    assert "has no lines; add what you charge first." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT


def test_invoice_edit_is_recorded_and_shown_in_history(company, office):
    invoice = make_invoice(CustomerFactory(company=company))
    url = f"/office/admin/billing/invoice/{invoice.pk}/change/"
    response = post_form(
        office,
        url,
        {"notes": "Gate code 1234", f"{LINES}-0-unit_price": "150.00"},
    )
    assert response.status_code == 302, errors_of(response)
    invoice.refresh_from_db()
    assert invoice.subtotal == 15000
    event = AuditEvent.objects.filter(target_id=invoice.pk, verb="invoice.changed").get()
    assert event.actor_label == "Olive Office"
    assert "notes" in event.message.lower() and "line items: changed" in event.message
    page = office.get(url).content.decode()
    assert "History" in page and "Olive Office" in page and "invoice.changed" in page


def test_job_location_of_another_customer_is_refused(company, office):
    customer, neighbour = CustomerFactory(company=company), CustomerFactory(company=company)
    response = post_form(
        office,
        "/office/admin/jobs/job/add/",
        {
            "customer": str(customer.pk),
            "location": str(LocationFactory(customer=neighbour).pk),
            "title": "Fix the boiler",
            "new_status": "unscheduled",
        },
    )
    assert errors_of(response)["location"] == ["That location belongs to another customer."]
    assert not Job.objects.exists()


def test_job_status_change_goes_through_the_service_and_is_recorded(company, office):
    job = make_job(CustomerFactory(company=company))
    url = f"/office/admin/jobs/job/{job.pk}/change/"
    refused = post_form(office, url, {"new_status": "in_progress"})
    assert "cannot become in progress" in errors_of(refused)["new_status"][0]
    tech = TechnicianFactory(company=company)
    response = post_form(
        office,
        url,
        {
            "new_status": "scheduled",
            "scheduled_start_0": "2026-11-25",
            "scheduled_start_1": "09:00",
            "technician": str(tech.pk),
            "status_note": "Booked by phone",
        },
    )
    assert response.status_code == 302, errors_of(response)
    job.refresh_from_db()
    assert job.status == JobStatus.SCHEDULED and job.technician == tech
    last = JobEvent.objects.filter(job=job).last()
    assert (last.from_status, last.to_status, last.note) == (
        "unscheduled",
        "scheduled",
        "Booked by phone",
    )
    verbs = set(AuditEvent.objects.filter(target_id=job.pk).values_list("verb", flat=True))
    assert {"job.created", "job.status_changed", "job.changed"} <= verbs
    page = office.get(url).content.decode()
    assert "Unscheduled → Scheduled" in page


def test_creating_a_job_in_the_office_numbers_it(company, office):
    customer = CustomerFactory(company=company)
    response = post_form(
        office,
        "/office/admin/jobs/job/add/",
        {
            "customer": str(customer.pk),
            "location": str(LocationFactory(customer=customer).pk),
            "title": "Replace the water heater",
            "new_status": "unscheduled",
        },
    )
    assert response.status_code == 302, errors_of(response)
    job = Job.objects.get()
    assert job.display_number == "JOB-0001" and job.events.count() == 1


def test_two_primary_contacts_are_refused(company, office):
    customer = CustomerFactory(company=company)
    url = f"/office/admin/customers/customer/{customer.pk}/change/"
    page = office.get(url)
    data = form_data(page)
    for n in range(2):
        add_inline_row(
            data,
            "contacts",
            {"name": f"P{n}", "email": f"p{n}@example.test", "phone": "", "is_primary": "on"},
        )
    data["csrfmiddlewaretoken"] = office.cookies["csrftoken"].value
    response = office.post(url, data)
    assert errors_of(response)["contacts-1-is_primary"] == [
        "Only one contact can be the primary contact."
    ]
    assert customer.contacts.count() == 0


def test_a_paid_invoice_stays_with_its_customer(company, office):
    from doorstep.payments.services import payment_record_manual

    from ..factories import SYSTEM

    invoice = make_invoice(CustomerFactory(company=company))
    payment_record_manual(
        company=company, invoice=invoice, amount=1000, method="cash", actor=SYSTEM
    )
    other = CustomerFactory(company=company)
    url = f"/office/admin/billing/invoice/{invoice.pk}/change/"
    response = post_form(office, url, {"customer": str(other.pk)})
    assert errors_of(response)["customer"] == [
        "This invoice was sent or paid; it stays with its customer."
    ]
    invoice.refresh_from_db()
    assert invoice.customer != other


def test_prices_are_typed_in_the_companys_currency(db):
    from ..factories import CompanyFactory

    yen = CompanyFactory(currency="JPY")
    office = staff_client(staff_user(yen, username="tokyo"))
    customer = CustomerFactory(company=yen)
    url = "/office/admin/billing/invoice/add/"
    data = form_data(office.get(url))
    data.update(new_invoice_data(customer))
    add_inline_row(
        data,
        LINES,
        {"position": "0", "description": "Call-out", "quantity": "1", "unit_price": "12.5",
         "tax_rate": "10"},
    )  # fmt: skip
    data["csrfmiddlewaretoken"] = office.cookies["csrftoken"].value
    refused = office.post(url, data)
    assert errors_of(refused)[f"{LINES}-0-unit_price"] == ["Amounts in JPY have no decimals."]
    data[f"{LINES}-0-unit_price"] = "1500"
    response = office.post(url, data)
    assert response.status_code == 302, errors_of(response)
    invoice = Invoice.objects.get(company=yen)
    assert (invoice.currency, invoice.subtotal, invoice.tax, invoice.total) == (
        "JPY",
        1500,
        150,
        1650,
    )
    page = office.get(f"/office/admin/billing/invoice/{invoice.pk}/change/").content.decode()
    assert 'value="1500"' in page and "¥1,650" in page


def test_office_times_are_the_companys_local_time(company, office):
    """A visit typed as 9:00 is 9:00 where the company is (New York), which is what the
    customer reads in the portal, not 9:00 UTC."""
    from datetime import UTC, datetime

    assert company.timezone == "America/New_York"
    job = make_job(CustomerFactory(company=company))
    url = f"/office/admin/jobs/job/{job.pk}/change/"
    response = post_form(
        office,
        url,
        {
            "new_status": "scheduled",
            "scheduled_start_0": "2026-11-25",
            "scheduled_start_1": "09:00",
        },
    )
    assert response.status_code == 302, errors_of(response)
    job.refresh_from_db()
    assert job.scheduled_start == datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # EST = UTC-5
    page = office.get(url).content.decode()
    shown = page.split('name="scheduled_start_1"')[1].split(">")[0]
    assert 'value="09:00' in shown, shown
