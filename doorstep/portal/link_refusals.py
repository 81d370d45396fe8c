"""The friendly page for an emailed link that does not open, and the scanning limit.

Every refusal is audited; an unknown token from an address that presented too many lately
gets 429 instead (someone guessing tokens), a live link never does.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from doorstep.access.events import access_denied
from doorstep.access.link_requests import TooManyRequests
from doorstep.access.models import PortalAccountState
from doorstep.access.portal_sessions import client_ip
from doorstep.access.services import LinkRefused, links_offered
from doorstep.access.sso_requirement import SSO_ONLY_WORDS
from doorstep.access.throttle import throttle_exceeded, throttle_hit
from doorstep.tenancy.models import Company

from .sign_in_forms import EmailForm

REFUSAL_WORDS = {
    "used": "This link has already been used. Each link works once.",
    "expired": "This link has expired. Links work for a short time, for your security.",
    "superseded": "A newer link was sent to you, so this one no longer works.",
    "email_changed": "This link was sent to an email address that is no longer on file.",
    "deactivated": "Online access to your account is paused. Please contact us.",
    "revoked": "This invoice link was withdrawn. Sign in to see your invoices.",
    "invoice_closed": "This invoice link has closed. Sign in to see your invoices.",
    "sso_required": SSO_ONLY_WORDS,
}
UNKNOWN_WORDS = "We don't recognise this link. It may be incomplete: copy the whole link again."
GUESS_REASONS = {"unknown", "malformed", "wrong_company"}


def scanning(request: HttpRequest) -> bool:
    """This address has presented too many unknown tokens lately. Checked before the lookup
    (one query, as before) but applied only to tokens that turn out unknown (`refused`): a
    live link opens for its owner even when someone else on the same address flooded us."""
    return throttle_exceeded("bad_link_ip", client_ip(request))


def refused(
    request: HttpRequest,
    company: Company,
    exc: LinkRefused,
    *,
    purpose: str = "",
    fresh_token: str = "",
    over_limit: bool = False,
) -> HttpResponse:
    """The friendly page for a link that does not open, with a way forward; audited.
    An unknown token from an address over the scanning limit gets 429 instead."""
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
        and exc.reason not in {"email_changed", "sso_required"}
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
