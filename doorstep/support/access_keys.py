"""A ticket's secrets: its access link (for the emails) and its reply address.

Both are derived from the ticket's `access_nonce` with `HMAC(SECRET_KEY, ...)`
(notifications.send_time.derived_token), so an email can carry them without the database
holding them: the ticket keeps the nonce and the two SHA-256 hashes that are looked up.
Neither an id nor an email address opens a ticket; `ticket_access_rotate` gives a ticket a new
nonce, which revokes every link and reply address sent so far.

Emails carry send-time references (`[[send-time help_ticket_link ID]]`), resolved just before
sending from the ticket's CURRENT nonce, so a revoked link is never sent afterwards.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings

from doorstep.core.links import help_url
from doorstep.notifications.send_time import derived_token, new_nonce
from doorstep.notifications.services import NotificationSkipped

from .models import Ticket

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

LINK_KIND = "help_ticket_link"
REPLY_KIND = "help_reply_to"
VERIFY_KIND = "help_verify_link"
# At the top of every ticket email: replies by email are cut here (support.inbound).
REPLY_ABOVE = "## Please type your reply above this line ##"


def sha(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def access_token(ticket: Ticket) -> str:
    return derived_token(LINK_KIND, ticket.access_nonce)


def reply_token(ticket: Ticket) -> str:
    # Lower-case hex: mail systems may change the case of an address's local part.
    return derived_token(REPLY_KIND, ticket.access_nonce).encode().hex()[:40].lower()


def access_fields() -> dict[str, str]:
    """A fresh nonce and its hashes, for a new ticket or a rotation."""
    probe = Ticket(access_nonce=new_nonce())
    return {
        "access_nonce": probe.access_nonce,
        "access_hash": sha(access_token(probe)),
        "reply_hash": sha(reply_token(probe)),
    }


def help_base(company: Company) -> str:
    return help_url(company)


def ticket_link(ticket: Ticket, company: Company) -> str:
    return f"{help_base(company)}t/{access_token(ticket)}/"


def reply_domain() -> str:
    return settings.HELP_REPLY_DOMAIN


def company_reply_local(company: Company) -> str:
    """The local part of the company's reply address: `help-<slug>` (docs/help-site.md)."""
    return f"help-{company.slug}"


def company_reply_address(company: Company) -> str:
    return f"{company_reply_local(company)}@{reply_domain()}"


def ticket_reply_address(ticket: Ticket, company: Company) -> str:
    return f"{company_reply_local(company)}+{reply_token(ticket)}@{reply_domain()}"


def _ticket(company: Company, ticket_id: str) -> Ticket:
    ticket = Ticket.objects.for_company(company).filter(pk=int(ticket_id)).first()
    if ticket is None:
        raise NotificationSkipped("The ticket of this email no longer exists.")
    return ticket


def ticket_link_at_send(company: Company, args: list[str]) -> str:
    return ticket_link(_ticket(company, args[0]), company)


def reply_to_at_send(company: Company, args: list[str]) -> str:
    return ticket_reply_address(_ticket(company, args[0]), company)


def verify_link_at_send(company: Company, args: list[str]) -> str:
    ticket_id, nonce = args
    ticket = _ticket(company, ticket_id)
    raw = derived_token(VERIFY_KIND, nonce)
    if sha(raw) != ticket.verify_hash:
        raise NotificationSkipped("The confirmation link cannot be rebuilt.")
    return f"{help_base(company)}confirm/{raw}/"
