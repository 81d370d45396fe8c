"""What every signed-in portal page shares: the render helper (company, identity, customer and
the highlighted navigation entry in every page's context), the audit actor, pagination."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from doorstep.access.portal_sessions import PortalIdentity, client_ip
from doorstep.core.audit import Actor


def portal_render(
    request: HttpRequest,
    identity: PortalIdentity,
    template: str,
    *,
    nav: str,
    http_status: int = 200,
    **context: Any,
) -> HttpResponse:
    """A signed-in page. `portal` in the context is the identity: portal/base.html shows the
    navigation only to a full session."""
    base = {
        "company": identity.company,
        "portal": identity,
        "customer": identity.customer,
        "nav": nav,
    }
    return render(request, template, {**base, **context}, status=http_status)


def portal_actor(request: HttpRequest, identity: PortalIdentity) -> Actor:
    """Who the audit trail says did it: the signed-in address, from this browser's address."""
    return Actor.portal(identity.account.email, client_ip(request))


def page_of(request: HttpRequest, items: Any, per_page: int) -> Page:
    """The requested page; anything that is not a valid page number gives the first page."""
    paginator = Paginator(items, per_page)
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and len(raw) < 6 else 1
    if number < 1 or number > paginator.num_pages:
        number = 1
    return paginator.page(number)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
