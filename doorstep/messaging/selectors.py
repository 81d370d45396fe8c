"""Reads of conversations, scoped by company and, in the portal, by customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, QuerySet, When

from doorstep.billing.models import Invoice
from doorstep.jobs.models import Job
from doorstep.servicerequests.models import ServiceRequest

from .models import Conversation, Message, MessageAttachment

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def conversations_for_customer(*, company: Company, customer: Any) -> QuerySet[Conversation]:
    return (
        Conversation.objects.for_company(company)
        .filter(customer=customer)
        .select_related("job", "invoice", "service_request")
        .order_by("-last_message_at", "-id")
    )


def conversation_for_customer(
    *, company: Company, customer: Any, conversation_id: int
) -> Conversation | None:
    return (
        conversations_for_customer(company=company, customer=customer)
        .filter(pk=conversation_id)
        .first()
    )


def messages_in(*, company: Company, conversation: Conversation) -> list[Message]:
    return list(
        Message.objects.for_company(company)
        .filter(conversation=conversation)
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def attachment_for_customer(
    *, company: Company, customer: Any, conversation_id: int, attachment_id: int
) -> MessageAttachment | None:
    return (
        MessageAttachment.objects.for_company(company)
        .filter(
            pk=attachment_id,
            message__conversation_id=conversation_id,
            message__conversation__customer=customer,
        )
        .first()
    )


def topics_for_customer(*, company: Company, customer: Any) -> list[tuple[str, str]]:
    """The "about" choices: general, or one of the customer's recent jobs/invoices/requests."""
    choices = [("general", "General question")]
    jobs = Job.objects.for_company(company).filter(customer=customer).order_by("-created_at")[:20]
    choices += [(f"job:{j.pk}", f"Job {j.display_number} · {j.title}") for j in jobs]
    invoices = (
        Invoice.objects.for_company(company)
        .filter(customer=customer)
        .exclude(state="draft")
        .order_by("-id")[:20]
    )
    choices += [(f"invoice:{i.pk}", f"Invoice {i.display_number}") for i in invoices]
    requests = (
        ServiceRequest.objects.for_company(company)
        .filter(customer=customer)
        .select_related("service_type")
        .order_by("-id")[:20]
    )
    choices += [
        (f"request:{r.pk}", f"Request {r.display_number} · {r.service_type}") for r in requests
    ]
    return choices


# --- The office's inbox ------------------------------------------------------------------------
def conversations_inbox(*, company: Company, unread_only: bool = False) -> QuerySet[Conversation]:
    """The office inbox: conversations with unread customer messages first, then the latest."""
    rows = (
        Conversation.objects.for_company(company)
        .select_related("customer", "job", "invoice", "service_request")
        .annotate(has_unread=Case(When(staff_unread__gt=0, then=0), default=1))
        .order_by("has_unread", F("last_message_at").desc(nulls_last=True), "-id")
    )
    return rows.filter(staff_unread__gt=0) if unread_only else rows


def conversation_for_office(*, company: Company, conversation_id: int) -> Conversation | None:
    return (
        Conversation.objects.for_company(company)
        .filter(pk=conversation_id)
        .select_related("customer", "job", "invoice", "service_request")
        .first()
    )


def attachment_for_office(
    *, company: Company, conversation_id: int, attachment_id: int
) -> MessageAttachment | None:
    return (
        MessageAttachment.objects.for_company(company)
        .filter(pk=attachment_id, message__conversation_id=conversation_id)
        .first()
    )
