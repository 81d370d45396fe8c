"""What the portal's pages tell the ledger: a customer's own view of an invoice or estimate,
and a fetch of an emailed link's page (never an open; flagged when it looks like a scanner).

Staff "preview as the customer" never calls these (doorstep/portal/staff_preview.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from doorstep.core.models import ActorType

from .ledger import activity_record
from .models import ActivityVerb, Channel
from .scanners import fetch_is_scanner

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def invoice_viewed(*, company: Company, invoice: Any, contact_id: int | None, full: bool) -> None:
    """The signed-in customer's own invoice page: an open (counted once per invoice)."""
    activity_record(
        company=company,
        verb=ActivityVerb.INVOICE_OPENED,
        object_type="invoice",
        object_id=invoice.pk,
        actor_type=ActorType.PORTAL,
        customer_id=invoice.customer_id,
        contact_id=contact_id,
        channel=Channel.PORTAL if full else Channel.INVOICE_LINK,
    )


def estimate_viewed(*, company: Company, estimate: Any, contact_id: int | None) -> None:
    activity_record(
        company=company,
        verb=ActivityVerb.ESTIMATE_VIEWED,
        object_type="estimate",
        object_id=estimate.pk,
        actor_type=ActorType.PORTAL,
        customer_id=estimate.customer_id,
        contact_id=contact_id,
        channel=Channel.PORTAL,
    )


def link_fetched(
    *,
    company: Company,
    verb: str,
    object_type: str,
    object_id: int,
    customer_id: int | None,
    sent_at: datetime | None,
    method: str,
    user_agent: str,
    ip: str | None,
) -> None:
    """A GET/HEAD of an emailed link's confirm page (`verb`: link or invoice fetched)."""
    now = timezone.now()
    activity_record(
        company=company,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        actor_type=ActorType.PORTAL,
        customer_id=customer_id,
        channel=Channel.EMAIL,
        scanner=fetch_is_scanner(
            method=method, user_agent=user_agent, ip=ip, sent_at=sent_at, now=now
        ),
        occurred_at=now,
    )
