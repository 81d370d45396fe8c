"""Signing in to a company's portal: the sign-in page (password or "email me a link"), and
the 6-digit code from the email for signing in on another device.

The emailed links themselves land in sign_in_links.py.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.access.events import access_denied
from doorstep.access.link_requests import TooManyRequests, email_request_accept
from doorstep.access.oidc import providers_for_sign_in
from doorstep.access.passwords import password_sign_in_check
from doorstep.access.portal_sessions import client_ip, portal_session_start
from doorstep.access.services import (
    LinkRefused,
    account_signed_in,
    links_offered,
    login_code_verify,
    login_link_consume,
    passwords_offered,
)
from doorstep.access.throttle import throttle_exceeded, throttle_hit
from doorstep.access.two_step import two_step_is_on
from doorstep.core.errors import DomainError
from doorstep.tenancy.models import Company

from .gate import company_page, link_page
from .next_page import after_sign_in_url, forget_next, remember_next
from .sign_in_forms import CodeForm, EmailForm, PasswordSignInForm
from .two_step import challenge_redirect

CODES_EXHAUSTED = (
    "Too many wrong codes were entered for this address today. Use the button in the email "
    "instead: it still works."
)


def sign_in_page(request: HttpRequest, company: Company, status: int = 200, **extra: Any) -> Any:
    context = {
        "company": company,
        "links_offered": links_offered(company),
        "passwords_offered": passwords_offered(company),
        "form": EmailForm(),
        "password_form": PasswordSignInForm(),
        "providers": providers_for_sign_in(company=company),
        **extra,
    }
    return render(request, "access/sign_in.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@company_page
def sign_in(request: HttpRequest, company: Company) -> HttpResponse:
    """GET: the sign-in page. POST: sign in with a password (password mode)."""
    if request.method != "POST":
        page = sign_in_page(request, company)
        remember_next(request, page, company)
        return page
    if not passwords_offered(company):
        access_denied(company=company, reason="not_allowed", ip_address=client_ip(request))
        return sign_in_page(request, company, status=400)
    form = PasswordSignInForm(request.POST)
    if not form.is_valid():
        return sign_in_page(request, company, status=400, password_form=form)
    ip = client_ip(request)
    try:
        account = password_sign_in_check(
            company=company,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            ip=ip,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return sign_in_page(request, company, status=400, password_form=form)
    if two_step_is_on(company=company, account=account):
        # No session yet: the second step (portal/two_step.py) starts it after the code.
        return challenge_redirect(company, account)
    response = redirect(after_sign_in_url(request, company))
    with transaction.atomic():
        portal_session_start(request=request, response=response, account=account)
        account_signed_in(account=account, method="password", ip_address=ip)
    return response


@require_POST
@company_page
def link_request(request: HttpRequest, company: Company) -> HttpResponse:
    """ "Email me a sign-in link": the same answer whether or not the address is known."""
    if not links_offered(company):
        return sign_in_page(request, company, status=400)
    form = EmailForm(request.POST)
    if not form.is_valid():
        return sign_in_page(request, company, status=400, form=form)
    email = form.cleaned_data["email"]
    email_request_accept(kind="sign_in", company=company, email=email, ip=client_ip(request))
    return render(request, "access/link_sent.html", {"company": company, "email": email})


@require_http_methods(["GET", "HEAD", "POST"])
@link_page
def code_entry(request: HttpRequest, company: Company) -> HttpResponse:
    """Sign in on another device with the 6-digit code from the email."""
    if not links_offered(company):
        return sign_in_page(request, company, status=404)
    if request.method != "POST":
        return render(request, "access/code.html", {"company": company, "form": CodeForm()})
    form = CodeForm(request.POST)
    ip = client_ip(request)
    if not form.is_valid():
        if "code" in form.errors:
            access_denied(company=company, reason="code_malformed", ip_address=ip, purpose="code")
        return render(request, "access/code.html", {"company": company, "form": form}, status=400)
    email = form.cleaned_data["email"]
    if throttle_exceeded("code_fail_ip", ip):
        raise TooManyRequests()
    if throttle_exceeded("code_fail_address", email):
        # The same words for every address, known or not.
        access_denied(company=company, reason="code_throttled", ip_address=ip, purpose="code")
        form.add_error("code", CODES_EXHAUSTED)
        return render(request, "access/code.html", {"company": company, "form": form}, status=429)
    try:
        link = login_code_verify(company=company, email=email, code=form.cleaned_data["code"])
        response = redirect(after_sign_in_url(request, company))
        with transaction.atomic():
            login_link_consume(link=link)
            portal_session_start(request=request, response=response, account=link.account)
            account_signed_in(account=link.account, method="code", ip_address=ip)
    except LinkRefused as exc:
        throttle_hit("code_fail_ip", ip)
        throttle_hit("code_fail_address", email)
        access_denied(
            company=company, reason=exc.reason, account=exc.account, ip_address=ip,
            purpose="code",
        )  # fmt: skip
        form.add_error(
            "code",
            "That code does not work. Check the latest email, or ask for a new link.",
        )
        return render(request, "access/code.html", {"company": company, "form": form}, status=400)
    forget_next(response, company)
    return response
