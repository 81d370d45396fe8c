"""`portal_view`: the one gate every portal page goes through.

It resolves the company from the URL slug, refuses politely when the portal is off, and
requires a live portal session of *that* company. Views then read `request.portal`
(PortalIdentity) and pass `company=` and `customer=` to selectors explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from doorstep.tenancy.selectors import company_by_slug

from .next_page import sign_in_url
from .portal_sessions import portal_session_resolve_by_slug

View = Callable[..., HttpResponseBase]


def portal_unavailable(request: HttpRequest, company: Any) -> HttpResponse:
    return render(request, "portal/unavailable.html", {"company": company}, status=503)


def company_portal(view: View) -> View:
    """Company from the slug, portal switched on; no session required (sign-in pages)."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, company_slug: str, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        company = company_by_slug(slug=company_slug)
        if company is None:
            raise Http404("No such portal.")
        request.company = company  # type: ignore[attr-defined]
        if not company.settings.portal_enabled:
            return portal_unavailable(request, company)
        return view(request, company_slug, *args, **kwargs)

    return wrapper


def portal_view(*, invoice_scope_ok: bool = False) -> Callable[[View], View]:
    """Require a signed-in customer. `invoice_scope_ok` lets an invoice-link session in
    (the view must then check `request.portal.may_see_invoice(id)`).

    With a portal cookie, the session and its company come in one query (filtered by the
    key AND the URL's slug); the company alone is looked up only when there is no live
    session, to show the sign-in redirect, the "portal unavailable" page or a 404."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, company_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            identity = portal_session_resolve_by_slug(request=request, company_slug=company_slug)
            company = identity.company if identity else company_by_slug(slug=company_slug)
            if company is None:
                raise Http404("No such portal.")
            request.company = company  # type: ignore[attr-defined]
            if not company.settings.portal_enabled:
                return portal_unavailable(request, company)
            if identity is None or not (identity.is_full or invoice_scope_ok):
                return redirect(sign_in_url(company, request.get_full_path()))
            request.portal = identity  # type: ignore[attr-defined]
            return view(request, company_slug, *args, **kwargs)

        return wrapper

    return decorate
