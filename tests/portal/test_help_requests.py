"""The portal's "Get help" pages: a signed-in customer's requests go straight to the queue,
attached to the customer and contact (no email confirmation)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from doorstep.core.audit import Actor
from doorstep.support.models import Ticket, TicketSource, TicketState
from doorstep.support.selectors import open_tickets_count
from doorstep.support.tickets import ticket_staff_reply
from tests.browser import chromium_available
from tests.factories import ContactFactory, make_portal_account, staff_user
from tests.office.helpers import axe_violations, horizontal_overflow
from tests.portal_helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def customer(company: Any) -> Client:
    contact = ContactFactory(customer__company=company, email="pat@example.net", name="Pat Lee")
    client = Client()
    sign_in(client, make_portal_account(contact))
    client.contact = contact  # type: ignore[attr-defined]
    return client


def p(company: Any, path: str) -> str:
    return f"/p/{company.slug}/{path}"


def test_a_portal_request_is_attached_and_in_the_queue_at_once(company, customer, mailbox):
    assert "Get help" in customer.get(p(company, "")).content.decode()
    response = customer.post(p(company, "help/new"), {"subject": "Gate code", "body": "It is 42"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.state, ticket.source, ticket.customer, ticket.contact) == (
        TicketState.NEW,
        TicketSource.PORTAL,
        customer.contact.customer,
        customer.contact,
    )
    assert open_tickets_count(company=company) == 1
    assert "Please confirm" not in str([m["Subject"] for m in mailbox.messages])
    page = customer.get(p(company, "help/")).content.decode()
    assert "Gate code" in page and "Received" in page


def test_errors_next_to_the_field_nothing_saved(company, customer):
    response = customer.post(p(company, "help/new"), {"subject": "", "body": ""})
    assert response.status_code == 400
    assert "Please say in a few words what it is about." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_another_customers_request_is_not_found(company, customer, mailbox):
    customer.post(p(company, "help/new"), {"subject": "Mine", "body": "x"})
    ticket = Ticket.objects.get()
    other = Client()
    sign_in(other, make_portal_account(ContactFactory(customer__company=company)))
    assert other.get(p(company, f"help/{ticket.pk}")).status_code == 404
    assert Client().get(p(company, f"help/{ticket.pk}")).status_code == 302


def test_replies_show_notes_never_and_the_customer_answers(
    company, customer, mailbox, django_assert_num_queries, request_transaction
):
    customer.post(p(company, "help/new"), {"subject": "Mine", "body": "x"})
    ticket = Ticket.objects.get()
    staff = Actor.staff(staff_user(company))
    ticket_staff_reply(
        company=company, ticket_id=ticket.pk, body="Note only", actor=staff, internal=True
    )
    ticket_staff_reply(
        company=company, ticket_id=ticket.pk, body="Public one", actor=staff, internal=False
    )
    page = customer.get(p(company, f"help/{ticket.pk}")).content.decode()
    assert "Public one" in page and "Note only" not in page
    customer.post(p(company, f"help/{ticket.pk}"), {"body": "Thanks"})
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    # session (with company, account, customer, contact); ticket; messages; attachments
    with django_assert_num_queries(4 + request_transaction):
        customer.get(p(company, f"help/{ticket.pk}"))
    # session; tickets
    with django_assert_num_queries(2 + request_transaction):
        customer.get(p(company, "help/"))


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)")
def test_portal_help_pages_pass_axe(page, live_server, company, mailbox):
    contact = ContactFactory(customer__company=company, email="pat@example.net", name="Pat Lee")
    session_client = Client()
    sign_in(session_client, make_portal_account(contact))
    from django.conf import settings

    page.context.add_cookies(
        [
            {
                "name": settings.PORTAL_SESSION_COOKIE,
                "value": session_client.cookies[settings.PORTAL_SESSION_COOKIE].value,
                "url": f"{live_server.url}/p/{company.slug}/",
            }
        ]
    )
    page.goto(f"{live_server.url}/p/{company.slug}/help/")
    assert not axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
    page.get_by_role("link", name="Send a request").click()
    assert not axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
    page.get_by_label("What is it about?").fill("Gate code")
    page.get_by_label("Tell us more").fill("The code is 42")
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("your request").first.wait_for()
    assert not axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
    for width in (390, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) == 0
