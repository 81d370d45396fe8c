"""Signing in to a company's portal with emailed links and codes, and signing out.

Opening a link (GET/HEAD) only shows a page with a button: email security scanners open
links before people do. Only the button's CSRF-protected POST uses the link.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.tenancy.selectors import company_by_slug

from .decorators import company_portal, portal_unavailable, portal_view
from .events import access_denied
from .forms import CodeForm, EmailForm, PasswordSignInForm
from .invoice_links import invoice_link_find, invoice_link_opened
from .link_requests import TooManyRequests, email_request_accept
from .models import LinkPurpose, LoginLink, PortalAccountState, SessionScope
from .next_page import after_sign_in_url, forget_next, remember_next
from .portal_sessions import (
    client_ip,
    portal_session_end,
    portal_session_resolve,
    portal_session_start,
)
from .services import (
    LinkRefused,
    account_signed_in,
    links_offered,
    login_code_verify,
    login_link_consume,
    login_link_find,
    passwords_offered,
    portal_account_sign_out_everywhere,
)
from .throttle import throttle_exceeded, throttle_hit
from .tokens import token_hash, token_looks_valid

log = logging.getLogger(__name__)
View = Callable[..., HttpResponseBase]

REFUSAL_WORDS = {
    "used": "This link has already been used. Each link works once.",
    "expired": "This link has expired. Links work for a short time, for your security.",
    "superseded": "A newer link was sent to you, so this one no longer works.",
    "email_changed": "This link was sent to an email address that is no longer on file.",
    "deactivated": "Online access to your account is paused. Please contact us.",
    "revoked": "This invoice link was withdrawn. Sign in to see your invoices.",
    "invoice_closed": "This invoice link has closed. Sign in to see your invoices.",
}
CODES_EXHAUSTED = (
    "Too many wrong codes were entered for this address today. Use the button in the email "
    "instead: it still works."
)
UNKNOWN_WORDS = "We don't recognise this link. It may be incomplete: copy the whole link again."


def link_page(view: View) -> View:
    """Company from the slug; portal-off refusals are audited; landing-page headers."""

    @wraps(view)
    def wrapper(request: HttpRequest, company_slug: str, *args: Any, **kwargs: Any) -> Any:
        company = company_by_slug(slug=company_slug)
        if company is None:
            response: HttpResponseBase = render(
                request, "access/not_found.html", {"company": None}, status=404
            )
        elif not company.settings.portal_enabled:
            access_denied(company=company, reason="portal_off", ip_address=client_ip(request))
            response = portal_unavailable(request, company)
        else:
            request.company = company  # type: ignore[attr-defined]
            response = view(request, company_slug, *args, **kwargs)
        # The URL holds a secret: never send its path on as a Referer (strict-origin, not
        # no-referrer, which makes browsers send "Origin: null" and fail CSRF), never cache, and
        # keep Django's "Not Found: /p/.../<token>" warning out of the logs.
        response["Referrer-Policy"] = "strict-origin"
        response["Cache-Control"] = "no-store"
        if response.status_code >= 400:
            response._has_been_logged = True  # type: ignore[attr-defined]
            log.info("portal link page refused with %s", response.status_code)
        return response

    return wrapper


GUESS_REASONS = {"unknown", "malformed", "wrong_company"}


def scanning(request: HttpRequest) -> bool:
    """This address has presented too many unknown tokens lately. Checked before the lookup
    (one query, as before) but applied only to tokens that turn out unknown (`refused`): a
    live link opens for its owner even when someone else on the same address flooded us."""
    return throttle_exceeded("bad_link_ip", client_ip(request))


def refused(
    request: HttpRequest,
    exc: LinkRefused,
    *,
    purpose: str = "",
    fresh_token: str = "",
    over_limit: bool = False,
) -> HttpResponse:
    """The friendly page for a link that does not open, with a way forward; audited.
    An unknown token from an address over the scanning limit gets 429 instead."""
    company = request.company  # type: ignore[attr-defined]
    ip = client_ip(request)
    if exc.reason in GUESS_REASONS:
        if over_limit:
            raise TooManyRequests()
        throttle_hit("bad_link_ip", ip)
    access_denied(
        company=company, reason=exc.reason, account=exc.account, ip_address=ip, purpose=purpose
    )
    account = exc.account
    can_refresh = (
        bool(fresh_token)
        and account is not None
        and account.state != PortalAccountState.DEACTIVATED
        and exc.reason != "email_changed"
    )
    return render(
        request,
        "access/link_refused.html",
        {
            "company": company,
            "message": REFUSAL_WORDS.get(exc.reason, UNKNOWN_WORDS),
            "fresh_token": fresh_token if can_refresh else "",
            "form": EmailForm(),
            "links_offered": links_offered(company),
        },
        status=exc.status_code,
    )


# --- Sign-in page and link requests --------------------------------------------------------


def sign_in_page(request: HttpRequest, company: Any, status: int = 200, **extra: Any) -> Any:
    context = {
        "company": company,
        "links_offered": links_offered(company),
        "passwords_offered": passwords_offered(company),
        "form": EmailForm(),
        "password_form": PasswordSignInForm(),
        **extra,
    }
    return render(request, "access/sign_in.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@company_portal
def sign_in(request: HttpRequest, company_slug: str) -> HttpResponse:
    """GET: the sign-in page. POST: sign in with a password (password mode)."""
    company = request.company  # type: ignore[attr-defined]
    if request.method != "POST":
        page = sign_in_page(request, company)
        remember_next(request, page, company)
        return page
    if not passwords_offered(company):
        access_denied(company=company, reason="not_allowed", ip_address=client_ip(request))
        return sign_in_page(request, company, status=400)
    from .passwords import password_sign_in_check

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
    response = redirect(after_sign_in_url(request, company))
    with transaction.atomic():
        portal_session_start(request=request, response=response, account=account)
        account_signed_in(account=account, method="password", ip_address=ip)
    return response


@require_POST
@company_portal
def link_request(request: HttpRequest, company_slug: str) -> HttpResponse:
    """ "Email me a sign-in link": the same answer whether or not the address is known."""
    company = request.company  # type: ignore[attr-defined]
    if not links_offered(company):
        return sign_in_page(request, company, status=400)
    form = EmailForm(request.POST)
    if not form.is_valid():
        return sign_in_page(request, company, status=400, form=form)
    email = form.cleaned_data["email"]
    email_request_accept(kind="sign_in", company=company, email=email, ip=client_ip(request))
    return render(request, "access/link_sent.html", {"company": company, "email": email})


# --- The emailed sign-in link --------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@link_page
def link_landing(request: HttpRequest, company_slug: str, token: str) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    purposes = {LinkPurpose.SIGN_IN}
    over_limit = scanning(request)
    try:
        link = login_link_find(company=company, raw=token, purposes=purposes)
    except LinkRefused as exc:
        return refused(
            request, exc, purpose=LinkPurpose.SIGN_IN, fresh_token=token, over_limit=over_limit
        )
    if request.method != "POST":
        # Looking changes nothing: scanners and previews may open this page freely.
        return render(request, "access/link_confirm.html", {"company": company})
    response = redirect(after_sign_in_url(request, company))
    try:
        with transaction.atomic():
            login_link_consume(link=link)
            portal_session_start(request=request, response=response, account=link.account)
            account_signed_in(account=link.account, method="link", ip_address=client_ip(request))
    except LinkRefused as exc:
        return refused(request, exc, purpose=LinkPurpose.SIGN_IN, fresh_token=token)
    forget_next(response, company)
    return response


@require_POST
@link_page
def fresh_link(request: HttpRequest, company_slug: str, token: str) -> HttpResponse:
    """One click on a dead link's page: a fresh link to the address on file (never to an
    address typed in). The answer is the same whatever the token was."""
    company = request.company  # type: ignore[attr-defined]
    account = None
    if token_looks_valid(token):
        hashed = token_hash(token)
        link = LoginLink.objects.filter(token_hash=hashed, company=company).first()
        if link is not None:
            account = link.account
        else:
            from .models import InvoiceLink

            invoice_link = InvoiceLink.objects.filter(token_hash=hashed, company=company).first()
            account = invoice_link.account if invoice_link else None
    if account is not None and account.state != PortalAccountState.DEACTIVATED:
        kind = "sign_in" if links_offered(company) else "password_reset"
        email_request_accept(kind=kind, company=company, email=account.email, ip=client_ip(request))
    return render(request, "access/link_sent.html", {"company": company, "email": ""})


@require_http_methods(["GET", "HEAD", "POST"])
@link_page
def code_entry(request: HttpRequest, company_slug: str) -> HttpResponse:
    """Sign in on another device with the 6-digit code from the email."""
    company = request.company  # type: ignore[attr-defined]
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


# --- The invoice link ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@link_page
def invoice_landing(request: HttpRequest, company_slug: str, token: str) -> HttpResponse:
    """ "View and pay" from an invoice email: that one invoice, in a session limited to it."""
    company = request.company  # type: ignore[attr-defined]
    over_limit = scanning(request)
    try:
        link = invoice_link_find(company=company, raw=token)
    except LinkRefused as exc:
        return refused(request, exc, purpose="invoice", fresh_token=token, over_limit=over_limit)
    if request.method != "POST":
        return render(request, "access/invoice_confirm.html", {"company": company})
    invoice = link.invoice
    response = redirect(reverse("portal:invoice_detail", args=[company.slug, invoice.pk]))
    current = portal_session_resolve(request=request, company=company)
    if current is not None and current.account.pk == link.account_id and current.is_full:
        return response  # already signed in to the whole portal: keep that session
    with transaction.atomic():
        portal_session_start(
            request=request,
            response=response,
            account=link.account,
            scope=SessionScope.INVOICE,
            invoice=invoice,
        )
        invoice_link_opened(link=link, ip_address=client_ip(request))
    return response


# --- Signing out ---------------------------------------------------------------------------


@require_POST
@company_portal
def sign_out(request: HttpRequest, company_slug: str) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    response = redirect(reverse("access:sign_in", args=[company.slug]))
    portal_session_end(request=request, response=response, company=company)
    return response


@require_POST
@portal_view()
def sign_out_everywhere(request: HttpRequest, company_slug: str) -> HttpResponse:
    portal = request.portal  # type: ignore[attr-defined]
    portal_account_sign_out_everywhere(
        company=portal.company,
        account=portal.account,
        actor=Actor.portal(portal.account.email, client_ip(request)),
    )
    response = render(request, "access/signed_out.html", {"company": portal.company})
    portal_session_end(request=request, response=response, company=portal.company)
    return response
