"""The "View and pay" link of an invoice email: opens that one invoice, nothing else.

Reusable (a customer may come back to pay) until the invoice has been paid for 30 days or is
void, and revocable by staff. It dies with the account (deactivated) or its old address.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from doorstep.adoption.ledger import activity_record
from doorstep.adoption.models import ActivityVerb, Channel
from doorstep.billing.models import InvoiceState
from doorstep.core.audit import Actor
from doorstep.core.links import portal_url
from doorstep.core.models import ActorType
from doorstep.core.verbs import Verb
from doorstep.notifications.send_time import derived_token, new_nonce, reference
from doorstep.notifications.services import NotificationSkipped
from doorstep.payments.models import Payment
from doorstep.payments.notify import PAY_LINK_KIND, pay_link, payment_recipient

from .events import access_event
from .models import InvoiceLink, PortalAccount, PortalAccountState
from .services import LinkRefused, contact_email, unseen_token_reason
from .sso_requirement import sso_required
from .tokens import token_hash, token_looks_valid

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

INVOICE_LINK_KIND = "invoice_link"

PAID_GRACE = timedelta(days=30)


def invoice_link_create(*, invoice: Any, account: PortalAccount) -> str:
    """A new link for the invoice email. Returns what the email's context stores in place of
    the URL: a send-time reference the email channel turns into the URL with its raw token
    (doorstep.notifications.send_time), so the outbox never holds the token."""
    nonce = new_nonce()
    link = InvoiceLink.objects.create(
        company=invoice.company,
        invoice=invoice,
        account=account,
        token_hash=token_hash(derived_token(INVOICE_LINK_KIND, nonce)),
        email=account.email,
    )
    return reference(INVOICE_LINK_KIND, link.pk, nonce)


def invoice_link_url_at_send(company: Company, args: list[str]) -> str:
    """Resolver of `[[send-time invoice_link ID NONCE]]`: the URL with the raw token."""
    link_id, nonce = args
    raw = derived_token(INVOICE_LINK_KIND, nonce)
    link = InvoiceLink.objects.filter(pk=int(link_id), company=company).first()
    if link is None or token_hash(raw) != link.token_hash:
        raise NotificationSkipped("The invoice link of this email cannot be rebuilt.")
    return portal_url(company, f"i/{raw}")


def payment_pay_link_at_send(company: Company, args: list[str]) -> str:
    """Resolver of `[[send-time payment_pay_link PAYMENT NONCE]]`, the pay link of a failed
    payment's email to the customer: for a payment of one invoice and a customer with portal
    access under the address the email goes to, an invoice link (that invoice, no sign-in
    needed, as in the invoice email); otherwise the checkout behind sign-in. The link's token
    is derived from the nonce, so sending the email twice gives the same link."""
    payment_id, nonce = args
    payment = (
        Payment.objects.select_related("customer").filter(pk=int(payment_id), company=company)
    ).first()
    if payment is None:
        raise NotificationSkipped("The payment of this email is gone.")
    payment.company = company
    allocations = list(payment.allocations.select_related("invoice"))
    account = (
        PortalAccount.objects.for_company(company)
        .filter(customer=payment.customer, email__iexact=payment_recipient(payment))
        .exclude(state=PortalAccountState.DEACTIVATED)
        .first()
    )
    if len(allocations) != 1 or account is None:
        return pay_link(payment)
    raw = derived_token(PAY_LINK_KIND, nonce)
    InvoiceLink.objects.get_or_create(
        token_hash=token_hash(raw),
        defaults={
            "company": company,
            "invoice": allocations[0].invoice,
            "account": account,
            "email": account.email,
        },
    )
    return portal_url(company, f"i/{raw}")


def invoice_link_closed(invoice: Any) -> bool:
    if invoice.state == InvoiceState.VOID:
        return True
    if invoice.balance_due > 0 or invoice.state == InvoiceState.DRAFT:
        return False
    paid_at = invoice.paid_at or invoice.updated_at
    return timezone.now() > paid_at + PAID_GRACE


def invoice_link_find(*, company: Company, raw: str) -> InvoiceLink:
    if not token_looks_valid(raw):
        raise LinkRefused("malformed")
    link = (
        InvoiceLink.objects.select_related(
            "invoice", "account__contact", "account__customer__sso_requirement"
        )
        .filter(token_hash=token_hash(raw))
        .first()
    )
    if link is None:
        # Another company's link is invisible under row-level security: see
        # unseen_token_reason for the narrow maintenance read that still names it.
        raise LinkRefused(unseen_token_reason(InvoiceLink, token_hash(raw)))
    if link.company_id != company.pk:
        raise LinkRefused("wrong_company")
    account = link.account
    reason = None
    if link.revoked_at is not None:
        reason = "revoked"
    elif invoice_link_closed(link.invoice):
        reason = "invoice_closed"
    elif account.state == PortalAccountState.DEACTIVATED:
        reason = "deactivated"
    elif link.email != account.email or account.email != contact_email(account):
        reason = "email_changed"
    elif sso_required(account):
        reason = "sso_required"
    if reason:
        raise LinkRefused(reason, account=account, link=link)
    return link


def invoice_link_opened(*, link: InvoiceLink, ip_address: str | None) -> None:
    now = timezone.now()
    InvoiceLink.objects.filter(pk=link.pk).update(last_opened_at=now)
    invoice = link.invoice
    # The person's confirming POST: an open (a scanner only ever fetched the page).
    activity_record(
        company=link.company,
        verb=ActivityVerb.INVOICE_OPENED,
        object_type="invoice",
        object_id=invoice.pk,
        actor_type=ActorType.PORTAL,
        customer_id=invoice.customer_id,
        contact_id=link.account.contact_id,
        channel=Channel.INVOICE_LINK,
        occurred_at=now,
    )
    access_event(
        company=link.company,
        account=link.account,
        ip_address=ip_address,
        verb=Verb.PORTAL_INVOICE_LINK_USED,
        message=f"Opened invoice {link.invoice.display_number} from the invoice email",
        data={"invoice_id": link.invoice_id},
    )


@transaction.atomic
def invoice_links_revoke(*, company: Company, invoice: Any, actor: Actor) -> int:
    """Staff: every emailed link of this invoice stops working (sessions opened by them too)."""
    from .models import PortalSession

    now = timezone.now()
    revoked = InvoiceLink.objects.filter(
        company=company, invoice=invoice, revoked_at__isnull=True
    ).update(revoked_at=now)
    PortalSession.objects.filter(
        company=company, invoice=invoice, scope="invoice", ended_at__isnull=True
    ).update(ended_at=now)
    from doorstep.core.audit import audit_record

    audit_record(
        company=company,
        target=invoice,
        verb=Verb.INVOICE_LINKS_REVOKED,
        actor=actor,
        message=f"{revoked} emailed invoice link{'s' if revoked != 1 else ''} revoked",
    )
    return revoked
