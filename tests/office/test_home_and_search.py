"""The office home ("needs attention") and the search box."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doorstep.access.models import RegistrationRequest, RegistrationState
from doorstep.billing.models import EstimateComment, Invoice
from doorstep.core.audit import Actor
from doorstep.messaging.models import Conversation
from doorstep.payments.models import Payment, PaymentMethod, PaymentState
from doorstep.support.models import TicketSource
from doorstep.support.tickets import Requester, ticket_file

from ..factories import (
    ContactFactory,
    CustomerFactory,
    TechnicianFactory,
    make_estimate,
    make_invoice,
    make_job,
    make_service_request,
)
from .helpers import office_client

pytestmark = pytest.mark.django_db


def _waiting(company, n: int = 1) -> None:
    """n of everything the home counts, in `company`."""
    for i in range(n):
        customer = CustomerFactory(company=company)
        contact = ContactFactory(customer=customer)
        ticket_file(
            company=company,
            requester=Requester(
                email=contact.email, name=contact.name, customer=customer, contact=contact
            ),
            subject="How do I pay by bank?",
            body="Where is the form?",
            source=TicketSource.PORTAL,
            actor=Actor.portal(contact.email),
        )
        make_service_request(customer, urgency="emergency")
        make_service_request(customer)
        Conversation.objects.create(
            company=company,
            customer=customer,
            subject=f"Help {i}",
            staff_unread=2,
            last_message_at=timezone.now(),
        )
        overdue = make_invoice(customer)
        Invoice.objects.filter(pk=overdue.pk).update(
            issue_date=timezone.localdate() - timedelta(days=40),
            due_date=timezone.localdate() - timedelta(days=10),
        )
        for state, method in (
            (PaymentState.FAILED, PaymentMethod.CARD),
            (PaymentState.PROCESSING, PaymentMethod.ACH),
        ):
            Payment.objects.create(
                company=company,
                customer=customer,
                amount=100,
                currency="USD",
                method=method,
                state=state,
            )
        estimate = make_estimate(customer)
        EstimateComment.objects.create(
            company=company, estimate=estimate, body="Is it gas?", author_label="Pat"
        )
        answered = make_estimate(customer)
        EstimateComment.objects.create(
            company=company, estimate=answered, body="Q", author_label="Pat"
        )
        EstimateComment.objects.create(
            company=company, estimate=answered, body="A", author_label="Office", from_customer=False
        )
        RegistrationRequest.objects.create(
            company=company,
            email=f"new{i}-{customer.pk}@example.test",
            name="New",
            token_hash=f"h{i}-{company.pk}-{customer.pk}",
            expires_at=timezone.now() + timedelta(days=1),
            state=RegistrationState.PENDING,
        )


def _items(page: str) -> dict[str, str]:
    import re

    return {
        key: count
        for key, count in re.findall(
            r'data-key="(\w+)">\s*(?:<a href="[^"]*">|<span>)<span class="count">(\d+)', page
        )
    }


def test_the_home_counts_what_waits_most_urgent_first_and_links_to_it(
    client: Client, company, other_company
):
    _waiting(company, 2)
    _waiting(other_company, 3)  # never counted
    office_client(client, company, role="owner")
    page = client.get("/office/").content.decode()
    items = _items(page)
    assert items == {
        "emergency_requests": "2",
        "failed_payments": "2",
        "unread_messages": "2",
        "pending_requests": "2",
        "estimate_questions": "2",
        "registrations": "2",
        "overdue_invoices": "2",
        "ach_pending": "2",
        "help_tickets": "2",
    }
    keys = list(items)
    assert (
        keys.index("emergency_requests")
        < keys.index("unread_messages")
        < keys.index("overdue_invoices")
    )


def test_a_technician_sees_their_jobs_today_and_no_money(client: Client, company):
    _waiting(company)
    office_client(client, company, role="technician")
    tech = TechnicianFactory(company=company, user=client.staff_user, name="Tia Tech")
    customer = CustomerFactory(company=company, name="Today Customer")
    from doorstep.tenancy.time import company_now

    start = company_now(company).replace(hour=15, minute=0, second=0, microsecond=0)
    make_job(
        customer,
        title="Replace valve",
        technician=tech,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=1),
    )
    make_job(
        customer,
        title="Next week",
        technician=tech,
        scheduled_start=start + timedelta(days=7),
        scheduled_end=start + timedelta(days=7, hours=1),
    )
    page = client.get("/office/").content.decode()
    assert "Replace valve" in page and "Next week" not in page
    assert "overdue" not in page and "failed payment" not in page


def test_the_home_costs_a_constant_number_of_queries(
    client: Client, company, django_assert_num_queries
):
    office_client(client, company, role="owner")
    _waiting(company, 1)
    client.get("/office/")
    # the frame's 4, one aggregate per area, and the adoption headline's 2 (customers'
    # reach, the last 30 days' payments)
    with django_assert_num_queries(14):
        client.get("/office/")
    _waiting(company, 3)
    with django_assert_num_queries(14):
        client.get("/office/")


def test_search_finds_by_name_number_email_and_phone_in_this_company_only(
    client: Client, company, other_company
):
    office_client(client, company, role="office")
    carla = CustomerFactory(company=company, name="Carla Mendez")
    ContactFactory(customer=carla, email="carla.m@example.test", phone="(555) 201-7788")
    invoice = make_invoice(carla)
    job = make_job(carla, title="Water heater")
    twin = CustomerFactory(company=other_company, name="Carla Mendez-Other")
    ContactFactory(customer=twin, email="carla.other@example.test", phone="(555) 201-7788")
    make_invoice(twin)

    by_name = client.get("/office/search/?q=mendez").content.decode()
    assert f"/office/customers/{carla.pk}/" in by_name and "Mendez-Other" not in by_name
    assert invoice.display_number in by_name and job.display_number in by_name
    by_email = client.get("/office/search/?q=carla.m@").content.decode()
    assert f"/office/customers/{carla.pk}/" in by_email and "Other" not in by_email
    by_phone = client.get("/office/search/?q=201-7788").content.decode()
    assert f"/office/customers/{carla.pk}/" in by_phone and "Other" not in by_phone
    by_number = client.get(f"/office/search/?q=INV-{invoice.number:04d}").content.decode()
    assert invoice.display_number in by_number and job.display_number not in by_number
    by_job = client.get(f"/office/search/?q=job {job.number}").content.decode()
    assert job.display_number in by_job
    nothing = client.get("/office/search/?q=zzzz").content.decode()
    assert "Nothing matches" in nothing


def test_a_technicians_search_shows_no_invoices(client: Client, company):
    office_client(client, company, role="technician")
    carla = CustomerFactory(company=company, name="Carla Mendez")
    invoice = make_invoice(carla)
    page = client.get("/office/search/?q=carla").content.decode()
    assert "Carla Mendez" in page and invoice.display_number not in page


def test_search_costs_a_constant_number_of_queries(
    client: Client, company, django_assert_num_queries
):
    office_client(client, company, role="owner")
    for i in range(3):
        c = CustomerFactory(company=company, name=f"Smith {i}")
        make_invoice(c)
        make_job(c)
    client.get("/office/search/?q=smith")
    with django_assert_num_queries(8):  # frame 4 + customers, invoices, estimates, jobs
        client.get("/office/search/?q=smith")
    for i in range(10):
        make_invoice(CustomerFactory(company=company, name=f"Smith x{i}"))
    with django_assert_num_queries(8):
        client.get("/office/search/?q=smith")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
def test_search_reads_only_the_companys_rows_through_company_indexes(client: Client, company):
    office_client(client, company, role="owner")
    make_invoice(CustomerFactory(company=company, name="Smith"))
    with CaptureQueriesContext(connection) as queries:
        client.get("/office/search/?q=smith")
    searched = [q["sql"] for q in queries.captured_queries if '"company_id" =' in q["sql"]]
    assert len(searched) >= 4
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # tiny tables: ask which index a big one uses
        for sql in searched:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan" not in plan, plan
            assert "company_id" in plan, plan
        cursor.execute("SET enable_seqscan = on")


def test_links_to_areas_not_installed_are_left_out_and_remembered():
    from doorstep.office import links

    assert links.office_path("office:customers:detail", 7) == "/office/customers/7/"
    assert links.office_path("office:nowhere:list", query="status=failed") is None
    assert any(name == "office:nowhere:list" for _, name in links._missing)
    assert links.office_path("office:customers:list", query="show=archived") == (
        "/office/customers/?show=archived"
    )
