"""The office's payments list: every attempt newest first, and what needs someone: failed
payments, autopay "action needed" (the customer must pay by hand), bank payments pending."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from doorstep.billing.pdf_render import pdf_response
from doorstep.payments.office_selectors import (
    PAYMENT_STATUSES,
    payment_for_office,
    payments_for_office,
)
from doorstep.payments.receipt_pdf import receipt_pdf_bytes, receipt_pdf_filename
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render, window_of

PER_PAGE = 25
FILTERS = [
    ("", "All"),
    ("failed", "Failed"),
    ("action_needed", "Autopay: action needed"),
    ("ach_pending", "Bank payments pending"),
]


@require_safe
@office_page(StaffAction.SEE_MONEY)
def payment_list(request: HttpRequest, office: Office) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in PAYMENT_STATUSES else ""
    page = window_of(request, payments_for_office(company=office.company, status=status), PER_PAGE)
    return office_render(
        request,
        office,
        "office/payments/list.html",
        {
            "page": page,
            "status": status,
            "filters": FILTERS,
            "filter_query": f"status={status}" if status else "",
        },
    )


@require_safe
@office_page(StaffAction.SEE_MONEY)
def receipt_pdf(request: HttpRequest, office: Office, payment_id: int) -> HttpResponse:
    """The customer's receipt PDF, the same file the portal serves (succeeded payments only)."""
    payment = payment_for_office(company=office.company, payment_id=payment_id)
    return pdf_response(
        receipt_pdf_bytes(company=office.company, payment=payment),
        filename=receipt_pdf_filename(payment),
    )
