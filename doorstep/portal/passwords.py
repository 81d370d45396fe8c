"""Password mode pages: forgot password, choose a password from a link, self-registration."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from doorstep.core.errors import DomainError

from .decorators import company_portal
from .forms import EmailForm, NewPasswordForm, RegisterForm
from .link_requests import email_request_accept
from .models import LinkPurpose
from .passwords import password_set_from_link
from .portal_sessions import client_ip
from .registrations import registration_find, registration_verify
from .services import LinkRefused, login_link_find, passwords_offered
from .views import link_page, refused, scanning

SET_PURPOSES = {LinkPurpose.INVITATION, LinkPurpose.PASSWORD_RESET, LinkPurpose.VERIFY_EMAIL}


def _not_offered(request: HttpRequest, company: object) -> HttpResponse:
    return render(request, "access/not_found.html", {"company": company}, status=404)


@require_http_methods(["GET", "HEAD", "POST"])
@company_portal
def password_forgot(request: HttpRequest, company_slug: str) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    if not passwords_offered(company):
        return _not_offered(request, company)
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
def password_set(request: HttpRequest, company_slug: str, token: str) -> HttpResponse:
    """Invitation, registration and reset links land here; GET only shows the form."""
    company = request.company  # type: ignore[attr-defined]
    over_limit = scanning(request)
    try:
        link = login_link_find(company=company, raw=token, purposes=SET_PURPOSES)
    except LinkRefused as exc:
        return refused(request, exc, purpose="password", fresh_token=token, over_limit=over_limit)
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
        return refused(request, exc, purpose="password", fresh_token=token)
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


@require_http_methods(["GET", "HEAD", "POST"])
@company_portal
def register(request: HttpRequest, company_slug: str) -> HttpResponse:
    """Self-registration. Grants nothing: the address must be verified and on file (or
    approved by staff). The answer is the same for every address."""
    company = request.company  # type: ignore[attr-defined]
    if not passwords_offered(company):
        return _not_offered(request, company)
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
def register_verify(request: HttpRequest, company_slug: str, token: str) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    try:
        registration = registration_find(company=company, raw=token)
        if request.method != "POST":
            return render(request, "access/register_confirm.html", {"company": company})
        registration_verify(request=registration, ip=client_ip(request))
    except LinkRefused as exc:
        return refused(request, exc, purpose="registration")
    return render(request, "access/register_done.html", {"company": company})
