"""The signed copy of an accepted estimate, as a PDF: the lines and totals the customer
agreed to, who signed (the typed name Doorstep keeps as the signature), when (in the
company's timezone), from which IP address, and the words they accepted.

Only an accepted estimate has one. Rendered by the shared PDF renderer
(billing/pdf_render.py) and cached under a checksum of every printed value.
"""

from __future__ import annotations

from typing import Any

from doorstep.core.errors import NotFound
from doorstep.core.money import format_money
from doorstep.tenancy.models import Company

from .models import Estimate, EstimateState
from .pdf_render import company_letterhead, pdf_bytes_cached, printed_date, printed_moment

# Bump when billing/estimate_signed_pdf.html changes in a way customers should see.
TEMPLATE_VERSION = 1
NOT_SIGNED = "A signed copy is available once the estimate has been accepted."


def estimate_signed_pdf_filename(estimate: Estimate) -> str:
    return f"{estimate.display_number}-signed.pdf"


def estimate_signed_pdf_context(*, company: Company, estimate: Estimate) -> dict[str, Any]:
    """Everything printed on the signed copy. `estimate` should come with `customer` and
    `location` selected and `lines` prefetched."""
    if estimate.state != EstimateState.ACCEPTED or estimate.decided_at is None:
        raise NotFound(NOT_SIGNED)
    locale, currency = company.locale or "en_US", estimate.currency

    def fmt(amount: int) -> str:
        return format_money(amount, currency, locale)

    return {
        "company": company_letterhead(company),
        "customer": {
            "name": estimate.customer.name,
            "address": estimate.customer.billing_address,
        },
        "number": estimate.display_number,
        "title": estimate.title,
        "where": estimate.location.one_line if estimate.location else "",
        "issue_date": printed_date(company, estimate.issue_date),
        "lines": [
            {
                "description": line.description,
                "quantity": f"{line.quantity.normalize():f}",
                "unit_price": fmt(line.unit_price),
                "tax_rate": f"{line.tax_rate.normalize():f}",
                "amount": fmt(line.amount),
            }
            for line in estimate.lines.all()
        ],
        "subtotal": fmt(estimate.subtotal),
        "tax": fmt(estimate.tax),
        "total": fmt(estimate.total),
        "notes": estimate.notes,
        "signed_by": estimate.signature_name,
        "signed_at": printed_moment(company, estimate.decided_at),
        "signed_ip": estimate.signature_ip or "",
        "accepted_terms": estimate.accepted_terms,
    }


def estimate_signed_pdf_bytes(*, company: Company, estimate: Estimate) -> bytes:
    context = estimate_signed_pdf_context(company=company, estimate=estimate)
    return pdf_bytes_cached(
        company=company,
        kind="estimate_signed",
        template="billing/estimate_signed_pdf.html",
        version=TEMPLATE_VERSION,
        context=context,
    )
