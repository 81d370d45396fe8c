"""Two-step sign-in pages: the customer's own settings under /profile/two-step/ (set up with
an authenticator app, recovery codes, turn off) and the second step of a password sign-in.
The rules are in doorstep/access/two_step.py; docs/portal.md "Two-step sign-in"."""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from doorstep.access import two_step as ts
from doorstep.access.models import PortalAccount
from doorstep.access.portal_sessions import (
    PortalIdentity,
    client_ip,
    portal_cookie_path,
    portal_session_start,
)
from doorstep.access.services import account_signed_in, passwords_offered
from doorstep.core.errors import DomainError
from doorstep.tenancy.models import Company

from .gate import company_page, portal_page
from .next_page import after_sign_in_url, forget_next
from .pages import portal_render

CHALLENGE_COOKIE = "doorstep_two_step"


def _home(identity: PortalIdentity) -> str:
    return reverse("portal:two_step", args=[identity.company.slug])


def _codes_page(request: HttpRequest, identity: PortalIdentity, codes: list[str]) -> HttpResponse:
    """The recovery codes, shown this once; the .txt download is built in the page (a data:
    link) so the codes are never stored or served again."""
    text = (
        f"Recovery codes for your {identity.company.name} portal ({identity.account.email})\n"
        "Each code works once, when you cannot use your authenticator app.\n\n"
        + "\n".join(codes)
        + "\n"
    )
    return portal_render(
        request,
        identity,
        "portal/two_step/codes.html",
        nav="account",
        codes=codes,
        download_href="data:text/plain;charset=utf-8," + quote(text),
    )


@require_http_methods(["GET", "HEAD"])
@portal_page
def two_step(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    company, account = identity.company, identity.account
    device = ts.two_step_for(company=company, account=account)
    on = device is not None and device.confirmed_at is not None
    return portal_render(
        request,
        identity,
        "portal/two_step/status.html",
        nav="account",
        on=on,
        since=device.confirmed_at if on and device else None,
        codes_left=ts.recovery_codes_left(company=company, account=account) if on else 0,
        possible=bool(account.password) and passwords_offered(company),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@portal_page
def two_step_enable(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    """POST action=start: a fresh secret. GET: the secret to scan or type, and the code box.
    POST action=confirm: on, if the code is current; then the recovery codes."""
    company, account = identity.company, identity.account
    error = ""
    if request.method == "POST" and request.POST.get("action") == "start":
        try:
            ts.two_step_setup_begin(company=company, account=account)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_home(identity))
        return redirect(reverse("portal:two_step_enable", args=[company.slug]))
    if request.method == "POST":
        try:
            codes = ts.two_step_setup_confirm(
                company=company,
                account=account,
                code=request.POST.get("code", ""),
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            if exc.field != "code":
                messages.error(request, exc.message)
                return redirect(_home(identity))
            error = exc.message
        else:
            return _codes_page(request, identity, codes)
    device = ts.two_step_for(company=company, account=account)
    if device is None or device.confirmed_at is not None:
        return redirect(_home(identity))
    try:
        secret = ts.two_step_secret(device)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_home(identity))
    otpauth = ts.otpauth_uri(secret_b32=secret, company=company, email=account.email)
    return portal_render(
        request,
        identity,
        "portal/two_step/enable.html",
        nav="account",
        http_status=400 if error else 200,
        secret=ts.secret_grouped(secret),
        otpauth=otpauth,
        qr=_qr_svg(otpauth),
        error=error,
    )


def _qr_svg(otpauth: str) -> str:
    """The otpauth:// link as an inline SVG QR code for the authenticator app to scan: drawn
    here (segno), so the secret never leaves the page in an image request."""
    svg = segno.make(otpauth, error="m").svg_inline(scale=5, border=2, omitsize=False)
    return mark_safe(svg)


@require_http_methods(["GET", "HEAD", "POST"])
@portal_page
def two_step_codes(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    """GET asks first ("your old codes stop working"); POST makes 10 new codes."""
    company, account = identity.company, identity.account
    if not ts.two_step_is_on(company=company, account=account):
        return redirect(_home(identity))
    if request.method == "POST":
        codes = ts.recovery_codes_regenerate(
            company=company, account=account, ip_address=client_ip(request)
        )
        return _codes_page(request, identity, codes)
    return portal_render(request, identity, "portal/two_step/codes_confirm.html", nav="account")


@require_http_methods(["GET", "HEAD", "POST"])
@portal_page
def two_step_disable(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    """Asks first, and for the password or a current code."""
    company, account = identity.company, identity.account
    if not ts.two_step_is_on(company=company, account=account):
        return redirect(_home(identity))
    error = ""
    if request.method == "POST":
        try:
            ts.two_step_turn_off(
                company=company,
                account=account,
                proof=request.POST.get("proof", ""),
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Two-step sign-in is off. We emailed you to say so.")
            return redirect(_home(identity))
    return portal_render(
        request,
        identity,
        "portal/two_step/disable.html",
        nav="account",
        http_status=400 if error else 200,
        error=error,
    )


def challenge_redirect(company: Company, account: PortalAccount) -> HttpResponse:
    """After a right password for an account with two-step on: to the second step."""
    key = ts.two_step_challenge_start(company=company, account=account)
    response = redirect(reverse("access:two_step_sign_in", args=[company.slug]))
    response.set_cookie(
        CHALLENGE_COOKIE,
        key,
        max_age=int(ts.CHALLENGE_LIFE.total_seconds()),
        path=portal_cookie_path(company),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@company_page
def two_step_sign_in(request: HttpRequest, company: Company) -> HttpResponse:
    """The second step: a code from the app or a recovery code, then the session."""
    key = request.COOKIES.get(CHALLENGE_COOKIE, "")
    if request.method != "POST":
        if not ts.two_step_challenge_pending(company=company, browser_key=key):
            return _start_again(request, company, "Sign in with your password first.")
        return render(request, "access/two_step.html", {"company": company})
    ip = client_ip(request)
    try:
        account = ts.two_step_challenge_answer(
            company=company, browser_key=key, code=request.POST.get("code", ""), ip_address=ip
        )
    except ts.ChallengeOver as exc:
        return _start_again(request, company, exc.message, status=400)
    except DomainError as exc:
        return render(
            request, "access/two_step.html", {"company": company, "error": exc.message}, status=400
        )
    response = redirect(after_sign_in_url(request, company))
    with transaction.atomic():
        portal_session_start(request=request, response=response, account=account)
        account_signed_in(account=account, method="password+two_step", ip_address=ip)
    response.delete_cookie(CHALLENGE_COOKIE, path=portal_cookie_path(company))
    forget_next(response, company)
    return response


def _start_again(
    request: HttpRequest, company: Company, words: str, status: int = 200
) -> HttpResponse:
    from .sign_in import sign_in_page

    response = sign_in_page(request, company, status=status, two_step_error=words)
    response.delete_cookie(CHALLENGE_COOKIE, path=portal_cookie_path(company))
    return response
