"""Telling a customer that something happened, in the company's words, on the channels the
customer chose. Called inside the business transaction: the outbox rows commit with it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import transaction

from doorstep.core.links import portal_url
from doorstep.customers.models import Customer
from doorstep.customers.selectors import customer_email_contact

from .defaults import default_channels
from .events import EVENTS, EventSpec
from .models import Channel, CustomerPhone, MessageTemplate, Notification, NotificationPreference
from .quiet_hours import quiet_until
from .send_time import reference
from .services import NotificationSkipped, notification_enqueue
from .sms import sms_configured
from .templating import placeholders_fill

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

UNSUBSCRIBE_SALT = "doorstep.notifications.unsubscribe"
UNSUBSCRIBE_KIND = "unsubscribe"


def message_template_for(*, company: Company, event: str) -> tuple[str, str, str]:
    """(email subject, email body, sms body): the company's wording, else the default."""
    spec = EVENTS[event]
    saved = MessageTemplate.objects.for_company(company).filter(event=event).first()
    if saved is None:
        return spec.email_subject, spec.email_body, spec.sms_body
    return (
        saved.email_subject or spec.email_subject,
        saved.email_body or spec.email_body,
        saved.sms_body or spec.sms_body,
    )


@transaction.atomic
def message_templates_ensure(*, company: Company) -> None:
    """Give the company an editable copy of every default wording it does not have yet."""
    have = set(MessageTemplate.objects.for_company(company).values_list("event", flat=True))
    MessageTemplate.objects.bulk_create(
        [
            MessageTemplate(
                company=company,
                event=event,
                email_subject=spec.email_subject,
                email_body=spec.email_body,
                sms_body=spec.sms_body,
            )
            for event, spec in EVENTS.items()
            if event not in have
        ],
        ignore_conflicts=True,
    )


def message_render(
    *, spec: EventSpec, texts: tuple[str, str, str], values: dict[str, Any]
) -> tuple[str, str, str]:
    subject, body, sms = (placeholders_fill(t, values, spec.placeholders) for t in texts)
    return " ".join(subject.split())[:200], body, sms


def customer_channels(*, company: Company, customer: Any, event: str) -> tuple[bool, bool]:
    pref = (
        NotificationPreference.objects.for_company(company)
        .filter(customer=customer, event=event)
        .first()
    )
    if pref is None:
        return default_channels(company=company, event=event)
    return pref.email, pref.sms


def unsubscribe_token(*, company: Company, customer: Any, event: str) -> str:
    return signing.dumps({"c": company.pk, "u": customer.pk, "e": event}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url_at_send(company: Company, args: list[str]) -> str:
    """Resolver of `[[send-time unsubscribe CUSTOMER_ID EVENT]]`. The outbox keeps only the
    ids; the signed token exists in the email alone (see send_time.py)."""
    customer_id, event = args
    customer = Customer.objects.for_company(company).filter(pk=int(customer_id)).first()
    if customer is None:
        raise NotificationSkipped("The customer of this email no longer exists.")
    token = unsubscribe_token(company=company, customer=customer, event=event)
    return portal_url(company, f"unsubscribe/{token}")


def unsubscribe_token_read(token: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def customer_notify(
    *,
    company: Company,
    customer: Any,
    event: str,
    values: dict[str, Any],
    button_url: str = "",
    urgent: bool = False,
) -> list[Notification]:
    """Queue the event's email and/or text for the customer, as their preferences say."""
    spec = EVENTS[event]
    wants_email, wants_sms = customer_channels(company=company, customer=customer, event=event)
    contact = customer_email_contact(company=company, customer=customer)
    values = {
        "company_name": company.name,
        "customer_name": customer.greeting_name(contact),
        "portal_url": portal_url(company),
        **values,
    }
    subject, body, sms = message_render(
        spec=spec, texts=message_template_for(company=company, event=event), values=values
    )
    queued: list[Notification] = []
    recipient = contact.email if contact is not None else ""
    if wants_email and recipient:
        unsubscribe = reference(UNSUBSCRIBE_KIND, customer.pk, event)
        queued.append(
            notification_enqueue(
                company=company,
                recipient=recipient,
                template="notice",
                context={
                    "subject": subject,
                    "heading": subject,
                    "body": body,
                    "button_url": button_url or values["portal_url"],
                    "button_label": spec.button_label,
                    "unsubscribe_url": unsubscribe,
                    "event": event,
                },
            )
        )
    if wants_sms and sms_configured(company):
        phone = CustomerPhone.objects.for_company(company).filter(customer=customer).first()
        if phone is not None and phone.can_receive_texts:
            queued.append(
                sms_enqueue(
                    company=company,
                    customer=customer,
                    phone=phone.phone,
                    event=event,
                    body=sms,
                    urgent=urgent,
                )
            )
    return queued


def sms_enqueue(
    *,
    company: Company,
    customer: Any,
    phone: str,
    event: str,
    body: str,
    urgent: bool = False,
    secret: bool = False,
) -> Notification:
    return notification_enqueue(
        company=company,
        recipient=phone,
        channel=Channel.SMS,
        template=event,
        context={"body": body[:480], "urgent": urgent, "customer_id": customer.pk},
        secret_keys=["body"] if secret else [],
        not_before=None if urgent else quiet_until(company),
    )
