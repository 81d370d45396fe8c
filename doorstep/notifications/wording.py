"""The company's own words in the built-in emails (invoice, reminder, receipt, sign-in link,
invitation, estimate). Seed 003: "rewrite the customer-facing templates in your own voice".

The company rewrites the subject and the opening words (MessageTemplate, like every other
event); amounts, details, buttons and links stay in our templates, so a rewording can never
lose the pay button or leak a variable. Applied when the email is rendered (email.py), so it
also reaches emails already waiting in the outbox. Company text is never template code: only
`{placeholder}` names of the event's allow-list are filled (templating.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .events import EVENTS
from .models import MessageTemplate
from .models import NotificationEvent as E
from .templating import placeholders_fill

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

Context = dict[str, Any]


def _invoice_values(context: Context) -> Context:
    return {
        "customer_name": context.get("customer_name", ""),
        "invoice_number": context.get("number", ""),
        "total": context.get("total", ""),
        "balance": context.get("balance", ""),
        "due_date": context.get("due_date", ""),
        "portal_url": context.get("portal_url", ""),
    }


def _receipt_values(context: Context) -> Context:
    return {k: context.get(k, "") for k in ("customer_name", "amount", "date")}


def _link_values(context: Context) -> Context:
    return {
        "customer_name": context.get("customer_name", ""),
        "portal_url": context.get("portal_url", ""),
        "lifetime": context.get("lifetime", ""),
    }


def _estimate_values(context: Context) -> Context:
    keys = ("customer_name", "estimate_number", "estimate_title", "total", "valid_until")
    return {k: context.get(k, "") for k in keys}


def _as_wording(context: Context, subject: str, body: str) -> Context:
    return {**context, "wording": {"subject": subject, "body": body}}


def _as_link_text(context: Context, subject: str, body: str) -> Context:
    # portal_link.* already print subject/heading/intro from the context.
    return {**context, "subject": subject, "heading": subject, "intro": body}


@dataclass(frozen=True)
class BuiltInEmail:
    event: str
    outbox_template: str  # Notification.template
    applies: Callable[[Context], bool]
    values: Callable[[Context], Context]
    apply: Callable[[Context, str, str], Context]
    sample: Context  # an outbox context for the office's preview


_INVOICE_SAMPLE = {
    "customer_name": "Pat",
    "number": "INV-0042",
    "total": "$250.00",
    "balance": "$250.00",
    "due_date": "December 15, 2026",
    "invoice_url": "https://portal.example/p/acme/i/sample",
    "portal_url": "https://portal.example/p/acme/sign-in",
}
_LINK_SAMPLE = {
    "customer_name": "Pat",
    "button_label": "Open your portal",
    "url": "https://portal.example/p/acme/l/sample",
    "code": "123456",
    "lifetime": "15 minutes",
    "portal_url": "https://portal.example/p/acme/sign-in",
}

BUILT_IN_EMAILS: tuple[BuiltInEmail, ...] = (
    BuiltInEmail(
        E.INVOICE_SENT,
        "invoice_sent",
        lambda c: not c.get("reminder"),
        _invoice_values,
        _as_wording,
        {**_INVOICE_SAMPLE, "overdue": False, "reminder": False},
    ),
    BuiltInEmail(
        E.INVOICE_REMINDER,
        "invoice_sent",
        lambda c: bool(c.get("reminder")),
        _invoice_values,
        _as_wording,
        {**_INVOICE_SAMPLE, "overdue": True, "reminder": True},
    ),
    BuiltInEmail(
        E.PAYMENT_RECEIPT,
        "payment_receipt",
        lambda c: c.get("audience") != "billing" and not c.get("pending"),
        _receipt_values,
        _as_wording,
        {
            "customer_name": "Pat",
            "amount": "$250.00",
            "method": "Visa ending 4242",
            "date": "December 2, 2026",
            "reference": "DS-17",
            "invoices": [{"number": "INV-0042", "amount": "$250.00"}],
            "receipt_url": "https://portal.example/p/acme/payments/17/receipt",
        },
    ),
    BuiltInEmail(
        E.SIGN_IN_LINK,
        "portal_link",
        lambda c: c.get("wording_event") == E.SIGN_IN_LINK,
        _link_values,
        _as_link_text,
        {**_LINK_SAMPLE, "button_label": "Sign in", "wording_event": E.SIGN_IN_LINK},
    ),
    BuiltInEmail(
        E.PORTAL_INVITATION,
        "portal_link",
        lambda c: c.get("wording_event") == E.PORTAL_INVITATION,
        _link_values,
        _as_link_text,
        {**_LINK_SAMPLE, "wording_event": E.PORTAL_INVITATION},
    ),
    BuiltInEmail(
        E.ESTIMATE_SENT,
        "estimate_sent",
        lambda c: True,
        _estimate_values,
        _as_wording,
        {
            "customer_name": "Pat",
            "estimate_number": "EST-0012",
            "estimate_title": "Replace the water heater",
            "total": "$1,850.00",
            "valid_until": "January 2, 2027",
            "estimate_url": "https://portal.example/p/acme/estimates/12/",
        },
    ),
)
BUILT_IN_BY_EVENT = {email.event: email for email in BUILT_IN_EMAILS}


def built_in_email_for(*, template: str, context: Context) -> BuiltInEmail | None:
    for email in BUILT_IN_EMAILS:
        if email.outbox_template == template and email.applies(context):
            return email
    return None


def wording_apply(
    *,
    company: Company,
    email: BuiltInEmail,
    context: Context,
    texts: tuple[str, str] | None = None,
) -> Context:
    """The context with the company's words in it (`texts`: unsaved words, for the preview).
    Saved words equal to the defaults change nothing: the template's own text stays."""
    spec = EVENTS[email.event]
    if texts is None:
        saved = MessageTemplate.objects.for_company(company).filter(event=email.event).first()
        if saved is None:
            return context
        texts = (saved.email_subject or spec.email_subject, saved.email_body or spec.email_body)
    if texts == (spec.email_subject, spec.email_body):
        return context
    values = {**email.values(context), "company_name": company.name}
    subject, body = (placeholders_fill(t, values, spec.placeholders) for t in texts)
    return email.apply(context, " ".join(subject.split())[:200], body)


def company_wording(*, company: Company, template: str, context: Context) -> Context:
    """What email.py renders: the outbox context, with the company's words where it has any."""
    email = built_in_email_for(template=template, context=context)
    if email is None:
        return context
    return wording_apply(company=company, email=email, context=context)
