"""The help site's side of the single sign-on with the portal (docs/help-site.md).

- `receive` (POST /h/<slug>/sso/): the portal's auto-submitted form with a signed token
  (access/help_handoff.py checks it). Accepted: a new help session (`help_session_start`, new
  key) and on to `return_to`. CSRF-exempt on purpose: the form comes from the portal's
  origin, and the single-use signed token is the proof it is genuine.
- Refused because of the clock: the reason is logged and audited, and the page offers
  "Sign in again", the clock-free nonce trip (`again` -> portal confirms -> `approved`)
  instead of sending the customer back to the portal to be bounced again (seed 003's
  "bumped between the portal and the help site" breakdown).
- `to_portal` (POST, "View my invoices"): a nonce for the signed-in account, then the portal.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from doorstep.access.events import access_denied, access_event
from doorstep.access.help_handoff import HandoffRefused, handoff_verify
from doorstep.access.help_nonces import help_sign_in_complete, sso_nonce_issue
from doorstep.access.models import PortalAccount, SsoNoncePurpose
from doorstep.access.portal_sessions import client_ip
from doorstep.core.links import portal_page_url
from doorstep.core.verbs import Verb
from doorstep.tenancy.models import Company

from .identity import HelpSite, help_page, help_session_start

log = logging.getLogger(__name__)

BROWSER_COOKIE = "doorstep_help_sso"


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "strict-origin"
    return response


def _signed_in(request: HttpRequest, company: Company, account: PortalAccount, to: str) -> Any:
    help_session_start(request, company=company, account=account, via="sso")
    access_event(
        company=company,
        account=account,
        ip_address=client_ip(request),
        verb=Verb.SSO_HELP_SIGNED_IN,
        message="Signed in on the help site (single sign-on)",
    )
    return _no_store(redirect(to))


def _refused_page(request: HttpRequest, site: HelpSite) -> HttpResponseBase:
    context = {
        "company": site.company,
        "help": site,
        "portal_help": portal_page_url("access:get_help", site.company),
    }
    return _no_store(render(request, "helpdesk/sso/refused.html", context, status=400))


@csrf_exempt
@require_POST
@help_page
def receive(request: HttpRequest, site: HelpSite) -> HttpResponseBase:
    company = site.company
    try:
        claims = handoff_verify(
            company=company, token=request.POST.get("token", ""), ip_address=client_ip(request)
        )
    except HandoffRefused as refused:
        if refused.clock:
            page = render(
                request, "helpdesk/sso/clock.html", {"company": company, "help": site}, status=400
            )
            return _no_store(page)
        return _refused_page(request, site)
    return _signed_in(request, company, claims.account, claims.return_to)


@require_POST
@help_page
def again(request: HttpRequest, site: HelpSite) -> HttpResponseBase:
    """ "Sign in again" without a clock: a nonce tied to a cookie of this browser; the portal's
    signed-in customer confirms it there, then `approved` finishes here."""
    company = site.company
    browser_key = secrets.token_urlsafe(32)
    raw = sso_nonce_issue(company=company, purpose=SsoNoncePurpose.TO_HELP, browser_key=browser_key)
    url = portal_page_url("access:help_approve", company, query="?" + urlencode({"n": raw}))
    response = redirect(url)
    response.set_cookie(
        BROWSER_COOKIE,
        browser_key,
        max_age=600,
        path=f"/h/{company.slug}/",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return _no_store(response)


@require_GET
@help_page
def approved(request: HttpRequest, site: HelpSite) -> HttpResponseBase:
    company = site.company
    try:
        account = help_sign_in_complete(
            company=company,
            raw=request.GET.get("n", ""),
            browser_key=request.COOKIES.get(BROWSER_COOKIE, ""),
        )
    except HandoffRefused as refused:
        log.warning("help site sign-in again refused for %s: %s", company.slug, refused.reason)
        access_denied(
            company=company,
            reason=refused.reason,
            account=refused.account,
            ip_address=client_ip(request),
            purpose="help_site_again",
        )
        return _refused_page(request, site)
    response = _signed_in(request, company, account, reverse("helpdesk:home", args=[company.slug]))
    response.delete_cookie(BROWSER_COOKIE, path=f"/h/{company.slug}/")
    return response


@require_POST
@help_page(signed_in=True)
def to_portal(request: HttpRequest, site: HelpSite) -> HttpResponseBase:
    """ "View my invoices": a nonce for this help session's account, then the portal."""
    company = site.company
    assert site.identity is not None  # help_page(signed_in=True)
    raw = sso_nonce_issue(
        company=company,
        purpose=SsoNoncePurpose.TO_PORTAL,
        browser_key=request.session.session_key or "",
        account=site.identity.account,
    )
    url = portal_page_url("access:from_help", company, query="?" + urlencode({"n": raw}))
    return _no_store(redirect(url))
