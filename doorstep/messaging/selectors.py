"""Reads of conversations, scoped by company and, in the portal, by customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, QuerySet, Value, When

from doorstep.billing.models import Invoice
from doorstep.jobs.models import ACTIVE_STATUSES, Job
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


def conversations_about_job(*, company: Company, customer: Any, job: Any) -> list[Conversation]:
    """The customer's conversations about one of their jobs, newest first (the job's page)."""
    return list(
        Conversation.objects.for_company(company)
        .filter(customer=customer, job=job)
        .order_by("-last_message_at", "-id")[:20]
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


TOPIC_JOBS = 50  # live jobs first, then the newest others


def topics_for_customer(
    *, company: Company, customer: Any, wanted: str = ""
) -> list[tuple[str, str]]:
    """The "about" choices: general, or one of the customer's jobs/invoices/requests.

    Jobs under way (on the way, in progress, scheduled...) come first whatever their age, so a
    customer can always ask about the visit that matters now; `wanted` (e.g. "job:12" from a
    job's "Ask about this job") is offered even when it is older than the list."""
    choices = [("general", "General question")]
    live_first = Case(When(status__in=ACTIVE_STATUSES, then=Value(0)), default=Value(1))
    jobs = list(
        Job.objects.for_company(company)
        .filter(customer=customer)
        .order_by(live_first, "-created_at")[:TOPIC_JOBS]
    )
    kind, _, raw_id = wanted.partition(":")
    if kind == "job" and raw_id.isdigit() and all(j.pk != int(raw_id) for j in jobs):
        jobs += list(Job.objects.for_company(company).filter(customer=customer, pk=int(raw_id)))
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
