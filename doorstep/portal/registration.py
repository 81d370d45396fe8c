"""Self-registration (password mode) and the link that verifies the address.

Registering grants nothing: the address must be verified and on file (or approved by staff).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from doorstep.access.link_requests import email_request_accept
from doorstep.access.portal_sessions import client_ip
from doorstep.access.registrations import registration_find, registration_verify
from doorstep.access.services import LinkRefused, passwords_offered
from doorstep.tenancy.models import Company

from .gate import company_page, link_page
from .link_refusals import refused
from .passwords import not_offered
from .sign_in_forms import RegisterForm


@require_http_methods(["GET", "HEAD", "POST"])
@company_page
def register(request: HttpRequest, company: Company) -> HttpResponse:
    """The answer is the same for every address."""
    if not passwords_offered(company):
        return not_offered(request, company)
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(
            request, "access/register.html", {"company": company, "form": form}, status=status
        )
    data = form.cleaned_data
    email_request_accept(
        kind="registration",
        company=company,
        email=data["email"],
        ip=client_ip(request),
        extra={"name": data["name"], "phone": data["phone"]},
    )
    return render(
        request,
        "access/link_sent.html",
        {"company": company, "email": data["email"], "registration": True},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@link_page
def register_verify(request: HttpRequest, company: Company, token: str) -> HttpResponse:
    try:
        registration = registration_find(company=company, raw=token)
        if request.method != "POST":
            return render(request, "access/register_confirm.html", {"company": company})
        registration_verify(request=registration, ip=client_ip(request))
    except LinkRefused as exc:
        return refused(request, company, exc, purpose="registration")
    return render(request, "access/register_done.html", {"company": company})
