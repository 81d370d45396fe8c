"""The portal's side of the single sign-on with the company's help site (docs/help-site.md).

- "Get help" (`get_help`): a page that carries a fresh signed token to the help site in a
  POST form which submits itself (a button when scripts are off). The token is never in a URL.
- "View my invoices" (`from_help`): the help site sends the browser back with a nonce; a live
  portal session of the same account goes straight to the invoices, anything else gets the
  normal sign-in page (never a sign-in by email alone).
- "Sign in to the help site again" (`help_approve`): after a clock refusal the help site asks
  the portal to vouch for this browser; the customer confirms with a button (POST).
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from doorstep.access.events import access_denied, access_event
from doorstep.access.help_handoff import HandoffRefused, handoff_issue, help_site_url
from doorstep.access.help_nonces import (
    help_sign_in_approve,
    help_sign_in_nonce_check,
    return_to_portal_accept,
)
from doorstep.access.portal_sessions import (
    PortalIdentity,
    client_ip,
    portal_session_resolve,
)
from doorstep.core.verbs import Verb
from doorstep.tenancy.models import Company

from .gate import company_page, portal_page
from .next_page import sign_in_url
from .pages import portal_render

log = logging.getLogger(__name__)


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    # A token or nonce is on the page or in the URL: keep it out of caches and Referers.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "strict-origin"
    return response


@require_http_methods(["GET", "HEAD"])
@portal_page
def get_help(request: HttpRequest, identity: PortalIdentity) -> HttpResponseBase:
    """A fresh 2-minute token for the help site. Writes only the token's jti (no customer
    data changes), so a plain link can open it."""
    company = identity.company
    token = handoff_issue(
        company=company,
        account=identity.account,
        return_to=request.GET.get("return_to", ""),
        ip_address=client_ip(request),
    )
    response = portal_render(
        request,
        identity,
        "portal/help/handoff.html",
        nav="help",
        token=token,
        action=help_site_url(company, "sso/"),
    )
    return _no_store(response)


@require_http_methods(["GET", "HEAD"])
@company_page
def from_help(request: HttpRequest, company: Company) -> HttpResponseBase:
    """Back from the help site ("View my invoices")."""
    invoices = reverse("portal:invoices", args=[company.slug])
    identity = portal_session_resolve(request=request, company=company)
    if identity is None or not identity.is_full:
        # No live portal session in this browser: the normal sign-in page, then invoices.
        return _no_store(redirect(sign_in_url(company, invoices)))
    try:
        return_to_portal_accept(
            company=company, raw=request.GET.get("n", ""), account=identity.account
        )
    except HandoffRefused as refused:
        log.warning("return from help site refused for %s: %s", company.slug, refused.reason)
        access_denied(
            company=company,
            reason=refused.reason,
            account=identity.account,
            ip_address=client_ip(request),
            purpose="help_site_return",
        )
        page = render(
            request,
            "portal/help/return_refused.html",
            {"company": company, "portal": identity, "invoices": invoices},
            status=400,
        )
        return _no_store(page)
    access_event(
        company=company,
        account=identity.account,
        ip_address=client_ip(request),
        verb=Verb.SSO_RETURNED_TO_PORTAL,
        message="Came back from the help site",
    )
    return _no_store(redirect(invoices))


@require_http_methods(["GET", "HEAD", "POST"])
@portal_page
def help_approve(request: HttpRequest, identity: PortalIdentity) -> HttpResponseBase:
    """GET: "Continue to the help site as <name>?"; POST (CSRF): vouch for that browser."""
    company = identity.company
    raw = request.GET.get("n", "")
    try:
        if request.method == "POST":
            help_sign_in_approve(company=company, raw=raw, account=identity.account)
        else:
            help_sign_in_nonce_check(company=company, raw=raw)
    except HandoffRefused as refused:
        access_denied(
            company=company,
            reason=refused.reason,
            account=identity.account,
            ip_address=client_ip(request),
            purpose="help_site_again",
        )
        page = portal_render(
            request,
            identity,
            "portal/help/approve_refused.html",
            nav="help",
            http_status=400,
        )
        return _no_store(page)
    if request.method == "POST":
        done = help_site_url(company, "sso/approved") + "?" + urlencode({"n": raw})
        return _no_store(redirect(done))
    page = portal_render(request, identity, "portal/help/approve.html", nav="help")
    return _no_store(page)
