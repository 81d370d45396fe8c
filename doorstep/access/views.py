"""Signing in and out of a company's portal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .decorators import company_portal
from .portal_sessions import portal_session_end


@company_portal
def sign_in(request: HttpRequest, company_slug: str) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    return render(request, "access/sign_in.html", {"company": company})


@require_POST
@company_portal
def sign_out(request: HttpRequest, company_slug: str) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    response = redirect(reverse("access:sign_in", args=[company.slug]))
    portal_session_end(request=request, response=response, company=company)
    return response
