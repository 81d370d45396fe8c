"""Every error a customer can meet in the portal is a page of the company's portal, with its
name, colour and navigation and a way forward — never a bare "We couldn't do that" and, under
`make run` (DEBUG), never Django's yellow page listing the URL patterns.

Three ways in, one page (`portal/error.html`):
- `PortalErrorMiddleware.process_exception`: a view under /p/<slug>/ raised Http404,
  PermissionDenied or a DomainError (404/403/400/409/429... its own status and message);
- `not_found`: the last URL pattern of the portal, so a mistyped portal address is answered
  here even when DEBUG is on (Django's technical 404 page is shown only for unmatched URLs);
- `config/urls.py` handler400/403/404/500 for anything else under /p/.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve

from doorstep.access.portal_sessions import portal_session_resolve_by_slug
from doorstep.core.errors import DomainError
from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import tenant_scope_for_slug
from doorstep.tenancy.selectors import company_by_slug

from .gate import company_page

log = logging.getLogger(__name__)
PORTAL_PATH = re.compile(r"^/p/(?P<slug>[-a-zA-Z0-9_]+)/")

WORDS: dict[int, tuple[str, str]] = {
    400: ("We couldn't do that", "Something in the request was not right. Nothing was changed."),
    403: ("This page is not available to you", "If you think that's a mistake, contact us."),
    404: (
        "We couldn't find that page",
        "The page you asked for does not exist, or is not part of your account.",
    ),
    410: ("This link no longer works", "Ask us for a new one, or sign in to your account."),
    429: ("Please wait a moment", "Too many tries in a short time. Try again in a few minutes."),
    500: (
        "Something went wrong on our side",
        "Nothing you did caused this, and nothing was changed. Please try again in a minute.",
    ),
    503: ("The portal is taking a short break", "Please try again in a few minutes."),
}


def is_portal_path(request: HttpRequest) -> bool:
    return PORTAL_PATH.match(request.path) is not None


def portal_error(
    request: HttpRequest, *, status: int, message: str = "", title: str = ""
) -> HttpResponse:
    """The company's branded error page for this /p/<slug>/ request (a plain page when the
    slug names no company)."""
    default_title, default_message = WORDS.get(status, WORDS[400])
    context: dict[str, Any] = {
        "title": title or default_title,
        "message": message or default_message,
    }
    match = PORTAL_PATH.match(request.path)
    if match is None:
        return render(request, "errors/_plain.html", context, status=status)
    if status == 500:  # a 500 may come from the database itself: ask it nothing more
        return _company_error(request, match["slug"], context, status=status, with_session=False)
    # The view's exception has left its gate's tenant scope (and rolled its transaction
    # back): the page is drawn in the company's scope again, or the session, customer and
    # navigation could not be read as the app role (docs/adr/0003). The same page for an id
    # that does not exist and one of another customer's: no existence oracle.
    with tenant_scope_for_slug(match["slug"]):
        return _company_error(request, match["slug"], context, status=status, with_session=True)


def _company_error(
    request: HttpRequest, slug: str, context: dict[str, Any], *, status: int, with_session: bool
) -> HttpResponse:
    company = company_by_slug(slug=slug)
    if company is None:
        return render(request, "errors/_plain.html", context, status=status)
    identity = None
    if with_session:
        identity = portal_session_resolve_by_slug(request=request, company_slug=company.slug)
    context.update(company=company, portal=identity, customer=getattr(identity, "customer", None))
    return render(request, "portal/error.html", context, status=status)


class PortalErrorMiddleware:
    """Last in MIDDLEWARE, so it sees a portal view's exception first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_portal_path(request):
            return None
        if isinstance(exception, Http404):
            return portal_error(request, status=404)
        if isinstance(exception, PermissionDenied):
            return portal_error(request, status=403)
        if isinstance(exception, DomainError):
            return portal_error(request, status=exception.status_code, message=exception.message)
        return None


@company_page
def not_found(request: HttpRequest, company: Company, rest: str = "") -> HttpResponse:
    """Any /p/<slug>/... that no portal page matches. A missing trailing slash is added as
    CommonMiddleware would (this pattern matches everything, so it no longer does)."""
    if not request.path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not_found":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    return portal_error(request, status=404)


def handler(status: int) -> Callable[..., HttpResponse]:
    """config/urls.py's handlerNNN: the portal's page under /p/, else the plain one."""
    template = f"{status}.html"

    def handle(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if is_portal_path(request):
            try:
                return portal_error(request, status=status)
            except Exception:  # the error page must never fail itself
                log.exception("portal error page failed; plain page instead")
        return render(request, template, status=status)

    return handle
