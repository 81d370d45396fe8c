"""The company's logo and banner for portal pages and emails (public: the logo is on every
invoice anyway; the banner is decoration of the home page)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from doorstep.tenancy.models import Company

from .gate import company_page


@company_page
def logo(request: HttpRequest, company: Company) -> FileResponse:
    if not company.logo:
        raise Http404("No logo.")
    response = FileResponse(company.logo.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@company_page
def banner(request: HttpRequest, company: Company) -> FileResponse:
    if not company.banner:
        raise Http404("No banner.")
    response = FileResponse(company.banner.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
