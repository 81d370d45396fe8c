"""The email channel: render the company-branded HTML + text email and send it over SMTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import Notification
from .send_time import resolve

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

# kind -> function(company, id) returning (filename, bytes, mimetype). Apps register builders
# (e.g. access registers "invoice_pdf") in their AppConfig.ready().
ATTACHMENT_BUILDERS: dict[str, Callable[[Any, int], tuple[str, bytes, str]]] = {}


def render_email(
    notification: Notification, context: dict[str, Any] | None = None
) -> tuple[str, str, str]:
    """`context`: the notification's context with its secrets filled in (send time only)."""
    company = notification.company
    context = {
        **(notification.context if context is None else context),
        "company": company,
        "base_url": settings.BASE_URL,
    }
    name = f"emails/{notification.template}"
    # Subject and text part are plain text: rendered without HTML escaping (settings "text").
    subject = " ".join(render_to_string(f"{name}.subject.txt", context, using="text").split())
    text = render_to_string(f"{name}.txt", context, using="text")
    html = render_to_string(f"{name}.html", context)
    return subject, text, html


def from_address(company: Company) -> str:
    # The company's name as the display name; the platform's address as the sender.
    address = settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">").strip()
    return f'"{company.name}" <{address}>'


def message_id(notification: Notification) -> str:
    domain = from_address(notification.company).rsplit("@", 1)[-1].rstrip(">") or "doorstep"
    return f"<notification-{notification.pk}.{notification.created_at:%Y%m%d%H%M%S}@{domain}>"


def send_email(notification: Notification) -> None:
    company = notification.company
    # Links and codes exist only from here on, in memory (see send_time.py).
    context = resolve(notification.context, company=company)
    subject, text, html = render_email(notification, context)
    headers = {
        "X-Doorstep-Notification": str(notification.pk),
        # The same for every attempt at this outbox row: if a crash between SMTP's "250 OK" and
        # our "sent" mark makes us send it again, mail systems see (and may drop) a duplicate.
        "Message-ID": message_id(notification),
    }
    unsubscribe_url = context.get("unsubscribe_url")
    if unsubscribe_url:
        # RFC 8058 one-click unsubscribe: mail providers POST to the URL themselves.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_address(company),
        to=[notification.recipient],
        reply_to=[company.support_email] if company.support_email else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for item in notification.attachments:
        filename, content, mimetype = ATTACHMENT_BUILDERS[item["kind"]](company, item["id"])
        message.attach(filename, content, mimetype)
    message.send(fail_silently=False)
    notification.subject = subject[:300]
