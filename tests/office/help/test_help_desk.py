"""The office's help desk pages (office:help:*)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.core.audit import Actor
from doorstep.core.links import office_change_url
from doorstep.core.models import AuditEvent
from doorstep.support.models import (
    Article,
    BlockedSender,
    MessageKind,
    Ticket,
    TicketSource,
    TicketState,
)
from doorstep.support.selectors import open_tickets_count
from doorstep.support.tickets import Requester, ticket_file, ticket_staff_reply

from ...factories import CompanyFactory, ContactFactory, staff_user
from ..helpers import office_client

pytestmark = pytest.mark.django_db(transaction=True)


def filed(company: Any, *, public: bool = False, email: str = "pat@example.net") -> Ticket:
    if public:
        requester = Requester(email=email, name="Sam")
    else:
        contact = ContactFactory(customer__company=company, email=email)
        requester = Requester(
            email=email, name=contact.name, customer=contact.customer, contact=contact
        )
    return ticket_file(
        company=company,
        requester=requester,
        subject="Heater leaking",
        body="Water on floor",
        source=TicketSource.PUBLIC if public else TicketSource.PORTAL,
        actor=Actor.portal("x"),
    )


def test_queue_shows_this_companys_tickets_only_and_never_unconfirmed(
    company, other_company, mailbox
):
    staff = office_client(Client(), company, "office")
    mine, theirs = filed(company), filed(other_company)
    unconfirmed = filed(company, public=True, email="new@example.org")
    page = staff.get(reverse("office:help:list")).content.decode()
    detail = reverse("office:help:detail", args=[mine.pk])
    assert detail in page
    assert reverse("office:help:detail", args=[theirs.pk]) not in page
    assert reverse("office:help:detail", args=[unconfirmed.pk]) not in page
    assert "1 public request waiting for email confirmation" in page
    assert staff.get(reverse("office:help:detail", args=[theirs.pk])).status_code == 404
    assert staff.get(reverse("office:help:detail", args=[unconfirmed.pk])).status_code == 404
    assert office_change_url(mine).endswith(detail)


def test_a_technician_may_not_open_the_help_desk(company):
    tech = office_client(Client(), company, "technician")
    assert tech.get(reverse("office:help:list")).status_code == 403


def test_public_reply_is_emailed_internal_note_is_not(company, mailbox):
    staff = office_client(Client(), company, "office", first_name="Dana")
    ticket = filed(company)
    path = reverse("office:help:detail", args=[ticket.pk])
    mailbox.clear()
    staff.post(path, {"action": "reply", "body": "Only for us", "internal": "on"})
    assert mailbox.messages == []
    response = staff.post(path, {"action": "reply", "body": "We come Tuesday", "then_state": ""})
    assert response.status_code == 302
    [mail] = mailbox.to("pat@example.net")
    assert "We come Tuesday" in mailbox.text(mail) and "Only for us" not in mailbox.text(mail)
    assert [m.kind for m in ticket.messages.all()] == [
        MessageKind.CUSTOMER,
        MessageKind.NOTE,
        MessageKind.REPLY,
    ]
    ticket.refresh_from_db()
    assert ticket.state == TicketState.WAITING


def test_an_empty_reply_shows_an_error_next_to_the_field(company, mailbox):
    staff = office_client(Client(), company, "office")
    ticket = filed(company)
    response = staff.post(
        reverse("office:help:detail", args=[ticket.pk]), {"action": "reply", "body": ""}
    )
    assert response.status_code == 400
    assert "Write the reply first." in response.content.decode()
    assert ticket.messages.count() == 1


def test_triage_assigns_sets_priority_and_state_audited(company, mailbox):
    staff = office_client(Client(), company, "office")
    colleague = staff_user(company, role="office", first_name="Lee")
    ticket = filed(company)
    staff.post(
        reverse("office:help:detail", args=[ticket.pk]),
        {
            "action": "triage",
            "assignee": colleague.pk,
            "priority": "urgent",
            "state": "open",
        },
    )
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority, ticket.state) == (colleague, "urgent", "open")
    verbs = set(AuditEvent.objects.filter(target_id=ticket.pk).values_list("verb", flat=True))
    assert {"ticket.assigned", "ticket.priority_changed"} <= verbs
    outsider = staff_user(CompanyFactory())  # staff of another company
    response = staff.post(
        reverse("office:help:detail", args=[ticket.pk]),
        {
            "action": "triage",
            "assignee": outsider.pk,
            "priority": "low",
            "state": "open",
        },
    )
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.assignee == colleague


def test_release_and_purge_ask_first(company, mailbox):
    staff = office_client(Client(), company, "office")
    keep = filed(company, public=True, email="keep@example.org")
    junk = filed(company, public=True, email="junk@example.org")
    listing = staff.get(reverse("office:help:unconfirmed")).content.decode()
    assert "keep@example.org" in listing and "junk@example.org" in listing
    ask = staff.post(reverse("office:help:purge", args=[junk.pk]))
    assert "Delete this unconfirmed request?" in ask.content.decode()
    assert Ticket.objects.filter(pk=junk.pk).exists()
    staff.post(reverse("office:help:purge", args=[junk.pk]), {"confirmed": "1"})
    assert not Ticket.objects.filter(pk=junk.pk).exists()
    staff.post(reverse("office:help:release", args=[keep.pk]), {"confirmed": "1"})
    keep.refresh_from_db()
    assert keep.state == TicketState.NEW
    assert open_tickets_count(company=company) == 1


def test_block_a_domain_then_its_requests_are_refused(company, mailbox):
    staff = office_client(Client(), company, "office")
    response = staff.post(reverse("office:help:blocked"), {"pattern": "not a domain"})
    assert response.status_code == 400 and "Enter an email address" in response.content.decode()
    staff.post(reverse("office:help:blocked"), {"pattern": "@spam.example", "reason": "bots"})
    assert BlockedSender.objects.get().pattern == "spam.example"
    public = Client()
    response = public.post(
        f"/h/{company.slug}/new/",
        {"name": "x", "email": "bot@spam.example", "subject": "Hi", "body": "Buy"},
    )
    assert "We cannot accept requests from this email address" in response.content.decode()


def test_held_email_can_be_added(company, mailbox):
    from doorstep.support.access_keys import ticket_reply_address
    from doorstep.support.inbound import mail_receive

    staff = office_client(Client(), company, "office")
    ticket = filed(company)
    raw = (
        f"From: wife@example.net\r\nTo: {ticket_reply_address(ticket, company)}\r\n"
        "Subject: Re\r\n\r\nThe code for the gate is 1234\r\n"
    ).encode()
    mail_receive(raw, recipient=ticket_reply_address(ticket, company))
    path = reverse("office:help:detail", args=[ticket.pk])
    page = staff.get(path).content.decode()
    assert "Emails held" in page and "wife@example.net" in page
    held_id = re.search(r'name="held" value="(\d+)"', page)[1]
    staff.post(path, {"action": "held_add", "held": held_id})
    assert ticket.messages.last().body == "The code for the gate is 1234"


def test_articles_are_written_in_markdown_and_rendered_safely(company):
    staff = office_client(Client(), company, "owner")
    response = staff.post(
        reverse("office:help:article_new"),
        {
            "title": "Resetting the thermostat",
            "new_category": "Heating",
            "visibility": "public",
            "body_markdown": "Hold **Reset**.<img src=x onerror=alert(1)>",
            "published": "on",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert "<strong>Reset</strong>" in article.body_html and "<img" not in article.body_html
    listing = staff.get(reverse("office:help:articles")).content.decode()
    assert "Resetting the thermostat" in listing
    office = office_client(Client(), company, "technician")
    assert office.get(reverse("office:help:articles")).status_code == 403


def test_query_counts(company, django_assert_num_queries, mailbox, request_transaction):
    staff = office_client(Client(), company, "office")
    tickets = [filed(company, email=f"p{n}@example.net") for n in range(3)]
    for t in tickets:
        ticket_staff_reply(
            company=company,
            ticket_id=t.pk,
            body="hello",
            internal=False,
            actor=Actor.staff(staff.staff_user),
        )
    staff.get(reverse("office:help:list"))
    # session, user, memberships, company, tickets (+assignee, customer), unconfirmed count
    with django_assert_num_queries(6 + request_transaction):
        staff.get(reverse("office:help:list"))
    # ... ticket, staff choices, messages, attachments, held mail
    with django_assert_num_queries(9 + request_transaction):
        staff.get(reverse("office:help:detail", args=[tickets[0].pk]))
    with django_assert_num_queries(5 + request_transaction):
        staff.get(reverse("office:help:unconfirmed"))
