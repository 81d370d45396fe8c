"""Customer-facing portal pages. Thin: resolve identity (portal_view), call selectors, render."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from doorstep.access.decorators import company_portal, portal_view


@portal_view()
def home(request: HttpRequest, company_slug: str) -> HttpResponse:
    portal = request.portal  # type: ignore[attr-defined]
    return render(
        request,
        "portal/home.html",
        {
            "company": portal.company,
            "portal": portal,
            "customer": portal.customer,
            "nav": "home",
        },
    )


@company_portal
def logo(request: HttpRequest, company_slug: str) -> FileResponse:
    """The company's logo for pages and emails (public: it is on every invoice anyway)."""
    company = request.company  # type: ignore[attr-defined]
    if not company.logo:
        raise Http404("No logo.")
    response = FileResponse(company.logo.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@portal_view(invoice_scope_ok=True)
def invoice_detail(request: HttpRequest, company_slug: str, invoice_id: int) -> HttpResponse:
    """MINIMAL placeholder (access branch) so invoice links land somewhere; the portal pages
    branch owns the real page."""
    from doorstep.billing.models import Invoice
    from doorstep.core.money import format_money

    portal = request.portal  # type: ignore[attr-defined]
    if not portal.may_see_invoice(invoice_id):
        raise Http404("No such invoice.")
    invoice = (
        Invoice.objects.for_company(portal.company)
        .filter(pk=invoice_id, customer=portal.customer)
        .exclude(state="draft")
        .first()
    )
    if invoice is None:
        raise Http404("No such invoice.")
    return render(
        request,
        "portal/access_invoice_minimal.html",
        {
            "company": portal.company,
            "portal": portal,
            "invoice": invoice,
            "total": format_money(invoice.total, invoice.currency),
            "balance": format_money(invoice.balance_due, invoice.currency),
            "nav": "invoices",
        },
    )
