"""The emailed links: the sign-in link, "send me a fresh one" from a dead link's page, and
the invoice link ("View and pay") that opens a session limited to one invoice.

Opening a link (GET/HEAD) only shows a page with a button: email security scanners open
links before people do. Only the button's CSRF-protected POST uses the link.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.access.invoice_links import invoice_link_find, invoice_link_opened
from doorstep.access.link_requests import email_request_accept
from doorstep.access.models import (
    InvoiceLink,
    LinkPurpose,
    LoginLink,
    PortalAccountState,
    SessionScope,
)
from doorstep.access.portal_sessions import (
    client_ip,
    portal_session_resolve,
    portal_session_start,
)
from doorstep.access.services import (
    LinkRefused,
    account_signed_in,
    links_offered,
    login_link_consume,
    login_link_find,
)
from doorstep.access.tokens import token_hash, token_looks_valid
from doorstep.adoption.models import ActivityVerb
from doorstep.adoption.visits import link_fetched
from doorstep.tenancy.models import Company

from .gate import link_page
from .link_refusals import refused, scanning
from .next_page import after_sign_in_url, forget_next


@require_http_methods(["GET", "HEAD", "POST"])
@link_page
def link_landing(request: HttpRequest, company: Company, token: str) -> HttpResponse:
    purposes = {LinkPurpose.SIGN_IN}
    over_limit = scanning(request)
    try:
        link = login_link_find(company=company, raw=token, purposes=purposes)
    except LinkRefused as exc:
        return refused(
            request,
            company,
            exc,
            purpose=LinkPurpose.SIGN_IN,
            fresh_token=token,
            over_limit=over_limit,
        )
    if request.method != "POST":
        # Looking changes nothing: scanners and previews may open this page freely. The
        # fetch is noted for adoption figures, never as a sign-in.
        _fetched(request, company, ActivityVerb.LINK_FETCHED, link.account, link.created_at)
        return render(request, "access/link_confirm.html", {"company": company})
    response = redirect(after_sign_in_url(request, company))
    try:
        with transaction.atomic():
            login_link_consume(link=link)
            portal_session_start(request=request, response=response, account=link.account)
            account_signed_in(account=link.account, method="link", ip_address=client_ip(request))
    except LinkRefused as exc:
        return refused(request, company, exc, purpose=LinkPurpose.SIGN_IN, fresh_token=token)
    forget_next(response, company)
    return response


@require_POST
@link_page
def fresh_link(request: HttpRequest, company: Company, token: str) -> HttpResponse:
    """One click on a dead link's page: a fresh link to the address on file (never to an
    address typed in). The answer is the same whatever the token was."""
    account = None
    if token_looks_valid(token):
        hashed = token_hash(token)
        link = LoginLink.objects.for_company(company).filter(token_hash=hashed).first()
        if link is not None:
            account = link.account
        else:
            invoice_link = (
                InvoiceLink.objects.for_company(company).filter(token_hash=hashed).first()
            )
            account = invoice_link.account if invoice_link else None
    if account is not None and account.state != PortalAccountState.DEACTIVATED:
        kind = "sign_in" if links_offered(company) else "password_reset"
        email_request_accept(kind=kind, company=company, email=account.email, ip=client_ip(request))
    return render(request, "access/link_sent.html", {"company": company, "email": ""})


@require_http_methods(["GET", "HEAD", "POST"])
@link_page
def invoice_landing(request: HttpRequest, company: Company, token: str) -> HttpResponse:
    """ "View and pay" from an invoice email: that one invoice, in a session limited to it."""
    over_limit = scanning(request)
    try:
        link = invoice_link_find(company=company, raw=token)
    except LinkRefused as exc:
        return refused(
            request, company, exc, purpose="invoice", fresh_token=token, over_limit=over_limit
        )
    if request.method != "POST":
        # Name what Continue opens: the invoice, its balance and when the customer last saw it
        # (the email already said as much; the link itself is the secret).
        _fetched(request, company, ActivityVerb.INVOICE_FETCHED, link.invoice, link.created_at)
        return render(
            request, "access/invoice_confirm.html", {"company": company, "invoice": link.invoice}
        )
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


def _fetched(request: HttpRequest, company: Company, verb: str, target: Any, sent: Any) -> None:
    link_fetched(
        company=company,
        verb=verb,
        object_type=target._meta.model_name,
        object_id=target.pk,
        customer_id=target.customer_id,
        sent_at=sent,
        method=request.method or "GET",
        user_agent=request.headers.get("User-Agent", ""),
        ip=client_ip(request),
    )
