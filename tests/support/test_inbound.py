"""Replies by email: through the real `mail_inbound` SMTP server and the `mail_pipe` command."""

from __future__ import annotations

import io
import smtplib
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.management import call_command

from doorstep.core.audit import Actor
from doorstep.support.access_keys import ticket_reply_address
from doorstep.support.inbound import strip_quoted
from doorstep.support.management.commands.mail_inbound import make_controller
from doorstep.support.models import HeldMail, MessageKind, TicketSource, TicketState
from doorstep.support.tickets import Requester, ticket_file, ticket_staff_reply
from tests.factories import ContactFactory, staff_user
from tests.smtp import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(company: Any, mailbox: Any) -> Any:
    contact = ContactFactory(customer__company=company, email="pat@example.net")
    ticket = ticket_file(
        company=company,
        requester=Requester(
            email=contact.email, name="Pat", customer=contact.customer, contact=contact
        ),
        subject="Leak",
        body="Water everywhere",
        source=TicketSource.PORTAL,
        actor=Actor.portal("Pat"),
    )
    ticket_staff_reply(
        company=company,
        ticket_id=ticket.pk,
        body="Is the valve closed?",
        actor=Actor.staff(staff_user(company)),
        internal=False,
    )
    return ticket


def reply_mail(ticket: Any, company: Any, sender: str, text: str, **headers: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Pat <{sender}>"
    mail["To"] = ticket_reply_address(ticket, company)
    mail["Subject"] = f"Re: [#{ticket.pk}] Re: Leak"
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(text)
    return mail


QUOTED = (
    "Yes, closed it this morning.\nThanks!\n\n"
    "On Tue, Dec 1, 2026 at 9:00 AM Acme <no-reply@doorstep.localhost> wrote:\n"
    "> ## Please type your reply above this line ##\n> Is the valve closed?\n"
)


def test_a_reply_through_the_smtp_server_lands_on_the_ticket_without_the_quote(company, ticket):
    port = free_port()
    controller = make_controller("127.0.0.1", port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(reply_mail(ticket, company, "pat@example.net", QUOTED))
            # Any other recipient is refused: the server is no relay.
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail("x@example.org", ["someone@gmail.com"], b"Subject: x\r\n\r\nx")
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail(
                    "x@example.org",
                    [f"help-{company.slug}+{'0' * 40}@reply.localhost"],
                    b"Subject: x\r\n\r\nx",
                )
    finally:
        controller.stop()
    last = ticket.messages.order_by("-id").first()
    assert last.kind == MessageKind.CUSTOMER and last.by_email
    assert last.body == "Yes, closed it this morning.\nThanks!"
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN


def test_mail_from_an_address_not_on_the_ticket_is_held_not_added(company, ticket):
    before = ticket.messages.count()
    out = io.StringIO()
    raw = reply_mail(ticket, company, "mallory@evil.example", "Please refund me").as_bytes()
    command_stdin = io.BytesIO(raw)
    from doorstep.support.management.commands import mail_pipe

    cmd = mail_pipe.Command(stdout=out)
    cmd.stdin = command_stdin  # type: ignore[attr-defined]
    call_command(cmd, ticket_reply_address(ticket, company))
    assert out.getvalue().strip() == "held"
    assert ticket.messages.count() == before
    held = HeldMail.objects.get(ticket=ticket)
    assert held.from_address == "mallory@evil.example" and held.body == "Please refund me"


def test_an_unknown_reply_address_exits_with_no_such_user(company, ticket):
    from doorstep.support.management.commands import mail_pipe

    cmd = mail_pipe.Command(stdout=io.StringIO())
    cmd.stdin = io.BytesIO(b"From: a@b.c\r\nSubject: x\r\n\r\nhello")  # type: ignore[attr-defined]
    with pytest.raises(SystemExit) as exit_:
        call_command(cmd, f"help-{company.slug}+{'f' * 40}@reply.localhost")
    assert exit_.value.code == 67


def test_automatic_replies_are_dropped(company, ticket):
    from doorstep.support.inbound import Outcome, mail_receive

    raw = reply_mail(
        ticket, company, "pat@example.net", "I am out of office", Auto_Submitted="auto-replied"
    ).as_bytes()
    before = ticket.messages.count()
    assert mail_receive(raw, recipient=ticket_reply_address(ticket, company)) == Outcome.DROPPED
    assert ticket.messages.count() == before


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (QUOTED, "Yes, closed it this morning.\nThanks!"),
        ("Fine\n\n-----Original Message-----\nFrom: Acme\n", "Fine"),
        ("Fine\n________________________________\nFrom: Acme <x@y>\nSent: Monday", "Fine"),
        ("Fine\n-- \nPat, sent from the road", "Fine"),
        ("Fine\n> quoted", "Fine"),
    ],
)
def test_strip_quoted(text, kept):
    assert strip_quoted(text) == kept
