"""Replies by email: a message sent to a ticket's reply address is added to the ticket.

The reply address is `help-<company slug>+<token>@HELP_REPLY_DOMAIN` (support.access_keys);
the token is unguessable and revocable, so neither a ticket id nor a sender address is enough
to write on a ticket. The quoted history below the reply is cut off (`strip_quoted`). Mail
from an address that is not on the ticket (the requester or the ticket's contact) is HELD for
staff, never added on its own. Automatic replies (out-of-office, bounces) are dropped, so two
auto-responders never talk to each other through a ticket.

`mail_receive` is what both receiving sides call: `manage.py mail_inbound` (an SMTP server)
and `manage.py mail_pipe` (for an existing mail server's pipe transport).
"""

from __future__ import annotations

import enum
import logging
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from typing import cast

import nh3
from django.conf import settings

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb
from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import tenant_scope_for_slug

from .access_keys import REPLY_ABOVE, sha
from .blocklist import is_blocked
from .models import HeldMail, HeldMailState, Ticket, TicketState
from .tickets import ticket_customer_reply

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    ADDED = "added"
    HELD = "held"
    DROPPED = "dropped"  # automatic reply, or refused for the ticket's state / a blocked sender
    UNKNOWN = "unknown"  # no such reply address: refuse it at RCPT time


_ADDRESS = re.compile(r"^help-(?P<slug>[a-z0-9-]+)\+(?P<token>[0-9a-f]{16,64})$")


def parse_recipient(address: str) -> tuple[str, str] | None:
    """(company slug, reply token) of a ticket's reply address, else None."""
    address = (address or "").strip().strip("<>").lower()
    local, _, domain = address.rpartition("@")
    if domain != settings.HELP_REPLY_DOMAIN.lower():
        return None
    match = _ADDRESS.match(local)
    return (match["slug"], match["token"]) if match else None


def ticket_for_recipient(address: str) -> Ticket | None:
    parsed = parse_recipient(address)
    if parsed is None:
        return None
    slug, token = parsed
    return (
        Ticket.objects.select_related("company", "contact")
        .exclude(state=TicketState.UNVERIFIED)
        .filter(company__slug=slug, reply_hash=sha(token))
        .first()
    )


_QUOTE_HEADS = [
    re.compile(r"^\s*On .{0,200}wrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Le .{0,200}a écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am .{0,200}schrieb .{0,200}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{5,}\s*$"),
    re.compile(r"^\s*From:\s.+$", re.IGNORECASE),
    re.compile(r"^\s*Sent from my \w+", re.IGNORECASE),
]


def strip_quoted(text: str) -> str:
    """The new part of a reply: everything above our marker, a "On … wrote:" line, an
    Outlook "From:" block, a signature separator, or the first run of "> " quoted lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        if REPLY_ABOVE.strip("# ").lower() in line.lower():
            break
        if line.startswith(">"):
            break
        if line.rstrip() == "--" or line == "-- ":
            break
        if any(pattern.match(line) for pattern in _QUOTE_HEADS):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = re.sub(r"<br\s*/?>|</p>|</div>", "\n", content, flags=re.IGNORECASE)
        content = nh3.clean(content, tags=set())
    return str(content)


def _is_automatic(message: EmailMessage) -> bool:
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    return (
        auto != "no"
        or (message.get("Precedence") or "").strip().lower() in {"bulk", "junk", "auto_reply"}
        or bool(message.get("X-Autoreply"))
        or not parseaddr(message.get("From", ""))[1]
    )


def mail_receive(raw: bytes, *, recipient: str) -> Outcome:
    """Add (or hold) one received email for one recipient address, in the tenant scope of the
    company its reply address names (docs/adr/0003: the inbound mail gate)."""
    parsed = parse_recipient(recipient)
    if parsed is None:
        return Outcome.UNKNOWN
    with tenant_scope_for_slug(parsed[0]):
        return _mail_receive(raw, recipient=recipient)


def _mail_receive(raw: bytes, *, recipient: str) -> Outcome:
    ticket = ticket_for_recipient(recipient)
    if ticket is None:
        return Outcome.UNKNOWN
    company: Company = ticket.company
    # policy.default parses into an EmailMessage (get_body, get_content).
    message = cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(raw))
    if _is_automatic(message):
        log.info("automatic reply to ticket %s dropped", ticket.pk)
        return Outcome.DROPPED
    sender = parseaddr(message.get("From", ""))[1].strip().lower()
    body = strip_quoted(_body_text(message))[:10_000]
    subject = str(message.get("Subject", ""))[:300]
    allowed = {ticket.requester_email.lower()}
    if ticket.contact is not None and ticket.contact.email_address:
        allowed.add(ticket.contact.email_address)
    if is_blocked(company=company, email=sender):
        log.info("reply by email from a blocked sender dropped (ticket %s)", ticket.pk)
        return Outcome.DROPPED
    if sender not in allowed:
        held = HeldMail.objects.create(
            company=company, ticket=ticket, from_address=sender[:254], subject=subject, body=body
        )
        audit_record(
            company=company,
            target=ticket,
            verb=Verb.TICKET_MAIL_HELD,
            actor=Actor.system("Email"),
            message=f"Email from {sender} held (not on the ticket)",
            data={"held_mail": held.pk},
        )
        return Outcome.HELD
    try:
        ticket_customer_reply(
            company=company,
            ticket_id=ticket.pk,
            body=body,
            actor=Actor.portal(f"{ticket.requester_name or sender} (email)"),
            by_email=True,
        )
    except DomainError as error:
        # A closed ticket, or an empty reply: keep it for staff rather than lose it.
        HeldMail.objects.create(
            company=company,
            ticket=ticket,
            from_address=sender[:254],
            subject=subject,
            body=body or "(empty)",
        )
        log.info("reply by email to ticket %s held: %s", ticket.pk, error.message)
        return Outcome.HELD
    return Outcome.ADDED


def held_mail_decide(*, company: Company, held_id: int, add: bool, actor: Actor) -> HeldMail:
    """Staff add a held email to its ticket (as the customer's words) or discard it."""
    held = (
        HeldMail.objects.for_company(company).filter(pk=held_id, state=HeldMailState.HELD).first()
    )
    if held is None:
        raise DomainError("That email was already handled.")
    if add:
        ticket_customer_reply(
            company=company,
            ticket_id=held.ticket_id,
            body=held.body,
            actor=Actor.portal(f"{held.from_address} (email, added by {actor.label})"),
            by_email=True,
        )
    held.state = HeldMailState.ADDED if add else HeldMailState.DISCARDED
    held.save(update_fields=["state"])
    audit_record(
        company=company,
        target=held.ticket,
        actor=actor,
        verb=Verb.TICKET_MAIL_ADDED if add else Verb.TICKET_MAIL_DISCARDED,
        message=f"Held email from {held.from_address} {'added' if add else 'discarded'}",
    )
    return held
