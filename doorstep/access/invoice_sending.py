"""Sending an invoice to its customer: the email with a "View and pay" link to that invoice.

It lives in access because every send provisions the customer's portal account and creates
an invoice link; billing (below) only opens the invoice. After commit, autopay (payments)
is asked to charge a saved card once.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from doorstep.adoption.ledger import activity_record
from doorstep.adoption.models import ActivityVerb, Channel
from doorstep.billing.invoices import invoice_open
from doorstep.billing.models import Invoice
from doorstep.core.audit import Actor, audit_record
from doorstep.core.links import portal_url
from doorstep.core.money import format_money
from doorstep.core.verbs import Verb
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.snapshots import record_snapshot
from doorstep.notifications.email import ATTACHMENT_BUILDERS
from doorstep.notifications.services import notification_enqueue
from doorstep.payments.autopay import autopay_applies
from doorstep.payments.tasks import autopay_after_invoice_sent
from doorstep.tenancy.models import Company
from doorstep.tenancy.time import company_today

from .invoice_links import invoice_link_create
from .services import portal_account_provision


def invoice_send(
    *,
    company: Company,
    actor: Actor,
    invoice: Invoice | None = None,
    invoices: Iterable[Invoice] = (),
) -> list[Invoice]:
    """Email each invoice to its customer with a "View and pay" link to that one invoice.

    Per invoice, all or nothing: draft -> open on first send (empty or void refused), the
    customer's portal account provisioned from the customer's email, a fresh invoice link,
    the email queued, `sent_at` stamped, an audit row, and autopay asked after commit.
    A resend (e.g. overdue) does the same with a fresh email. A customer without an email
    gets a DomainError for staff and nothing changes for that invoice (invoices before it in
    `invoices` stay sent; the back-office action sends one at a time to report each).
    """
    sent: list[Invoice] = []
    for item in [*([invoice] if invoice is not None else []), *invoices]:
        with transaction.atomic():
            item = invoice_open(company=company, invoice=item, actor=actor)
            customer = item.customer
            account = portal_account_provision(company=company, customer=customer, actor=actor)
            first_send = item.sent_at is None
            overdue = item.balance_due > 0 and item.due_date < company_today(company)
            item.sent_at = timezone.now()
            item.save(update_fields=["sent_at", "updated_at"])
            attachments = (
                [{"kind": "invoice_pdf", "id": item.pk}]
                if "invoice_pdf" in ATTACHMENT_BUILDERS
                else []
            )
            # Autopay charges the saved card right after this email (autopay_after_invoice_sent):
            # the email says so instead of asking the customer to pay.
            consent = autopay_applies(company=company, invoice=item)
            today = company_today(company)
            notification_enqueue(
                company=company,
                recipient=account.email,
                template="invoice_sent",
                context={
                    "customer_name": customer.greeting_name(account.contact),
                    "number": item.display_number,
                    "total": format_money(item.total, item.currency, company.locale),
                    "balance": format_money(item.balance_due, item.currency, company.locale),
                    "due_date": f"{item.due_date:%B} {item.due_date.day}, {item.due_date.year}",
                    "overdue": overdue,
                    # A reminder only when the customer already had it: the first send of a
                    # back-dated invoice is the invoice, not "Reminder: ... is overdue".
                    "reminder": overdue and not first_send,
                    "paid": item.balance_due <= 0,
                    "autopay_card": str(consent.saved_method) if consent else "",
                    "autopay_date": f"{today:%B} {today.day}, {today.year}",
                    "invoice_url": invoice_link_create(invoice=item, account=account),
                    "portal_url": portal_url(company, "sign-in"),
                },
                secret_keys=["invoice_url"],
                attachments=attachments,
            )
            audit_record(
                company=company,
                target=item,
                verb=Verb.INVOICE_SENT if first_send else Verb.INVOICE_RESENT,
                actor=actor,
                message=f"{item.display_number} emailed to {account.email}",
            )
            webhook_emit(
                company=company,
                type="invoice.sent",
                data=record_snapshot(company, "invoice", item, resent=not first_send),
            )
            activity_record(
                company=company,
                verb=ActivityVerb.INVOICE_SENT if first_send else ActivityVerb.INVOICE_RESENT,
                object_type="invoice",
                object_id=item.pk,
                actor_type=actor.type,
                customer_id=customer.pk,
                contact_id=account.contact_id,
                channel=Channel.EMAIL,
            )
            transaction.on_commit(
                partial(autopay_after_invoice_sent, invoice_id=item.pk, company_id=company.pk)
            )
        sent.append(item)
    return sent
