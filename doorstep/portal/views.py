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
