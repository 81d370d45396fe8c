"""The gate every portal page goes through: the one place a URL's company slug becomes a
company, and a portal cookie becomes a typed `PortalIdentity` handed to the view.

- `portal_page`: a signed-in customer's page. Called as `view(request, identity, **url_kwargs)`;
  `portal_page(allow_invoice_link=True)` also lets an invoice-link session in (the view must
  then check `identity.may_see_invoice(id)`).
- `company_page`: a page a signed-out visitor may open (sign-in, passwords, logo,
  unsubscribe). Called as `view(request, company, **url_kwargs)`.
- `link_page`: a page behind a secret emailed link, called like `company_page`; refusals are
  audited and the answer carries headers that keep the secret out of Referers and caches.

Both answer 404 for an unknown slug and "portal unavailable" (503) when the company has the
portal switched off; `portal_page` answers a page of a section the company switched off (or
its plan lacks) with the branded "not available" page (sections.py).
Views pass `company=` and `customer=` to selectors explicitly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, overload

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from doorstep.access.events import access_denied
from doorstep.access.portal_sessions import (
    PortalIdentity,
    client_ip,
    portal_session_resolve_by_slug,
)
from doorstep.core.request_context import request_note
from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import tenant_by_slug
from doorstep.tenancy.selectors import company_by_slug

from .next_page import sign_in_url
from .sections import section_closed, section_unavailable

log = logging.getLogger(__name__)

# What Django calls: the request and the URL's keyword arguments (company_slug first).
UrlView = Callable[..., HttpResponseBase]
IdentityView = Callable[Concatenate[HttpRequest, PortalIdentity, ...], HttpResponseBase]
CompanyView = Callable[Concatenate[HttpRequest, Company, ...], HttpResponseBase]


def portal_unavailable(request: HttpRequest, company: Company) -> HttpResponse:
    return render(request, "portal/unavailable.html", {"company": company}, status=503)


def company_page(view: CompanyView) -> UrlView:
    """Company from the slug, portal switched on; no session required."""

    @tenant_by_slug  # outermost: its __wrapped__ is the gate's wrapper
    @wraps(view)
    def wrapper(request: HttpRequest, company_slug: str, **kwargs: Any) -> HttpResponseBase:
        company = company_by_slug(slug=company_slug)
        if company is None:
            raise Http404("No such portal.")
        request_note(request, company_id=company.pk, actor="anonymous")
        if not company.settings.portal_enabled:
            return portal_unavailable(request, company)
        return view(request, company, **kwargs)

    return wrapper


def link_page(view: CompanyView) -> UrlView:
    """Company from the slug; portal-off refusals are audited; landing-page headers."""

    @tenant_by_slug  # outermost: its __wrapped__ is the gate's wrapper
    @wraps(view)
    def wrapper(request: HttpRequest, company_slug: str, **kwargs: Any) -> HttpResponseBase:
        company = company_by_slug(slug=company_slug)
        if company is None:
            response: HttpResponseBase = render(
                request, "access/not_found.html", {"company": None}, status=404
            )
        elif not company.settings.portal_enabled:
            access_denied(company=company, reason="portal_off", ip_address=client_ip(request))
            response = portal_unavailable(request, company)
        else:
            request_note(request, company_id=company.pk, actor="anonymous")
            response = view(request, company, **kwargs)
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


@overload
def portal_page(view: IdentityView, /) -> UrlView: ...
@overload
def portal_page(*, allow_invoice_link: bool = False) -> Callable[[IdentityView], UrlView]: ...
def portal_page(
    view: IdentityView | None = None, /, *, allow_invoice_link: bool = False
) -> UrlView | Callable[[IdentityView], UrlView]:
    """Require a signed-in customer of this URL's company.

    With a portal cookie, the session and its company come in one query (filtered by the
    key AND the URL's slug); the company alone is looked up only when there is no live
    session, to show the sign-in redirect, the "portal unavailable" page or a 404."""

    def decorate(view: IdentityView) -> UrlView:
        @tenant_by_slug  # outermost: its __wrapped__ is the gate's wrapper
        @wraps(view)
        def wrapper(request: HttpRequest, company_slug: str, **kwargs: Any) -> HttpResponseBase:
            identity = portal_session_resolve_by_slug(request=request, company_slug=company_slug)
            company = identity.company if identity else company_by_slug(slug=company_slug)
            if company is None:
                raise Http404("No such portal.")
            request_note(
                request, company_id=company.pk, actor="customer" if identity else "anonymous"
            )
            if not company.settings.portal_enabled:
                return portal_unavailable(request, company)
            if identity is None or not (identity.is_full or allow_invoice_link):
                return redirect(sign_in_url(company, request.get_full_path()))
            closed = section_closed(request, company)
            if closed is not None:
                return section_unavailable(request, company, closed, identity)
            return view(request, identity, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def staff_page(action: Any) -> Callable[[CompanyView], UrlView]:
    """A portal page for the company's staff (the office's "Preview as the customer"):
    company from the slug, a signed-in staff user whose role at THAT company allows `action`
    (tenancy.roles.staff_may), else 404 so another company's staff learn nothing; anonymous
    visitors go to the staff sign-in. Called as `view(request, company, **url_kwargs)`; no
    portal session is read or made."""
    from django.contrib.auth.views import redirect_to_login

    from doorstep.tenancy.roles import staff_may

    def decorate(view: CompanyView) -> UrlView:
        @tenant_by_slug  # outermost: its __wrapped__ is the gate's wrapper
        @wraps(view)
        def wrapper(request: HttpRequest, company_slug: str, **kwargs: Any) -> HttpResponseBase:
            company = company_by_slug(slug=company_slug)
            if company is None:
                raise Http404("No such portal.")
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not staff_may(user=request.user, company=company, action=action):
                raise Http404("Not found.")
            request_note(request, company_id=company.pk, actor="staff")
            return view(request, company, **kwargs)

        return wrapper

    return decorate
