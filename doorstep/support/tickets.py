"""Support tickets: filing (three ways in), verification, the staff side and the customer side.

One home for each rule of docs/help-site.md:
- A public ticket is UNVERIFIED until its sender clicks the link of a verification email whose
  subject and text are fixed (never the sender's words: the form must not relay spam); it is
  not in the queue and is deleted after `VERIFY_DAYS` (SECURITY.md 25).
- A signed-in customer's ticket (portal, or help site after single sign-on) is NEW at once and
  attached to the customer and contact.
- A blocked address or domain is refused on every way in (form, confirmation, portal, email).
- Internal notes are never emailed nor shown to the customer; public replies are emailed with
  the ticket's access link, and the Reply-To is the ticket's reply address.
- A customer may reopen a resolved ticket for `REOPEN_DAYS`; after that it is closed.
Every change writes the audit trail; every email goes through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.uploads import MAX_PHOTO_BYTES, PHOTO_KINDS, photos_check, private_file_store
from doorstep.core.verbs import Verb
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.notifications.send_time import derived_token, new_nonce, reference
from doorstep.notifications.services import notification_enqueue

from . import access_keys
from .access_keys import LINK_KIND, REPLY_KIND, VERIFY_KIND, sha
from .blocklist import refuse_blocked
from .models import (
    Article,
    MessageKind,
    Priority,
    Ticket,
    TicketAttachment,
    TicketMessage,
    TicketSource,
    TicketState,
)

if TYPE_CHECKING:
    from doorstep.customers.models import Contact, Customer
    from doorstep.tenancy.models import Company

VERIFY_DAYS = 7
REOPEN_DAYS = 14
MAX_PHOTOS = 5
# A second identical submission this soon is the same click twice: it does nothing.
DUPLICATE_WINDOW = timedelta(seconds=60)
MAX_BODY = 10_000


@dataclass(frozen=True)
class Requester:
    """Who files a ticket: a visitor (email and name typed) or a signed-in customer."""

    email: str
    name: str = ""
    customer: Customer | None = None
    contact: Contact | None = None


def ticket_snapshot(ticket: Ticket, **extra: Any) -> Any:
    """A ticket in a webhook event (the API has no ticket resource): built only when an
    endpoint wants the event. No tokens, no IP address."""

    def build() -> dict[str, Any]:
        return {
            "object": "ticket",
            "id": ticket.pk,
            "subject": ticket.subject,
            "state": ticket.state,
            "priority": ticket.priority,
            "source": ticket.source,
            "customer": ticket.customer_id,
            "requester_email": ticket.requester_email,
            "requester_name": ticket.requester_name,
            "created_at": ticket.created_at,
            **extra,
        }

    return build


def _clean(subject: str, body: str) -> tuple[str, str]:
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    if not subject:
        raise DomainError("Please say in a few words what it is about.", field="subject")
    if len(subject) > 200:
        raise DomainError("Please keep the subject under 200 characters.", field="subject")
    if not body:
        raise DomainError("Please describe what you need.", field="body")
    if len(body) > MAX_BODY:
        raise DomainError("Please keep your message under 10,000 characters.", field="body")
    return subject, body


def _duplicate(company: Company, email: str, subject: str, body: str) -> Ticket | None:
    since = timezone.now() - DUPLICATE_WINDOW
    recent = Ticket.objects.for_company(company).filter(
        requester_email=email, subject=subject, created_at__gte=since
    )
    return next((t for t in recent if t.messages.filter(body=body).exists()), None)


def _links(ticket: Ticket) -> dict[str, str]:
    return {
        "ticket_url": reference(LINK_KIND, ticket.pk),
        "reply_to": reference(REPLY_KIND, ticket.pk),
    }


def _email_requester(ticket: Ticket, company: Company, template: str, **context: Any) -> None:
    notification_enqueue(
        company=company,
        recipient=ticket.requester_email,
        template=template,
        context={
            "ticket_id": ticket.pk,
            "subject": ticket.subject,
            "state_label": ticket.customer_label,
            "reply_above": access_keys.REPLY_ABOVE,
            **_links(ticket),
            **context,
        },
    )


def ticket_file(
    *,
    company: Company,
    requester: Requester,
    subject: str,
    body: str,
    source: str,
    actor: Actor,
    article: Article | None = None,
    photos: list[UploadedFile] | None = None,
    ip_address: str | None = None,
) -> Ticket:
    """File a ticket. Public: held UNVERIFIED and the fixed-text verification email queued.
    Signed in (customer given): NEW, attached to the customer and contact."""
    email = (requester.email or "").strip().lower()
    if requester.customer is None and not email:
        raise DomainError("Please enter your email address.", field="email")
    refuse_blocked(company=company, email=email)
    subject, body = _clean(subject, body)
    photos_check(photos or [], limit=MAX_PHOTOS)
    if article is not None and article.company_id != company.pk:
        article = None
    existing = _duplicate(company, email, subject, body)
    if existing is not None:
        return existing
    public = requester.customer is None
    verify_nonce = new_nonce()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            company=company,
            subject=subject,
            state=TicketState.UNVERIFIED if public else TicketState.NEW,
            source=source,
            customer=requester.customer,
            contact=requester.contact,
            requester_email=email,
            requester_name=requester.name[:200],
            article=article,
            ip_address=ip_address,
            verify_hash=sha(derived_token(VERIFY_KIND, verify_nonce)) if public else "",
            verify_expires_at=timezone.now() + timedelta(days=VERIFY_DAYS) if public else None,
            verified_at=None if public else timezone.now(),
            **access_keys.access_fields(),
        )
        message = TicketMessage.objects.create(
            company=company,
            ticket=ticket,
            kind=MessageKind.CUSTOMER,
            author_label=requester.name or email,
            body=body,
        )
        _store_photos(ticket, message, photos or [])
        audit_record(
            company=company,
            target=ticket,
            verb=Verb.TICKET_FILED,
            actor=actor,
            message=f"Ticket filed ({TicketSource(source).label})",
            data={"source": source, "article": article.pk if article else None},
        )
        if not public:  # a public ticket is announced once its email is verified
            webhook_emit(company=company, type="ticket.created", data=ticket_snapshot(ticket))
        if public:
            # Fixed subject and text (emails/help_verify.*): nothing the sender typed.
            notification_enqueue(
                company=company,
                recipient=email,
                template="help_verify",
                context={"confirm_url": reference(VERIFY_KIND, ticket.pk, verify_nonce)},
                secret_keys=["confirm_url"],
            )
        else:
            _email_requester(ticket, company, "help_ticket_received")
    return ticket


def _store_photos(ticket: Ticket, message: TicketMessage, photos: list[UploadedFile]) -> None:
    for photo in photos:
        private_file_store(
            TicketAttachment(company_id=ticket.company_id, ticket=ticket, message=message),
            photo,
            folder="tickets",
            kinds=PHOTO_KINDS,
            max_bytes=MAX_PHOTO_BYTES,
        )


def _verifiable(company: Company, raw: str) -> Ticket | None:
    if not raw or len(raw) > 100:
        return None
    return (
        Ticket.objects.for_company(company)
        .filter(verify_hash=sha(raw), state=TicketState.UNVERIFIED)
        .first()
    )


def ticket_verify(*, company: Company, raw_token: str, ip_address: str | None = None) -> Ticket:
    """The sender clicked the verification link: the ticket enters the queue (once)."""
    with transaction.atomic():
        ticket = _verifiable(company, raw_token)
        if ticket is None or (
            ticket.verify_expires_at and ticket.verify_expires_at < timezone.now()
        ):
            raise DomainError("This confirmation link has expired or was already used.")
        refuse_blocked(company=company, email=ticket.requester_email)
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.state != TicketState.UNVERIFIED:
            return ticket
        _enter_queue(
            ticket,
            company,
            Actor.portal(ticket.requester_email, ip_address),
            Verb.TICKET_VERIFIED,
            "Email confirmed; ticket entered the queue",
        )
    return ticket


def _enter_queue(ticket: Ticket, company: Company, actor: Actor, verb: Verb, text: str) -> None:
    ticket.state = TicketState.NEW
    ticket.verified_at = timezone.now()
    ticket.verify_hash = ""
    ticket.verify_expires_at = None
    ticket.save(
        update_fields=["state", "verified_at", "verify_hash", "verify_expires_at", "updated_at"]
    )
    audit_record(company=company, target=ticket, verb=verb, actor=actor, message=text)
    webhook_emit(company=company, type="ticket.created", data=ticket_snapshot(ticket))
    _email_requester(ticket, company, "help_ticket_received")


def _unverified(company: Company, ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.for_company(company)
        .select_for_update()
        .filter(pk=ticket_id, state=TicketState.UNVERIFIED)
        .first()
    )
    if ticket is None:
        raise DomainError("That request was already released, purged or confirmed.")
    return ticket


def ticket_release(*, company: Company, ticket_id: int, actor: Actor) -> Ticket:
    """Staff let an unconfirmed ticket into the queue (they know the sender is real)."""
    with transaction.atomic():
        ticket = _unverified(company, ticket_id)
        refuse_blocked(company=company, email=ticket.requester_email)
        _enter_queue(ticket, company, actor, Verb.TICKET_RELEASED, "Released by staff")
    return ticket


def ticket_purge(*, company: Company, ticket_id: int, actor: Actor) -> None:
    """Staff delete an unconfirmed ticket (junk); the audit row keeps who and when."""
    with transaction.atomic():
        ticket = _unverified(company, ticket_id)
        audit_record(
            company=company,
            target=ticket,
            verb=Verb.TICKET_PURGED,
            actor=actor,
            message=f"Unconfirmed request from {ticket.requester_email} deleted",
        )
        ticket.delete()


def tickets_expire_unverified(*, now: Any = None) -> int:
    """Delete unconfirmed tickets past their 7 days (the scheduler runs it hourly)."""
    now = now or timezone.now()
    expired = Ticket.objects.filter(state=TicketState.UNVERIFIED, verify_expires_at__lt=now)
    count = 0
    for ticket in expired.select_related("company"):
        audit_record(
            company=ticket.company,
            target=ticket,
            verb=Verb.TICKET_EXPIRED,
            actor=Actor.system(),
            message="Unconfirmed for 7 days: deleted",
        )
        ticket.delete()
        count += 1
    return count


def tickets_close_resolved(*, now: Any = None) -> int:
    """Resolved tickets not reopened within 14 days become closed."""
    now = now or timezone.now()
    stale = Ticket.objects.filter(
        state=TicketState.RESOLVED, resolved_at__lt=now - timedelta(days=REOPEN_DAYS)
    ).select_related("company")
    count = 0
    for ticket in stale:
        _set_state(ticket, ticket.company, TicketState.CLOSED, Actor.system())
        count += 1
    return count


def _locked(company: Company, ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.for_company(company)
        .select_for_update()
        .exclude(state=TicketState.UNVERIFIED)
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise DomainError("That ticket does not exist.")
    return ticket


def _set_state(ticket: Ticket, company: Company, state: str, actor: Actor) -> None:
    if ticket.state == state:
        return
    old = ticket.state
    ticket.state = state
    if state == TicketState.RESOLVED:
        ticket.resolved_at = timezone.now()
    ticket.save(update_fields=["state", "resolved_at", "updated_at"])
    audit_record(
        company=company,
        target=ticket,
        verb=Verb.TICKET_STATE_CHANGED,
        actor=actor,
        message=f"{TicketState(old).label} → {TicketState(state).label}",
        data={"from": old, "to": state},
    )


STAFF_STATES = [
    TicketState.NEW,
    TicketState.OPEN,
    TicketState.WAITING,
    TicketState.RESOLVED,
    TicketState.CLOSED,
]


def ticket_set_state(*, company: Company, ticket_id: int, state: str, actor: Actor) -> Ticket:
    if state not in STAFF_STATES:
        raise DomainError("Choose one of the listed states.", field="state")
    with transaction.atomic():
        ticket = _locked(company, ticket_id)
        _set_state(ticket, company, state, actor)
    return ticket


def ticket_assign(*, company: Company, ticket_id: int, assignee: Any, actor: Actor) -> Ticket:
    """`assignee`: a staff user of this company (the caller checks membership) or None."""
    with transaction.atomic():
        ticket = _locked(company, ticket_id)
        if ticket.assignee_id == (assignee.pk if assignee else None):
            return ticket
        ticket.assignee = assignee
        if ticket.state == TicketState.NEW and assignee is not None:
            ticket.state = TicketState.OPEN
        ticket.save(update_fields=["assignee", "state", "updated_at"])
        name = (assignee.get_full_name() or assignee.get_username()) if assignee else "nobody"
        audit_record(
            company=company,
            target=ticket,
            verb=Verb.TICKET_ASSIGNED,
            actor=actor,
            message=f"Assigned to {name}",
        )
    return ticket


def ticket_set_priority(*, company: Company, ticket_id: int, priority: str, actor: Actor) -> Ticket:
    if priority not in Priority.values:
        raise DomainError("Choose one of the listed priorities.", field="priority")
    with transaction.atomic():
        ticket = _locked(company, ticket_id)
        if ticket.priority != priority:
            old = ticket.priority
            ticket.priority = priority
            ticket.save(update_fields=["priority", "updated_at"])
            audit_record(
                company=company,
                target=ticket,
                verb=Verb.TICKET_PRIORITY_CHANGED,
                actor=actor,
                message=f"Priority {Priority(old).label} → {Priority(priority).label}",
            )
    return ticket


def _same_as_last(ticket: Ticket, kind: str, body: str) -> TicketMessage | None:
    last = ticket.messages.order_by("-id").first()
    if (
        last is not None
        and last.kind == kind
        and last.body == body
        and last.created_at > timezone.now() - DUPLICATE_WINDOW
    ):
        return last
    return None


def ticket_staff_reply(
    *,
    company: Company,
    ticket_id: int,
    body: str,
    actor: Actor,
    internal: bool,
    then_state: str | None = None,
) -> TicketMessage:
    """A public reply (emailed to the requester with the ticket's link; the ticket then waits
    on the customer unless `then_state` says otherwise) or an internal note (never emailed,
    never shown to the customer)."""
    body = (body or "").strip()
    if not body:
        raise DomainError("Write the reply first.", field="body")
    if then_state is not None and then_state not in STAFF_STATES:
        raise DomainError("Choose one of the listed states.", field="then_state")
    kind = MessageKind.NOTE if internal else MessageKind.REPLY
    with transaction.atomic():
        ticket = _locked(company, ticket_id)
        again = _same_as_last(ticket, kind, body)
        if again is not None:
            return again
        message = TicketMessage.objects.create(
            company=company,
            ticket=ticket,
            kind=kind,
            author_user=actor.user,
            author_label=actor.label,
            body=body,
        )
        if internal:
            audit_record(
                company=company,
                target=ticket,
                verb=Verb.TICKET_NOTE_ADDED,
                actor=actor,
                message="Internal note added",
            )
        else:
            _set_state(ticket, company, then_state or TicketState.WAITING, actor)
            audit_record(
                company=company,
                target=ticket,
                verb=Verb.TICKET_REPLIED,
                actor=actor,
                message="Public reply sent to the customer",
            )
            webhook_emit(
                company=company,
                type="ticket.replied",
                data=ticket_snapshot(ticket, reply_from="staff", message_id=message.pk),
            )
            _email_requester(
                ticket, company, "help_ticket_reply", reply_body=body, author=actor.label
            )
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return message


def may_reopen(ticket: Ticket, now: Any = None) -> bool:
    now = now or timezone.now()
    return (
        ticket.state == TicketState.RESOLVED
        and ticket.resolved_at is not None
        and now - ticket.resolved_at <= timedelta(days=REOPEN_DAYS)
    )


def may_customer_reply(ticket: Ticket) -> bool:
    return ticket.state in (TicketState.NEW, TicketState.OPEN, TicketState.WAITING) or may_reopen(
        ticket
    )


def ticket_customer_reply(
    *,
    company: Company,
    ticket_id: int,
    body: str,
    actor: Actor,
    photos: list[UploadedFile] | None = None,
    by_email: bool = False,
) -> TicketMessage:
    """The customer answers (page or email). Waiting → open; a resolved ticket within 14 days
    is reopened; a closed one refuses (file a new request)."""
    body = (body or "").strip()
    if not body and not photos:
        raise DomainError("Write your message first.", field="body")
    if len(body) > MAX_BODY:
        raise DomainError("Please keep your message under 10,000 characters.", field="body")
    photos_check(photos or [], limit=MAX_PHOTOS)
    with transaction.atomic():
        ticket = _locked(company, ticket_id)
        refuse_blocked(company=company, email=ticket.requester_email)
        if not may_customer_reply(ticket):
            raise DomainError("This request is closed. Please send us a new one.", field="body")
        again = _same_as_last(ticket, MessageKind.CUSTOMER, body) if not photos else None
        if again is not None:
            return again
        message = TicketMessage.objects.create(
            company=company,
            ticket=ticket,
            kind=MessageKind.CUSTOMER,
            author_label=actor.label,
            body=body,
            by_email=by_email,
        )
        _store_photos(ticket, message, photos or [])
        reopened = ticket.state == TicketState.RESOLVED
        if ticket.state in (TicketState.WAITING, TicketState.RESOLVED):
            _set_state(ticket, company, TicketState.OPEN, actor)
        audit_record(
            company=company,
            target=ticket,
            verb=Verb.TICKET_REOPENED if reopened else Verb.TICKET_CUSTOMER_REPLIED,
            actor=actor,
            message=("Reopened by the customer" if reopened else "Customer replied")
            + (" by email" if by_email else ""),
        )
        webhook_emit(
            company=company,
            type="ticket.replied",
            data=ticket_snapshot(ticket, reply_from="customer", message_id=message.pk),
        )
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return message


def ticket_reopen(*, company: Company, ticket_id: int, actor: Actor) -> Ticket:
    with transaction.atomic():
        ticket = _locked(company, ticket_id)
        if not may_reopen(ticket):
            raise DomainError("This request can no longer be reopened. Please send a new one.")
        _set_state(ticket, company, TicketState.OPEN, actor)
        audit_record(
            company=company,
            target=ticket,
            verb=Verb.TICKET_REOPENED,
            actor=actor,
            message="Reopened by the customer",
        )
    return ticket


def ticket_access_rotate(*, company: Company, ticket_id: int, actor: Actor) -> Ticket:
    """Revoke the ticket's access link and reply address (a new one goes out with the next
    email)."""
    with transaction.atomic():
        ticket = _locked(company, ticket_id)
        for field, value in access_keys.access_fields().items():
            setattr(ticket, field, value)
        ticket.save(update_fields=["access_nonce", "access_hash", "reply_hash", "updated_at"])
        audit_record(
            company=company,
            target=ticket,
            verb=Verb.TICKET_ACCESS_REVOKED,
            actor=actor,
            message="Access link and reply address revoked",
        )
    return ticket
