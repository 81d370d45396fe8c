"""The office's "Preview as the customer": the portal's invoice page, read-only, for staff.

The office must not import the portal, so the page lives here and the office links to it.
Authorised by the staff session (Django's signed-in user) and `staff_may` at the URL's
company, never by a portal session: no customer is signed in, the view is not counted as the
customer's (first/last seen stay as they were), and nothing on it can pay.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from doorstep.tenancy.roles import StaffAction, staff_may
from doorstep.tenancy.selectors import company_by_slug
from doorstep.tenancy.time import company_today

from . import selectors


@require_safe
def invoice_preview(request: HttpRequest, company_slug: str, invoice_id: int) -> HttpResponse:
    company = company_by_slug(slug=company_slug)
    if company is None:
        raise Http404("No such company.")
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not staff_may(user=user, company=company, action=StaffAction.SEE_BILLING):
        raise Http404("No such invoice.")  # another company's staff learn nothing
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
