"""Password mode pages: "forgot password", and choosing a password from an emailed link
(invitation, registration, reset)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from doorstep.access.link_requests import email_request_accept
from doorstep.access.models import LinkPurpose
from doorstep.access.passwords import password_set_from_link
from doorstep.access.portal_sessions import client_ip
from doorstep.access.services import LinkRefused, login_link_find, passwords_offered
from doorstep.core.errors import DomainError
from doorstep.tenancy.models import Company

from .gate import company_page, link_page
from .link_refusals import refused, scanning
from .sign_in_forms import EmailForm, NewPasswordForm

SET_PURPOSES = {LinkPurpose.INVITATION, LinkPurpose.PASSWORD_RESET, LinkPurpose.VERIFY_EMAIL}


def not_offered(request: HttpRequest, company: Company) -> HttpResponse:
    """The company signs its customers in with links only: password pages do not exist."""
    return render(request, "access/not_found.html", {"company": company}, status=404)


@require_http_methods(["GET", "HEAD", "POST"])
@company_page
def password_forgot(request: HttpRequest, company: Company) -> HttpResponse:
    if not passwords_offered(company):
        return not_offered(request, company)
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "access/password_forgot.html",
            {"company": company, "form": form},
            status=status,
        )
    email = form.cleaned_data["email"]
    email_request_accept(kind="password_reset", company=company, email=email, ip=client_ip(request))
    return render(request, "access/link_sent.html", {"company": company, "email": email})


@require_http_methods(["GET", "HEAD", "POST"])
@link_page
def password_set(request: HttpRequest, company: Company, token: str) -> HttpResponse:
    """Invitation, registration and reset links land here; GET only shows the form."""
    over_limit = scanning(request)
    try:
        link = login_link_find(company=company, raw=token, purposes=SET_PURPOSES)
    except LinkRefused as exc:
        return refused(
            request, company, exc, purpose="password", fresh_token=token, over_limit=over_limit
        )
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    context = {"company": company, "form": form, "purpose": link.purpose, "email": link.email}
    if request.method != "POST":
        return render(request, "access/password_set.html", context)
    if not form.is_valid():
        return render(request, "access/password_set.html", context, status=400)
    try:
        password_set_from_link(
            link=link,
            password=form.cleaned_data["password"],
            ip_address=client_ip(request),
            sign_out_everywhere=bool(form.cleaned_data.get("sign_out_everywhere"))
            and link.purpose == LinkPurpose.PASSWORD_RESET,
        )
    except LinkRefused as exc:
        return refused(request, company, exc, purpose="password", fresh_token=token)
    except DomainError as exc:
        form.add_error("password", exc.message)
        return render(request, "access/password_set.html", context, status=400)
    return render(
        request,
        "access/password_done.html",
        {
            "company": company,
            "reset": link.purpose == LinkPurpose.PASSWORD_RESET,
            "signed_out": bool(form.cleaned_data.get("sign_out_everywhere")),
        },
    )
