"""The payment receipt as a PDF: what the receipt page shows, on the company's letterhead.

Only a payment that went through has a receipt (a pending, failed or cancelled attempt has
nothing to prove). It names the card or bank account by brand and last four digits only,
every invoice the payment went to with the amount applied and that invoice's balance now,
and any money given back. Rendered by the shared PDF renderer (billing/pdf_render.py) and
cached under a checksum of every printed value: a refund prints a fresh file.
"""

from __future__ import annotations

from typing import Any

from doorstep.billing.pdf_render import (
    company_letterhead,
    pdf_bytes_cached,
    printed_date,
    printed_moment,
)
from doorstep.core.errors import NotFound
from doorstep.core.money import format_money
from doorstep.tenancy.models import Company

from .models import Payment, PaymentState, RefundState

# Bump when payments/receipt_pdf.html changes in a way customers should see.
TEMPLATE_VERSION = 1
NOT_AVAILABLE = "A receipt is available once the payment has gone through."


def receipt_number(payment: Payment) -> str:
    """The same number the receipt email prints."""
    return f"DS-{payment.pk}"


def receipt_pdf_filename(payment: Payment) -> str:
    return f"Receipt-{receipt_number(payment)}.pdf"


def receipt_pdf_context(*, company: Company, payment: Payment) -> dict[str, Any]:
    """Everything printed on the receipt, as plain values. `payment` should come with its
    allocations and their invoices prefetched (payment_for_customer / payment_for_office)."""
    if payment.state != PaymentState.SUCCEEDED:
        raise NotFound(NOT_AVAILABLE)

    def fmt(amount: int) -> str:
        return format_money(amount, payment.currency, company.locale or "en_US")

    refunds = [
        {"amount": fmt(r.amount), "date": printed_date(company, r.completed_at or r.created_at)}
        for r in payment.refunds.filter(company=company, state=RefundState.SUCCEEDED).order_by(
            "created_at", "id"
        )
    ]
    return {
        "company": company_letterhead(company),
        "customer": {"name": payment.customer.name},
        "number": receipt_number(payment),
        "reference": payment.provider_reference,
        "paid_at": printed_moment(company, payment.received_at or payment.created_at),
        "amount": fmt(payment.amount),
        # method_label: "Visa ending 4242" / "Bank account ending 6789": never more digits.
        "method": payment.method_label,
        "autopay": payment.source == "autopay",
        "invoices": [
            {
                "number": a.invoice.display_number,
                "applied": fmt(a.amount),
                "refunded": fmt(a.amount_refunded) if a.amount_refunded else "",
                "balance": fmt(a.invoice.balance_due),
                "paid_in_full": a.invoice.balance_due <= 0,
            }
            for a in payment.allocations.all()
        ],
        "refunds": refunds,
        "refunded_total": fmt(payment.amount_refunded) if payment.amount_refunded else "",
        "kept": fmt(payment.amount - payment.amount_refunded),
        "fully_refunded": payment.amount_refunded >= payment.amount,
    }


def receipt_pdf_bytes(*, company: Company, payment: Payment) -> bytes:
    context = receipt_pdf_context(company=company, payment=payment)
    return pdf_bytes_cached(
        company=company,
        kind="receipt",
        template="payments/receipt_pdf.html",
        version=TEMPLATE_VERSION,
        context=context,
    )
