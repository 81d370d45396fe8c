"""Writing the activity ledger: one function, called by the services that already write an
audit row, inside their transaction (so a rolled-back change leaves no activity)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from doorstep.core.models import ActorType
from doorstep.tenancy.time import company_zone

from .models import Activity, ActivityVerb, Channel, CustomerReach

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

V = ActivityVerb

# Sent once per object: the first send starts the object's cohort; a resend is not a new one.
SEND_VERBS = {V.INVOICE_SENT, V.ESTIMATE_SENT}
SENT_VERB_OF = {"invoice": V.INVOICE_SENT, "estimate": V.ESTIMATE_SENT}
# Counted once per object (the first), dated from the object's first send.
ONCE_VERBS = {
    V.INVOICE_OPENED,
    V.INVOICE_PAID,
    V.ESTIMATE_VIEWED,
    V.ESTIMATE_ACCEPTED,
    V.ESTIMATE_DECLINED,
}

# What reaches a customer (docs/adoption.md, "invited"): a sign-in link or invitation, and
# the invoice and estimate emails, whose links open the portal; a sign-in activates.
REACH_VERBS = {V.INVITED, V.INVOICE_SENT, V.INVOICE_RESENT, V.ESTIMATE_SENT, V.SIGNED_IN}

# Upper bounds (seconds) of the time-to-open/pay buckets the rollups keep; last = longer.
LATENCY_BOUNDS = (3600, 4 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400)
LATENCY_WORDS = (
    "within an hour",
    "within 4 hours",
    "within a day",
    "within 3 days",
    "within a week",
    "within 2 weeks",
    "within 30 days",
    "over 30 days",
)


def latency_bucket(seconds: int | None) -> int | None:
    if seconds is None:
        return None
    for index, bound in enumerate(LATENCY_BOUNDS):
        if seconds <= bound:
            return index
    return len(LATENCY_BOUNDS)


def channel_of_actor(actor_type: str) -> str:
    """Estimates decided, requests and messages: by the customer in the portal, or staff."""
    if actor_type == ActorType.PORTAL:
        return Channel.PORTAL
    if actor_type == ActorType.STAFF:
        return Channel.OFFICE
    return ""


def activity_record(
    *,
    company: Company,
    verb: str,
    object_type: str,
    object_id: int,
    actor_type: str,
    customer_id: int | None = None,
    contact_id: int | None = None,
    channel: str = "",
    scanner: bool = False,
    amount: int = 0,
    detail: str = "",
    occurred_at: datetime | None = None,
) -> Activity | None:
    """Append one activity. Opens, views, decisions and payments in full count once per
    object (a later one is not written); a second "sent" of an object is not written."""
    counted_once = verb in SEND_VERBS or verb in ONCE_VERBS
    activity = _activity_build(
        company=company,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        actor_type=actor_type,
        seen=_object_history(company, object_type, object_id) if counted_once else {},
        customer_id=customer_id,
        contact_id=contact_id,
        channel=channel,
        scanner=scanner,
        amount=amount,
        detail=detail,
        occurred_at=occurred_at,
    )
    if activity is None:
        return None
    activity.save(force_insert=True)
    if customer_id is not None and verb in REACH_VERBS:
        _reach_update(company, customer_id, verb, activity.occurred_at)
    return activity


def _activity_build(
    *,
    company: Company,
    verb: str,
    object_type: str,
    object_id: int,
    actor_type: str,
    seen: dict[str, Any],
    customer_id: int | None = None,
    contact_id: int | None = None,
    channel: str = "",
    scanner: bool = False,
    amount: int = 0,
    detail: str = "",
    occurred_at: datetime | None = None,
) -> Activity | None:
    """The row to append, not saved; None when it is not written. `seen`: the object's
    history (`_object_history`) for a verb counted once."""
    now = occurred_at or timezone.now()
    first = False
    cohort_on = None
    latency = None
    if verb in SEND_VERBS or verb in ONCE_VERBS:
        if verb in seen:
            return None  # counted once per object
        first = True
        if verb in SEND_VERBS:
            sent_at: datetime | None = now
        else:
            sent_at = seen.get(SENT_VERB_OF.get(object_type, ""))
        if sent_at is not None:
            cohort_on = timezone.localtime(sent_at, company_zone(company)).date()
            latency = max(0, int((now - sent_at).total_seconds()))
    return Activity(
        company=company,
        customer_id=customer_id,
        contact_id=contact_id,
        object_type=object_type,
        object_id=object_id,
        verb=verb,
        channel=channel,
        actor_type=actor_type,
        occurred_at=now,
        scanner=scanner,
        first=first,
        cohort_on=cohort_on,
        latency_seconds=latency,
        amount=amount,
        detail=detail[:200],
    )


def payment_settled_record(
    *,
    company: Company,
    payment_id: int,
    customer_id: int,
    amount: int,
    actor_type: str,
    paid_invoices: Sequence[tuple[int, int]],
) -> None:
    """An online payment went through: its "settled" row in the channel it was started from,
    and "paid" once for each invoice it paid in full (`paid_invoices`: invoice id, customer
    id). The same rows as `activity_record` one by one, in one read and one write (the
    webhook path runs this for every payment; four statements were two)."""
    invoice_ids = [invoice_id for invoice_id, _ in paid_invoices]
    wanted = Q(object_type="payment", object_id=payment_id, verb=V.PAYMENT_STARTED)
    if invoice_ids:
        wanted |= Q(object_type="invoice", object_id__in=invoice_ids, first=True)
    channel = ""
    histories: dict[int, dict[str, Any]] = {pk: {} for pk in invoice_ids}
    rows = Activity.objects.for_company(company).filter(wanted)
    for object_type, object_id, verb, occurred_at, row_channel in rows.values_list(
        "object_type", "object_id", "verb", "occurred_at", "channel"
    ):
        if object_type == "payment":
            channel = channel or row_channel
        else:
            histories[object_id][verb] = occurred_at
    now = timezone.now()
    built = [
        _activity_build(
            company=company,
            verb=V.PAYMENT_SETTLED,
            object_type="payment",
            object_id=payment_id,
            actor_type=actor_type,
            seen={},
            customer_id=customer_id,
            channel=channel,
            amount=amount,
            occurred_at=now,
        )
    ] + [
        _activity_build(
            company=company,
            verb=V.INVOICE_PAID,
            object_type="invoice",
            object_id=invoice_id,
            actor_type=actor_type,
            seen=histories[invoice_id],
            customer_id=invoice_customer,
            channel=channel,
            occurred_at=now,
        )
        for invoice_id, invoice_customer in paid_invoices
    ]
    Activity.objects.bulk_create([a for a in built if a is not None])


def payment_channel(*, company: Company, payment_id: int) -> str:
    """The channel the payment was started from (its "payment started" row)."""
    return (
        Activity.objects.for_company(company)
        .filter(object_type="payment", object_id=payment_id, verb=V.PAYMENT_STARTED)
        .values_list("channel", flat=True)
        .first()
    ) or ""


def _object_history(company: Company, object_type: str, object_id: int) -> dict[str, Any]:
    """verb -> when it first happened, for one object (a handful of rows at most)."""
    rows = (
        Activity.objects.for_company(company)
        .filter(object_type=object_type, object_id=object_id, first=True)
        .values_list("verb", "occurred_at")
    )
    return dict(rows)


def _reach_update(company: Company, customer_id: int, verb: str, now: datetime) -> None:
    reach, _ = CustomerReach.objects.get_or_create(company=company, customer_id=customer_id)
    # Least/Greatest: rows written with a past time (imported history) keep the earliest.
    fields: dict[str, Any] = {"invited_at": Least(Coalesce(F("invited_at"), now), now)}
    if verb == V.SIGNED_IN:
        # A sign-in also means the customer was reached (an invoice link is an invitation).
        fields = {
            **fields,
            "activated_at": Least(Coalesce(F("activated_at"), now), now),
            "last_signed_in_at": Greatest(Coalesce(F("last_signed_in_at"), now), now),
        }
    CustomerReach.objects.filter(pk=reach.pk).update(**fields)
