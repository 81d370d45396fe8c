"""Payment emails. Called inside the business transaction (the outbox sends after commit)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from doorstep.core.links import portal_page_url
from doorstep.core.money import format_money
from doorstep.customers.selectors import customer_email, customer_greeting_name
from doorstep.notifications.models import Notification
from doorstep.notifications.send_time import new_nonce, reference
from doorstep.notifications.services import notification_enqueue

from .models import Payment, PaymentAllocation, PaymentSource, PaymentState, Refund

# `[[send-time payment_pay_link PAYMENT NONCE]]`: the pay link of a failed payment's email to
# the customer. The app that owns portal access (doorstep.access) registers its resolver: an
# invoice link is a bearer secret, so it exists only when the email goes.
PAY_LINK_KIND = "payment_pay_link"


def payment_context(
    payment: Payment, allocations: list[PaymentAllocation] | None = None
) -> dict[str, Any]:
    company = payment.company
    if allocations is None:
        allocations = list(payment.allocations.select_related("invoice").order_by("invoice_id"))
    return {
        "payment_id": payment.pk,
        # Staff emails name the customer in full; the customer's own emails greet them
        # (customer_context below).
        "customer_name": payment.customer.name,
        "amount": format_money(payment.amount, payment.currency, company.locale),
        "method": payment.method_label,
        "autopay": payment.source == PaymentSource.AUTOPAY,
        "reference": payment.provider_reference or f"DS-{payment.pk}",
        "date": timezone.localtime(
            payment.received_at or payment.created_at, ZoneInfo(company.timezone)
        ).strftime("%B %-d, %Y"),
        "invoices": [
            {
                "number": a.invoice.display_number,
                "amount": format_money(a.amount, payment.currency, company.locale),
            }
            for a in allocations
        ],
        "failure": payment.failure_message,
        "receipt_url": portal_page_url("payments:receipt", company, payment.pk),
        # Only a payment that went through has a PDF receipt (payments/receipt_pdf.py).
        "receipt_pdf_url": portal_page_url("payments:receipt_pdf", company, payment.pk)
        if payment.state == PaymentState.SUCCEEDED
        else "",
    }


def payment_recipient(payment: Payment) -> str:
    return payment.payer_email or customer_email(company=payment.company, customer=payment.customer)


def customer_greeting(payment: Payment) -> dict[str, str]:
    """The name the customer's own payment emails greet (a business's contact by first name)."""
    return {
        "customer_name": customer_greeting_name(company=payment.company, customer=payment.customer)
    }


def notify_receipt(
    payment: Payment, *, pending: bool = False, allocations: list[PaymentAllocation] | None = None
) -> None:
    recipient = payment_recipient(payment)
    if recipient:
        notification_enqueue(
            company=payment.company,
            recipient=recipient,
            template="payment_receipt",
            context={
                **payment_context(payment, allocations),
                **customer_greeting(payment),
                "pending": pending,
            },
        )


def receipt_emailed(payment: Payment) -> bool:
    """Whether a receipt email was queued for this payment (1 query). A payment staff record
    without one (history brought in, the demo's past payments) must not claim it was emailed."""
    return Notification.objects.filter(
        company=payment.company_id, template="payment_receipt", context__payment_id=payment.pk
    ).exists()


def notify_billing(payment: Payment, *, template: str, extra: dict[str, Any] | None = None) -> None:
    inbox = payment.company.billing_email or payment.company.support_email
    if inbox:
        notification_enqueue(
            company=payment.company,
            recipient=inbox,
            template=template,
            context={**payment_context(payment), "audience": "billing", **(extra or {})},
        )


def notify_customer(
    payment: Payment, *, template: str, extra: dict[str, Any] | None = None
) -> None:
    recipient = payment_recipient(payment)
    if recipient:
        notification_enqueue(
            company=payment.company,
            recipient=recipient,
            template=template,
            context={
                **payment_context(payment),
                **customer_greeting(payment),
                "audience": "customer",
                **(extra or {}),
            },
            # An invoice link in pay_url works without signing in: blank it once sent.
            secret_keys=["pay_url"],
        )


def pay_link(payment: Payment) -> str:
    """The checkout for the payment's invoices (the portal asks the customer to sign in)."""
    ids = "&".join(f"invoice={a.invoice_id}" for a in payment.allocations.order_by("invoice_id"))
    return portal_page_url("payments:checkout", payment.company, query=f"?{ids}")


def customer_pay_link(payment: Payment) -> str:
    """For the customer's own email: when the failed payment was for one invoice, a send-time
    reference that becomes a fresh invoice link (view and pay that invoice, no sign-in
    needed, as in the invoice email) if the customer has portal access, else `pay_link`;
    for several invoices the checkout behind sign-in."""
    if payment.allocations.count() == 1:
        return reference(PAY_LINK_KIND, payment.pk, new_nonce())
    return pay_link(payment)


def notify_refund(refund: Refund) -> None:
    payment = refund.payment
    recipient = payment_recipient(payment)
    if recipient:
        notification_enqueue(
            company=payment.company,
            recipient=recipient,
            template="payment_refund",
            context={
                **payment_context(payment),
                "refund_amount": format_money(refund.amount, payment.currency),
                "refund_reference": refund.provider_reference or f"DSR-{refund.pk}",
            },
        )
