"""Portal pages: the customer's invoices (list, one invoice, its PDF) and payment history.

Every object is looked up with company= and customer= from the identity, so another
customer's id is simply "not found" (404), indistinguishable from a missing one.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from doorstep.access.portal_sessions import PortalIdentity
from doorstep.adoption.visits import invoice_viewed
from doorstep.billing.models import Invoice
from doorstep.billing.pdf import invoice_pdf_bytes, invoice_pdf_filename
from doorstep.billing.pdf_render import pdf_response
from doorstep.payments.selectors import customer_sees
from doorstep.tenancy.time import company_today

from . import cursors, selectors
from .gate import portal_page
from .pages import is_htmx, portal_render

INVOICES_PER_PAGE = 20
PAYMENTS_PER_PAGE = 20


@require_safe
@portal_page
def invoices(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    """The invoice list, INVOICES_PER_PAGE at a time: "Show older invoices" links to
    `?after=<cursor>` (that page alone, without JavaScript) and htmx appends the same rows
    in place. An old `?page=N` link, or a malformed cursor, shows the first page."""
    scope: dict[str, Any] = {"company": identity.company, "customer": identity.customer}
    today = company_today(identity.company)
    status = request.GET.get("status", "all")
    if status not in selectors.INVOICE_FILTERS:
        status = "all"
    after = cursors.parse_invoice_cursor(request.GET.get("after"))
    context: dict[str, Any] = {
        "page": selectors.invoices_page_for_customer(
            **scope, status=status, today=today, after=after, size=INVOICES_PER_PAGE
        ),
        "status": status,
        "continued": after is not None,
        "today": today,
    }
    if is_htmx(request) and after is not None:
        return portal_render(
            request,
            identity,
            "portal/_invoice_list_rows.html",
            nav="invoices",
            appended=True,
            **context,
        )
    return portal_render(
        request,
        identity,
        "portal/invoices.html",
        nav="invoices",
        filters=[(key, key.capitalize()) for key in selectors.INVOICE_FILTERS],
        balance=selectors.balance_for_customer(**scope, today=today),
        **context,
    )


def _invoice_or_404(identity: PortalIdentity, invoice_id: int) -> Invoice:
    if not identity.may_see_invoice(invoice_id):
        raise Http404("No such invoice.")
    invoice = selectors.invoice_for_customer(
        company=identity.company, customer=identity.customer, invoice_id=invoice_id
    )
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


@require_safe
@portal_page(allow_invoice_link=True)
def invoice_detail(request: HttpRequest, identity: PortalIdentity, invoice_id: int) -> HttpResponse:
    invoice = _invoice_or_404(identity, invoice_id)
    company = identity.company
    if request.method == "GET" and not is_htmx(request):
        # A real page view by a signed-in browser (scanners never get past the sign-in POST).
        if invoice.first_viewed_at is None:  # later views are not new opens: no query
            invoice_viewed(
                company=company,
                invoice=invoice,
                contact_id=identity.account.contact_id,
                full=identity.is_full,
            )
        selectors.invoice_mark_viewed(company=company, invoice=invoice)
    today = company_today(company)
    return portal_render(
        request,
        identity,
        "portal/invoice_detail.html",
        nav="invoices",
        invoice=invoice,
        status=invoice.customer_status(today),
        # What Payment history shows too: money received, on its way or returned by the bank;
        # declined card attempts are not payments from the customer's point of view.
        allocations=[a for a in invoice.allocations.all() if customer_sees(a.payment)],
    )


@require_safe
@portal_page(allow_invoice_link=True)
def invoice_pdf(request: HttpRequest, identity: PortalIdentity, invoice_id: int) -> HttpResponse:
    invoice = _invoice_or_404(identity, invoice_id)
    return pdf_response(
        invoice_pdf_bytes(company=identity.company, invoice=invoice),
        filename=invoice_pdf_filename(invoice),
        inline=request.GET.get("view") == "1",
    )


@require_safe
@portal_page
def payments(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    """Payment history, a tab of Invoices, PAYMENTS_PER_PAGE at a time: "Show older
    payments" as the invoice list's "Show older invoices"."""
    after = cursors.parse_payment_cursor(request.GET.get("after"))
    context: dict[str, Any] = {
        "page": selectors.payments_page_for_customer(
            company=identity.company,
            customer=identity.customer,
            after=after,
            size=PAYMENTS_PER_PAGE,
        ),
        "continued": after is not None,
    }
    if is_htmx(request) and after is not None:
        return portal_render(
            request, identity, "portal/_payment_rows.html", nav="invoices", appended=True, **context
        )
    return portal_render(request, identity, "portal/payments.html", nav="invoices", **context)
