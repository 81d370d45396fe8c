"""Who is told what about an estimate: the office when the customer decides or asks, the
customer when the office answers. Receivers of billing/signals.py, connected in apps.py;
they run inside the estimate service's transaction, so the outbox rows commit with it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorstep.billing.models import Estimate, EstimateState
from doorstep.core.links import office_change_url, portal_url

from .customer_notices import customer_notify
from .models import NotificationEvent
from .services import notification_enqueue

if TYPE_CHECKING:
    from doorstep.customers.models import Customer
    from doorstep.tenancy.models import Company


def _office_told(*, company: Company, estimate: Estimate, heading: str, body: str) -> None:
    recipient = company.billing_email or company.support_email
    if not recipient:
        return
    notification_enqueue(
        company=company,
        recipient=recipient,
        template="notice",
        context={
            "subject": heading,
            "heading": heading,
            "body": body,
            "button_url": office_change_url(estimate),
            "button_label": f"Open {estimate.display_number}",
        },
    )


def on_estimate_decided(
    sender: Any,
    *,
    company: Company,
    customer: Customer,
    estimate: Estimate,
    detail: str,
    **kwargs: Any,
) -> None:
    """Accepted (detail: the signer's name) or declined (detail: the reason, maybe empty)."""
    if estimate.state == EstimateState.ACCEPTED:
        _office_told(
            company=company,
            estimate=estimate,
            heading=f"{customer.name} accepted {estimate.display_number}",
            body=f"{estimate.title or estimate.display_number}\nSigned by {detail}.\n"
            "Turn it into a job from the estimate in the back office.",
        )
    else:
        _office_told(
            company=company,
            estimate=estimate,
            heading=f"{customer.name} declined {estimate.display_number}",
            body=f"Reason: {detail}" if detail else "No reason given.",
        )


def on_estimate_commented(
    sender: Any,
    *,
    company: Company,
    customer: Customer,
    estimate: Estimate,
    body: str,
    **kwargs: Any,
) -> None:
    _office_told(
        company=company,
        estimate=estimate,
        heading=f"{customer.name} commented on {estimate.display_number}",
        body=body,
    )


def on_estimate_comment_replied(
    sender: Any, *, company: Company, estimate: Estimate, sender_name: str, **kwargs: Any
) -> None:
    """The "new message from the office" event, so the customer's email/text preferences
    apply, with a link to the estimate in the portal."""
    url = portal_url(company, f"estimates/{estimate.pk}/")
    customer_notify(
        company=company,
        customer=estimate.customer,
        event=NotificationEvent.MESSAGE_RECEIVED,
        values={
            "subject": f"{estimate.display_number} {estimate.title}".strip(),
            "sender_name": sender_name or company.name,
            "conversation_url": url,
        },
        button_url=url,
    )
