"""Ticket rules (doorstep/support/tickets.py): emails read from the real SMTP test server."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.models import AuditEvent
from doorstep.support import selectors
from doorstep.support.access_keys import reply_token
from doorstep.support.blocklist import block_sender
from doorstep.support.models import MessageKind, Ticket, TicketSource, TicketState
from doorstep.support.tickets import (
    Requester,
    ticket_access_rotate,
    ticket_customer_reply,
    ticket_file,
    ticket_purge,
    ticket_release,
    ticket_staff_reply,
    ticket_verify,
    tickets_close_resolved,
    tickets_expire_unverified,
)
from tests.factories import ContactFactory, staff_user

pytestmark = pytest.mark.django_db(transaction=True)

VISITOR = Actor.portal("visitor")
SPAM_SUBJECT = "Cheap pills at http://spam.example"
SPAM_BODY = "Buy now at http://spam.example/buy"


def public_ticket(company: Any, email: str = "stranger@example.net") -> Ticket:
    return ticket_file(
        company=company,
        requester=Requester(email=email, name="Sam Stranger"),
        subject="Water heater leaking",
        body="There is water under the heater.",
        source=TicketSource.PUBLIC,
        actor=VISITOR,
        ip_address="203.0.113.9",
    )


def confirm_token(mailbox: Any, email: str) -> str:
    text = mailbox.text(mailbox.to(email)[-1])
    return re.search(r"/confirm/([A-Za-z0-9_-]+)/", text)[1]


def test_public_ticket_waits_for_confirmation_with_a_fixed_text_email(company, mailbox):
    ticket = ticket_file(
        company=company,
        requester=Requester(email="victim@example.net", name=SPAM_SUBJECT),
        subject=SPAM_SUBJECT,
        body=SPAM_BODY,
        source=TicketSource.PUBLIC,
        actor=VISITOR,
    )
    assert ticket.state == TicketState.UNVERIFIED
    assert list(selectors.ticket_queue(company=company)) == []
    assert selectors.open_tickets_count(company=company) == 0
    [mail] = mailbox.to("victim@example.net")
    assert mail["Subject"] == "Please confirm your email address"
    whole = mailbox.text(mail) + mailbox.html(mail) + str(mail["Subject"])
    assert "spam.example" not in whole and "Cheap" not in whole
    ticket_verify(company=company, raw_token=confirm_token(mailbox, "victim@example.net"))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.NEW
    assert list(selectors.ticket_queue(company=company)) == [ticket]
    assert selectors.open_tickets_count(company=company) == 1


def test_confirmation_link_works_once_and_not_for_another_company(company, other_company, mailbox):
    public_ticket(company)
    token = confirm_token(mailbox, "stranger@example.net")
    with pytest.raises(DomainError):
        ticket_verify(company=other_company, raw_token=token)
    ticket_verify(company=company, raw_token=token)
    with pytest.raises(DomainError):
        ticket_verify(company=company, raw_token=token)


def test_unconfirmed_tickets_expire_after_seven_days(company, mailbox):
    ticket = public_ticket(company)
    token = confirm_token(mailbox, "stranger@example.net")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        with pytest.raises(DomainError):
            ticket_verify(company=company, raw_token=token)
        assert tickets_expire_unverified() == 1
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert AuditEvent.objects.filter(verb="ticket.expired", target_id=ticket.pk).exists()


def test_six_days_old_is_kept(company, mailbox):
    ticket = public_ticket(company)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert tickets_expire_unverified() == 0
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_a_blocked_address_or_domain_is_refused_on_every_way_in(company, mailbox):
    ticket = public_ticket(company, email="later@blocked.example")
    token = confirm_token(mailbox, "later@blocked.example")
    block_sender(company=company, pattern="blocked.example", actor=Actor.system())
    with pytest.raises(DomainError):
        public_ticket(company, email="someone@blocked.example")
    with pytest.raises(DomainError):
        ticket_verify(company=company, raw_token=token)
    with pytest.raises(DomainError):
        ticket_release(company=company, ticket_id=ticket.pk, actor=Actor.system())
    contact = ContactFactory(customer__company=company, email="me@blocked.example")
    with pytest.raises(DomainError):
        ticket_file(
            company=company,
            requester=Requester(email=contact.email, customer=contact.customer, contact=contact),
            subject="Hi",
            body="Hello",
            source=TicketSource.PORTAL,
            actor=VISITOR,
        )
    block_sender(company=company, pattern="Single@Example.org", actor=Actor.system())
    with pytest.raises(DomainError):
        public_ticket(company, email="single@example.org")
    public_ticket(company, email="other@example.org")  # the rest of that domain is fine


def test_staff_release_or_purge_unconfirmed(company, mailbox):
    staff = Actor.staff(staff_user(company))
    keep, junk = public_ticket(company, "a@example.net"), public_ticket(company, "b@example.net")
    ticket_release(company=company, ticket_id=keep.pk, actor=staff)
    ticket_purge(company=company, ticket_id=junk.pk, actor=staff)
    keep.refresh_from_db()
    assert keep.state == TicketState.NEW
    assert not Ticket.objects.filter(pk=junk.pk).exists()
    assert AuditEvent.objects.filter(verb="ticket.purged", target_id=junk.pk).exists()
    with pytest.raises(DomainError):
        ticket_purge(company=company, ticket_id=keep.pk, actor=staff)


def signed_in_ticket(company: Any) -> Ticket:
    contact = ContactFactory(customer__company=company)
    return ticket_file(
        company=company,
        requester=Requester(
            email=contact.email, name=contact.name, customer=contact.customer, contact=contact
        ),
        subject="Invoice question",
        body="Why two visits?",
        source=TicketSource.PORTAL,
        actor=Actor.portal(contact.name),
    )


def test_signed_in_ticket_is_in_the_queue_at_once_and_double_submit_files_once(company, mailbox):
    ticket = signed_in_ticket(company)
    assert ticket.state == TicketState.NEW and ticket.customer is not None
    again = ticket_file(
        company=company,
        requester=Requester(
            email=ticket.contact.email, customer=ticket.customer, contact=ticket.contact
        ),
        subject="Invoice question",
        body="Why two visits?",
        source=TicketSource.PORTAL,
        actor=VISITOR,
    )
    assert again.pk == ticket.pk
    assert Ticket.objects.count() == 1
    assert "We received your request" in str(mailbox.to(ticket.requester_email)[0]["Subject"])


def test_internal_notes_are_never_emailed_nor_shown_public_replies_are(company, mailbox):
    ticket = signed_in_ticket(company)
    staff = Actor.staff(staff_user(company, first_name="Dana"))
    mailbox.clear()
    ticket_staff_reply(
        company=company,
        ticket_id=ticket.pk,
        body="Customer is grumpy",
        actor=staff,
        internal=True,
    )
    assert mailbox.messages == []
    ticket_staff_reply(
        company=company,
        ticket_id=ticket.pk,
        body="The second visit was the part.",
        actor=staff,
        internal=False,
    )
    [mail] = mailbox.to(ticket.requester_email)
    text = mailbox.text(mail)
    assert "The second visit was the part." in text and "grumpy" not in text
    assert f"/h/{company.slug}/t/" in text
    assert mail["Reply-To"] == (f"help-{company.slug}+{reply_token(ticket)}@reply.localhost")
    shown = [m.body for m in selectors.customer_messages(company=company, ticket=ticket)]
    assert "Customer is grumpy" not in shown
    ticket.refresh_from_db()
    assert ticket.state == TicketState.WAITING


def test_customer_reply_reopens_within_fourteen_days_only(company, mailbox):
    ticket = signed_in_ticket(company)
    staff = Actor.staff(staff_user(company))
    ticket_staff_reply(
        company=company,
        ticket_id=ticket.pk,
        body="Done",
        actor=staff,
        internal=False,
        then_state=TicketState.RESOLVED,
    )
    with time_machine.travel(timezone.now() + timedelta(days=13)):
        ticket_customer_reply(
            company=company, ticket_id=ticket.pk, body="Still leaks", actor=VISITOR
        )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    ticket_staff_reply(
        company=company,
        ticket_id=ticket.pk,
        body="Fixed",
        actor=staff,
        internal=False,
        then_state=TicketState.RESOLVED,
    )
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        with pytest.raises(DomainError):
            ticket_customer_reply(company=company, ticket_id=ticket.pk, body="Again", actor=VISITOR)
        assert tickets_close_resolved() == 1
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED


def test_access_link_is_revocable_and_an_id_is_never_enough(company, mailbox):
    ticket = signed_in_ticket(company)
    text = mailbox.text(mailbox.to(ticket.requester_email)[0])
    raw = re.search(r"/t/([A-Za-z0-9_-]+)/", text)[1]
    assert selectors.ticket_by_access_token(company=company, raw=raw) == ticket
    assert selectors.ticket_by_access_token(company=company, raw=str(ticket.pk)) is None
    ticket_access_rotate(company=company, ticket_id=ticket.pk, actor=Actor.system())
    assert selectors.ticket_by_access_token(company=company, raw=raw) is None


def test_every_event_is_audited(company, mailbox):
    ticket = signed_in_ticket(company)
    staff = Actor.staff(staff_user(company))
    ticket_staff_reply(company=company, ticket_id=ticket.pk, body="n", actor=staff, internal=True)
    ticket_staff_reply(company=company, ticket_id=ticket.pk, body="r", actor=staff, internal=False)
    ticket_customer_reply(company=company, ticket_id=ticket.pk, body="c", actor=VISITOR)
    verbs = set(AuditEvent.objects.filter(target_id=ticket.pk).values_list("verb", flat=True))
    assert {
        "ticket.filed",
        "ticket.note_added",
        "ticket.replied",
        "ticket.customer_replied",
        "ticket.state_changed",
    } <= verbs
    assert [m.kind for m in ticket.messages.all()] == [
        MessageKind.CUSTOMER,
        MessageKind.NOTE,
        MessageKind.REPLY,
        MessageKind.CUSTOMER,
    ]


def test_the_database_refuses_a_ticket_of_another_companys_customer(company, other_company):
    from django.db import IntegrityError, transaction

    contact = ContactFactory(customer__company=other_company)
    ticket = signed_in_ticket(company)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(customer=contact.customer)
