"""The invoice PDF: rendered once per invoice version with WeasyPrint, then reused.

The same bytes go to the portal download and to invoice emails (ATTACHMENT_BUILDERS
["invoice_pdf"]). A row in InvoicePdf is keyed by TEMPLATE_VERSION and a SHA-256 of every
value printed on the page; change either and the next request renders a fresh file.
Nothing on the page depends on today's date, so a stored PDF never goes stale by itself.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from doorstep.core.money import format_money
from doorstep.tenancy.models import Company

from .models import Invoice, InvoicePdf, InvoiceState
from .pdf_glyphs import printable_values
from .pdf_render import company_letterhead, pdf_checksum, pdf_render
from .selectors import invoice_for_printing

# Bump when templates/billing/invoice_pdf.html changes in a way customers should see.
TEMPLATE_VERSION = 3  # 2: the company's terms and footer; 3: glyphs no font has are dropped


def invoice_pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.display_number}.pdf"


def invoice_pdf_context(*, company: Company, invoice: Invoice) -> dict[str, Any]:
    """Everything printed on the page, as plain values (also the checksum's input)."""
    locale, currency = company.locale or "en_US", invoice.currency

    def fmt(amount: int) -> str:
        return format_money(amount, currency, locale)

    from babel.dates import format_date

    def day(value: Any) -> str:
        return format_date(value, format="long", locale=locale)

    customer = invoice.customer
    lines = [
        {
            "description": line.description,
            "quantity": f"{line.quantity.normalize():f}",
            "unit_price": fmt(line.unit_price),
            "tax_rate": f"{line.tax_rate.normalize():f}",
            "amount": fmt(line.amount),
        }
        for line in invoice.lines.all()
    ]
    paid = invoice.state == InvoiceState.OPEN and invoice.balance_due <= 0
    # An emoji in a name would print as an empty box (pdf_glyphs.py).
    return printable_values(
        {
            "company": company_letterhead(company),
            "customer": {"name": customer.name, "address": customer.billing_address},
            "number": invoice.display_number,
            "issue_date": day(invoice.issue_date),
            "due_date": day(invoice.due_date),
            "lines": lines,
            "subtotal": fmt(invoice.subtotal),
            "tax": fmt(invoice.tax),
            "total": fmt(invoice.total),
            "amount_paid": fmt(invoice.amount_paid),
            "balance_due": fmt(invoice.balance_due),
            "has_payments": invoice.amount_paid > 0,
            "stamp": "Void" if invoice.state == InvoiceState.VOID else ("Paid" if paid else ""),
            "notes": invoice.notes,
        }
    )


def invoice_pdf_render(*, company: Company, context: dict[str, Any]) -> bytes:
    return pdf_render(company=company, template="billing/invoice_pdf.html", context=context)


def invoice_pdf_bytes(*, company: Company, invoice: Invoice) -> bytes:
    """The PDF for this version of the invoice: from the cache, or rendered and stored.

    `invoice` should come with `customer` selected and `lines` prefetched (the portal
    selector does both); then a cache hit is one query.
    """
    context = invoice_pdf_context(company=company, invoice=invoice)
    checksum = pdf_checksum(context)
    cached = (
        InvoicePdf.objects.filter(
            company=company, invoice=invoice, template_version=TEMPLATE_VERSION, checksum=checksum
        )
        .values_list("content", flat=True)
        .first()
    )
    if cached is not None:
        return bytes(cached)
    content = invoice_pdf_render(company=company, context=context)
    try:
        with transaction.atomic():
            # Older versions are never served again.
            InvoicePdf.objects.filter(company=company, invoice=invoice).delete()
            InvoicePdf.objects.create(
                company=company,
                invoice=invoice,
                template_version=TEMPLATE_VERSION,
                checksum=checksum,
                content=content,
            )
    except IntegrityError:
        pass  # rendered at the same moment by another request: theirs is identical
    return content


def invoice_pdf_attachment(company: Company, invoice_id: int) -> tuple[str, bytes, str]:
    """ATTACHMENT_BUILDERS["invoice_pdf"]: the same file the portal serves."""
    invoice = invoice_for_printing(company=company, invoice_id=invoice_id)
    return (
        invoice_pdf_filename(invoice),
        invoice_pdf_bytes(company=company, invoice=invoice),
        "application/pdf",
    )
