"""Writes on conversations: start one, post a message (either side), mark read.

A new message bumps the other side's unread count and emails them (the customer according to
their notification preferences; the office at its support address)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from doorstep.adoption.ledger import activity_record, channel_of_actor
from doorstep.adoption.models import ActivityVerb, Channel
from doorstep.billing.models import Invoice
from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.links import office_change_url, portal_url
from doorstep.core.uploads import (
    MAX_PHOTO_BYTES,
    PHOTO_KINDS,
    photos_check,
    private_file_store,
)
from doorstep.core.verbs import Verb
from doorstep.customers.models import Customer
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.snapshots import record_snapshot
from doorstep.jobs.models import Job
from doorstep.notifications.customer_notices import customer_notify
from doorstep.notifications.models import NotificationEvent
from doorstep.notifications.services import notification_enqueue
from doorstep.servicerequests.models import ServiceRequest

from .models import (
    MAX_ATTACHMENTS,
    MAX_BODY,
    Conversation,
    Message,
    MessageAttachment,
    Side,
    Topic,
)

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError("Write a message first.", field="body")
    if len(body) > MAX_BODY:
        raise DomainError(f"Keep it under {MAX_BODY} characters.", field="body")
    return body


def _about(company: Company, customer: Any, topic: str, about_id: int | None) -> dict[str, Any]:
    """The job/invoice/request a conversation is about: only the customer's own."""
    if topic == Topic.GENERAL:
        return {}
    model: Any = {Topic.JOB: Job, Topic.INVOICE: Invoice, Topic.REQUEST: ServiceRequest}.get(
        Topic(topic) if topic in Topic.values else None  # type: ignore[arg-type]
    )
    found = None
    if model is not None:
        rows = model.objects.for_company(company).filter(customer=customer, pk=about_id)
        if model is Invoice:
            rows = rows.exclude(state="draft")  # customers never see drafts
        found = rows.first()
    if found is None:
        raise DomainError("Choose one of your own jobs, invoices or requests.", field="about")
    field = {Topic.JOB: "job", Topic.INVOICE: "invoice", Topic.REQUEST: "service_request"}
    return {field[Topic(topic)]: found}


@transaction.atomic
def conversation_start(
    *,
    company: Company,
    customer: Any,
    subject: str,
    body: str,
    actor: Actor,
    side: str = Side.CUSTOMER,
    topic: str = Topic.GENERAL,
    about_id: int | None = None,
    photos: list[UploadedFile] | None = None,
    portal_account: Any = None,
) -> Conversation:
    subject = (subject or "").strip()
    if not subject:
        raise DomainError("Give your message a subject.", field="subject")
    body = _check_body(body)
    photos_check(photos or [], limit=MAX_ATTACHMENTS)
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your customers.", field="customer")
    conversation = Conversation.objects.create(
        company=company,
        customer=customer,
        subject=subject[:200],
        topic=topic if topic in Topic.values else Topic.GENERAL,
        **_about(company, customer, topic, about_id),
    )
    audit_record(
        company=company,
        target=conversation,
        verb=Verb.CONVERSATION_STARTED,
        actor=actor,
        message=f"Conversation started: {conversation.subject}",
    )
    message_post(
        company=company,
        conversation_id=conversation.pk,
        side=side,
        body=body,
        photos=photos,
        actor=actor,
        portal_account=portal_account,
    )
    conversation.refresh_from_db()
    return conversation


@transaction.atomic
def message_post(
    *,
    company: Company,
    conversation_id: int,
    side: str,
    body: str,
    actor: Actor,
    photos: list[UploadedFile] | None = None,
    portal_account: Any = None,
) -> Message:
    body = _check_body(body)
    photos = photos or []
    photos_check(photos, limit=MAX_ATTACHMENTS)
    conversation = (
        Conversation.objects.select_for_update()
        .select_related("customer")
        .get(company=company, pk=conversation_id)
    )
    message = Message.objects.create(
        company=company,
        conversation=conversation,
        side=side,
        author_label=actor.label if side == Side.STAFF else conversation.customer.name,
        portal_account=portal_account,
        staff_user=actor.user if side == Side.STAFF else None,
        body=body,
    )
    for upload in photos:
        private_file_store(
            MessageAttachment(company=company, message=message),
            upload,
            folder="messages",
            kinds=PHOTO_KINDS,
            max_bytes=MAX_PHOTO_BYTES,
        )
    other_unread = "customer_unread" if side == Side.STAFF else "staff_unread"
    Conversation.objects.filter(pk=conversation.pk).update(
        **{other_unread: F(other_unread) + 1}, last_message_at=timezone.now()
    )
    if side == Side.STAFF:  # the portal's unread badge (Customer.unread_messages)
        Customer.objects.filter(company=company, pk=conversation.customer_id).update(
            unread_messages=F("unread_messages") + 1
        )
    audit_record(
        company=company,
        target=conversation,
        verb=Verb.CONVERSATION_MESSAGE_POSTED,
        actor=actor,
        message=f"{Side(side).label} wrote a message"
        + (f" with {len(photos)} photo(s)" if photos else ""),
        data={"message_id": message.pk},
    )
    webhook_emit(
        company=company,
        type="message.created",
        data=record_snapshot(company, "message", message, conversation=conversation.pk),
    )
    if side == Side.CUSTOMER:
        activity_record(
            company=company,
            verb=ActivityVerb.MESSAGE_SENT,
            object_type="message",
            object_id=message.pk,
            actor_type=actor.type,
            customer_id=conversation.customer_id,
            contact_id=getattr(portal_account, "contact_id", None),
            channel=channel_of_actor(actor.type) or Channel.EMAIL,
        )
    _tell_other_side(company, conversation, side, message)
    return message


def _tell_other_side(
    company: Company, conversation: Conversation, side: str, message: Message
) -> None:
    thread = portal_url(company, f"messages/{conversation.pk}")
    if side == Side.STAFF:
        customer_notify(
            company=company,
            customer=conversation.customer,
            event=NotificationEvent.MESSAGE_RECEIVED,
            values={
                "subject": conversation.subject,
                "sender_name": message.author_label,
                "conversation_url": thread,
            },
            button_url=thread,
        )
    elif company.support_email:
        notification_enqueue(
            company=company,
            recipient=company.support_email,
            template="notice",
            context={
                "subject": f"New message from {conversation.customer.name}: {conversation.subject}",
                "heading": f"{conversation.customer.name} wrote",
                "body": message.body,
                "button_url": office_change_url(conversation),
                "button_label": "Answer in the back office",
            },
        )


def conversation_mark_read(*, company: Company, conversation: Conversation, side: str) -> None:
    """The reader's own counter goes to zero (a plain UPDATE: no audit row for reading)."""
    field = "customer_unread" if side == Side.CUSTOMER else "staff_unread"
    unread = getattr(conversation, field)
    if unread:
        Conversation.objects.filter(company=company, pk=conversation.pk).update(**{field: 0})
        setattr(conversation, field, 0)
        if side == Side.CUSTOMER:
            Customer.objects.filter(company=company, pk=conversation.customer_id).update(
                unread_messages=Greatest(F("unread_messages") - unread, 0)
            )
