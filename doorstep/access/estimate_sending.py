"""Sending an estimate to its customer: an email with a link to the estimate in the portal.

It lives in access, like invoice_sending, because a send provisions the customer's portal
account (so the customer can sign in with the address the email went to); billing (below)
only moves the estimate to "sent". The email goes through the outbox in the company's own
words (the built-in email `estimate_sent`, reworded on the office's Messages settings).
"""

from __future__ import annotations

from django.db import transaction

from doorstep.billing.estimates import estimate_change_state
from doorstep.billing.models import Estimate, EstimateState
from doorstep.core.audit import Actor, audit_record
from doorstep.core.links import portal_url
from doorstep.core.money import format_money
from doorstep.core.verbs import Verb
from doorstep.notifications.services import notification_enqueue
from doorstep.tenancy.models import Company

from .services import portal_account_provision


@transaction.atomic
def estimate_send(*, company: Company, estimate: Estimate, actor: Actor) -> Estimate:
    """Draft (or expired) -> sent and email the customer; sent again: a fresh email.

    All or nothing: a customer without an email address gets a DomainError for staff and
    the estimate stays as it was. Accepted and declined estimates are not sent again.
    """
    estimate = Estimate.objects.select_related("customer").get(pk=estimate.pk, company=company)
    resend = estimate.state == EstimateState.SENT
    account = portal_account_provision(company=company, customer=estimate.customer, actor=actor)
    if not resend:
        estimate = estimate_change_state(
            company=company, estimate=estimate, new_state=EstimateState.SENT, actor=actor
        )
    url = portal_url(company, f"estimates/{estimate.pk}/")
    expiry = estimate.expiry_date
    # The built-in estimate email (notifications/wording.py: the company may reword its
    # subject and opening; the details and the link stay fixed). A record: always emailed.
    notification_enqueue(
        company=company,
        recipient=account.email,
        template="estimate_sent",
        context={
            "customer_name": estimate.customer.greeting_name(account.contact),
            "estimate_number": estimate.display_number,
            "estimate_title": estimate.title,
            "total": format_money(estimate.total, estimate.currency, company.locale),
            "valid_until": f"{expiry:%B} {expiry.day}, {expiry.year}" if expiry else "",
            "estimate_url": url,
        },
    )
    audit_record(
        company=company,
        target=estimate,
        verb=Verb.ESTIMATE_SENT,
        actor=actor,
        message=f"{estimate.display_number} emailed {'again ' if resend else ''}to {account.email}",
    )
    return estimate
