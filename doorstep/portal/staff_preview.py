"""The office's "Preview as the customer": the portal's invoice page, read-only, for staff.

The office must not import the portal, so the page lives here and the office links to it.
Authorised by the staff session (Django's signed-in user) and `staff_may` at the URL's
company (gate.staff_page), never by a portal session: no customer is signed in, the view is
not counted as the customer's (first/last seen stay as they were), and nothing on it can pay.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from doorstep.tenancy.models import Company
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.time import company_today

from . import selectors
from .gate import staff_page


@require_safe
@staff_page(StaffAction.SEE_BILLING)
def invoice_preview(request: HttpRequest, company: Company, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_for_staff_preview(company=company, invoice_id=invoice_id)
    if invoice is None:
        raise Http404("No such invoice.")
    response = render(
        request,
        "portal/invoice_detail.html",
        {
            "company": company,
            "portal": None,
            "customer": invoice.customer,
            "preview": True,
            "invoice": invoice,
            "status": invoice.customer_status(company_today(company)),
            "allocations": [a for a in invoice.allocations.all() if a.payment.state != "cancelled"],
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
