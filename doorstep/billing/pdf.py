"""The invoice PDF: rendered once per invoice version with WeasyPrint, then reused.

The same bytes go to the portal download and to invoice emails (ATTACHMENT_BUILDERS
["invoice_pdf"]). A row in InvoicePdf is keyed by TEMPLATE_VERSION and a SHA-256 of every
value printed on the page; change either and the next request renders a fresh file.
Nothing on the page depends on today's date, so a stored PDF never goes stale by itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from doorstep.core.money import format_money
from doorstep.tenancy.models import Company

from .models import Invoice, InvoicePdf, InvoiceState
from .pdf_glyphs import drawable_code_points, printable_values
from .selectors import invoice_for_printing

log = logging.getLogger(__name__)

# Bump when templates/billing/invoice_pdf.html changes in a way customers should see.
TEMPLATE_VERSION = 3  # 2: the company's terms and footer; 3: glyphs no font has are dropped
LOGO_MAX_BYTES = 2 * 1024 * 1024


def invoice_pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.display_number}.pdf"


def _logo_data_uri(company: Company) -> str:
    """The logo inlined, so the renderer never fetches anything from disk or network."""
    if not company.logo:
        return ""
    try:
        with company.logo.open("rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    except (OSError, ValueError):
        log.warning("Logo of company %s is missing; rendering the PDF without it", company.pk)
        return ""
    if len(data) > LOGO_MAX_BYTES:
        return ""
    import filetype

    kind = filetype.guess(data)
    if kind is None or kind.mime not in {"image/png", "image/jpeg", "image/webp", "image/gif"}:
        return ""
    return f"data:{kind.mime};base64,{base64.b64encode(data).decode()}"


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
            "company": {
                "name": company.name,
                "address": company.address,
                "phone": company.support_phone,
                "email": company.billing_email or company.support_email,
                "accent": company.accent_color,
                "logo": company.logo.name if company.logo else "",
                # Branding settings (office → Settings → Branding).
                "terms": company.pdf_terms,
                "footer": company.pdf_footer,
            },
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


def invoice_pdf_checksum(context: dict[str, Any]) -> str:
    payload = json.dumps(context, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def invoice_pdf_render(*, company: Company, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "billing/invoice_pdf.html", {**context, "logo_uri": _logo_data_uri(company)}
    )
    # Only inline data: URLs; a crafted note can never make the renderer fetch a URL.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def pdf_renderer_warm() -> None:
    """Import WeasyPrint and load its fonts once, so the first PDF a customer asks for after
    the web process starts costs what any other does (measured: 772 ms cold, ~110 ms warm).
    Called by config/wsgi.py (web processes), never at import or by manage.py commands. A
    failure is only logged: the PDF view will report the real error when it is used."""
    try:
        from weasyprint import HTML

        HTML(string="<p>Doorstep</p>").write_pdf()
        drawable_code_points()
    except Exception:
        log.exception("Could not warm up the PDF renderer")


def invoice_pdf_bytes(*, company: Company, invoice: Invoice) -> bytes:
    """The PDF for this version of the invoice: from the cache, or rendered and stored.

    `invoice` should come with `customer` selected and `lines` prefetched (the portal
    selector does both); then a cache hit is one query.
    """
    context = invoice_pdf_context(company=company, invoice=invoice)
    checksum = invoice_pdf_checksum(context)
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
