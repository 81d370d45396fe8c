"""The company's logo for portal pages and emails (public: it is on every invoice anyway)."""

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
