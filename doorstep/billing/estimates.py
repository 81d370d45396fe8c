"""Writes on estimates: creation, states, the customer's decision and comments (portal),
staff replies and turning a yes into a job (back office).

Billing sits below notifications: who is told what is in notifications/estimate_notices.py,
reached through the signals in billing/signals.py (sent inside the same transaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from doorstep.adoption.ledger import activity_record, channel_of_actor
from doorstep.adoption.models import ActivityVerb, Channel
from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.numbering import number_next
from doorstep.core.verbs import Verb
from doorstep.customers.models import Location
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.snapshots import record_snapshot
from doorstep.jobs.services import job_create
from doorstep.tenancy.time import company_today

from . import signals
from .invoices import LineInput
from .models import Estimate, EstimateComment, EstimateLineItem, EstimateState
from .totals import document_totals

# What the customer agrees to by signing: shown beside the signature box, kept on the
# estimate when signed (Estimate.accepted_terms) and printed on the signed copy.
ACCEPTANCE_TERMS = (
    "By signing you accept the work and price above. "
    "We record your name, the time and your IP address."
)

if TYPE_CHECKING:
    from doorstep.customers.models import Customer
    from doorstep.jobs.models import Job
    from doorstep.tenancy.models import Company


def estimate_recalculate(*, estimate: Estimate) -> Estimate:
    lines = list(EstimateLineItem.objects.filter(estimate=estimate))
    totals = document_totals(lines)
    for line, computed in zip(lines, totals.lines, strict=True):
        line.amount, line.tax_amount = computed.amount, computed.tax
    EstimateLineItem.objects.bulk_update(lines, ["amount", "tax_amount"])
    estimate.subtotal, estimate.tax = totals.subtotal, totals.tax
    if estimate.subtotal < 0:
        raise DomainError("Discounts cannot make the estimate negative.")
    estimate.total = estimate.subtotal + estimate.tax
    estimate.save(update_fields=["subtotal", "tax", "total", "updated_at"])
    return estimate


@transaction.atomic
def estimate_create(
    *,
    company: Company,
    customer: Customer,
    expiry_date: date,
    actor: Actor,
    lines: Iterable[LineInput] = (),
    location: Location | None = None,
    title: str = "",
    issue_date: date | None = None,
) -> Estimate:
    issue_date = issue_date or timezone.localdate()
    if expiry_date < issue_date:
        raise DomainError("The expiry date cannot be before the issue date.", field="expiry_date")
    if location is not None and location.customer_id != customer.pk:
        raise DomainError("That location belongs to another customer.", field="location")
    estimate = Estimate.objects.create(
        company=company,
        number=number_next(company=company, kind="estimate"),
        customer=customer,
        location=location,
        title=title,
        issue_date=issue_date,
        expiry_date=expiry_date,
        currency=company.currency,
    )
    EstimateLineItem.objects.bulk_create(
        [
            EstimateLineItem(
                company=company,
                estimate=estimate,
                position=i,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
            )
            for i, line in enumerate(lines)
        ]
    )
    estimate_recalculate(estimate=estimate)
    audit_record(company=company, target=estimate, verb=Verb.ESTIMATE_CREATED, actor=actor)
    return estimate


ESTIMATE_TRANSITIONS: dict[str, set[str]] = {
    EstimateState.DRAFT: {EstimateState.SENT},
    EstimateState.SENT: {EstimateState.ACCEPTED, EstimateState.DECLINED, EstimateState.EXPIRED},
    EstimateState.ACCEPTED: set(),
    EstimateState.DECLINED: set(),
    EstimateState.EXPIRED: {EstimateState.SENT},
}


@transaction.atomic
def estimate_change_state(
    *, company: Company, estimate: Estimate, new_state: str, actor: Actor, message: str = ""
) -> Estimate:
    estimate = Estimate.objects.select_for_update().get(pk=estimate.pk, company=company)
    if estimate.state == new_state:
        return estimate
    if new_state not in ESTIMATE_TRANSITIONS[EstimateState(estimate.state)]:
        raise DomainError(
            f"This estimate is {estimate.get_state_display().lower()} and cannot "
            f"become {EstimateState(new_state).label.lower()}."
        )
    if new_state == EstimateState.SENT:
        if not EstimateLineItem.objects.filter(estimate=estimate).exists():
            raise DomainError("Add at least one line before sending the estimate.")
        estimate.sent_at = timezone.now()
    old = estimate.state
    estimate.state = new_state
    estimate.save()
    audit_record(
        company=company,
        target=estimate,
        verb=Verb(f"estimate.{new_state}"),
        actor=actor,
        message=message or f"{EstimateState(old).label} → {EstimateState(new_state).label}",
    )
    if new_state in (EstimateState.ACCEPTED, EstimateState.DECLINED):
        webhook_emit(
            company=company,
            type=f"estimate.{new_state}",
            data=record_snapshot(company, "estimate", estimate),
        )
    if new_state in ADOPTION_VERBS:
        activity_record(
            company=company,
            verb=ADOPTION_VERBS[new_state],
            object_type="estimate",
            object_id=estimate.pk,
            actor_type=actor.type,
            customer_id=estimate.customer_id,
            # Sent by email; decided in the portal by the customer or marked by staff.
            channel=Channel.EMAIL
            if new_state == EstimateState.SENT
            else channel_of_actor(actor.type),
            detail=estimate.decline_reason if new_state == EstimateState.DECLINED else "",
        )
    return estimate


ADOPTION_VERBS: dict[str, str] = {
    EstimateState.SENT: ActivityVerb.ESTIMATE_SENT,
    EstimateState.ACCEPTED: ActivityVerb.ESTIMATE_ACCEPTED,
    EstimateState.DECLINED: ActivityVerb.ESTIMATE_DECLINED,
}


# --- Estimates: the customer's decision (portal) and turning a yes into a job (staff) --------


def _estimate_for_decision(*, company: Company, customer: Customer, estimate: Estimate) -> Estimate:
    """The estimate, locked, if this customer may still decide on it; else a DomainError."""
    locked = (
        Estimate.objects.select_for_update()
        .filter(pk=estimate.pk, company=company, customer=customer)
        .first()
    )
    if locked is None:
        raise DomainError("We couldn't find that estimate.")
    if locked.state == EstimateState.ACCEPTED:
        raise DomainError(f"You already accepted {locked.display_number}. Nothing was changed.")
    if locked.state == EstimateState.DECLINED:
        raise DomainError(f"You already declined {locked.display_number}. Nothing was changed.")
    today = company_today(company)
    if locked.expired_for_decision(today):
        raise DomainError(
            f"{locked.display_number} expired and can no longer be accepted or declined. "
            "Contact us for an updated estimate."
        )
    if not locked.open_for_decision(today):
        raise DomainError("This estimate is not open for a decision.")
    return locked


@transaction.atomic
def estimate_accept(
    *, company: Company, customer: Customer, estimate: Estimate, signature_name: str, actor: Actor
) -> Estimate:
    """The customer says yes by typing their name; name, time and IP are kept as the signature.

    Refused (nothing changed) when already decided or past its expiry date.
    """
    name = " ".join((signature_name or "").split())
    if len(name) < 2:
        raise DomainError("Type your full name to sign.", field="signature_name")
    if len(name) > 200:
        raise DomainError("That name is too long.", field="signature_name")
    locked = _estimate_for_decision(company=company, customer=customer, estimate=estimate)
    locked.signature_name = name
    locked.signature_ip = actor.ip_address
    locked.accepted_terms = ACCEPTANCE_TERMS
    locked.decided_at = timezone.now()
    locked.save(
        update_fields=[
            "signature_name",
            "signature_ip",
            "accepted_terms",
            "decided_at",
            "updated_at",
        ]
    )
    locked = estimate_change_state(
        company=company,
        estimate=locked,
        new_state=EstimateState.ACCEPTED,
        actor=actor,
        message=f"Accepted and signed by {name}",
    )
    signals.estimate_decided.send(
        sender=Estimate, company=company, customer=customer, estimate=locked, detail=name
    )
    return locked


@transaction.atomic
def estimate_decline(
    *, company: Company, customer: Customer, estimate: Estimate, reason: str, actor: Actor
) -> Estimate:
    """The customer says no, optionally saying why."""
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise DomainError("Please keep the reason under 2000 characters.", field="reason")
    locked = _estimate_for_decision(company=company, customer=customer, estimate=estimate)
    locked.decline_reason = reason
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decline_reason", "decided_at", "updated_at"])
    locked = estimate_change_state(
        company=company,
        estimate=locked,
        new_state=EstimateState.DECLINED,
        actor=actor,
        message=f"Declined: {reason}" if reason else "Declined",
    )
    signals.estimate_decided.send(
        sender=Estimate, company=company, customer=customer, estimate=locked, detail=reason
    )
    return locked


@transaction.atomic
def estimate_comment_add(
    *, company: Company, customer: Customer, estimate: Estimate, body: str, actor: Actor
) -> EstimateComment:
    """A question from the customer about an estimate; staff are emailed."""
    body = (body or "").strip()
    if not body:
        raise DomainError("Write your comment first.", field="body")
    if len(body) > 2000:
        raise DomainError("Please keep comments under 2000 characters.", field="body")
    if not Estimate.objects.filter(pk=estimate.pk, company=company, customer=customer).exists():
        raise DomainError("We couldn't find that estimate.")
    comment = EstimateComment.objects.create(
        company=company, estimate=estimate, body=body, author_label=actor.label[:200]
    )
    audit_record(
        company=company,
        target=estimate,
        verb=Verb.ESTIMATE_COMMENTED,
        actor=actor,
        message=body[:200],
    )
    signals.estimate_commented.send(
        sender=Estimate, company=company, customer=customer, estimate=estimate, body=body
    )
    return comment


@transaction.atomic
def estimate_comment_reply(
    *, company: Company, estimate: Estimate, body: str, actor: Actor
) -> EstimateComment:
    """Staff answer the customer's questions on an estimate; the customer is told (the "new
    message from the office" event, so their email/text preferences apply) with a link to the
    estimate in the portal. Allowed in any state: a question may come after the decision."""
    body = (body or "").strip()
    if not body:
        raise DomainError("Write your reply first.", field="body")
    if len(body) > 2000:
        raise DomainError("Please keep replies under 2000 characters.", field="body")
    estimate = Estimate.objects.select_related("customer").get(pk=estimate.pk, company=company)
    if estimate.state == EstimateState.DRAFT:
        raise DomainError("The customer has not seen this estimate yet: send it first.")
    comment = EstimateComment.objects.create(
        company=company,
        estimate=estimate,
        body=body,
        author_label=actor.label[:200],
        from_customer=False,
    )
    audit_record(
        company=company,
        target=estimate,
        verb=Verb.ESTIMATE_COMMENT_REPLIED,
        actor=actor,
        message=f"Replied to the customer: {body[:200]}",
    )
    signals.estimate_comment_replied.send(
        sender=Estimate, company=company, estimate=estimate, sender_name=actor.label
    )
    return comment


@transaction.atomic
def estimate_convert_to_job(
    *, company: Company, estimate: Estimate, actor: Actor, location: Location | None = None
) -> Job:
    """Staff turn an accepted estimate into an unscheduled job at the estimate's location
    (or the customer's only/first address). Once per estimate."""
    locked = (
        Estimate.objects.select_for_update(of=("self",))
        .select_related("customer", "location")
        .get(pk=estimate.pk, company=company)
    )
    if locked.state != EstimateState.ACCEPTED:
        raise DomainError(
            f"{locked.display_number} is {locked.get_state_display().lower()}; "
            "only an accepted estimate becomes a job."
        )
    if locked.job_id is not None:
        raise DomainError(f"{locked.display_number} is already a job.")
    location = (
        location
        or locked.location
        or Location.objects.for_company(company)
        .filter(customer=locked.customer)
        .order_by("id")
        .first()
    )
    if location is None:
        raise DomainError(f"Add a service address for {locked.customer.name} first.")
    lines = "\n".join(
        f"- {line.description}" for line in EstimateLineItem.objects.filter(estimate=locked)
    )
    job = job_create(
        company=company,
        customer=locked.customer,
        location=location,
        title=(locked.title or f"Work from {locked.display_number}")[:200],
        description=f"From estimate {locked.display_number}:\n{lines}",
        actor=actor,
    )
    locked.job = job
    locked.save(update_fields=["job", "updated_at"])
    audit_record(
        company=company,
        target=locked,
        verb=Verb.ESTIMATE_CONVERTED,
        actor=actor,
        message=f"Became job {job.display_number}",
    )
    return job
