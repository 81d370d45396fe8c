"""The portal's home page: what is due, what is next, what is waiting for the customer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from doorstep.access.portal_sessions import PortalIdentity
from doorstep.tenancy.time import company_today

from . import selectors
from .gate import portal_page
from .pages import portal_render


@require_safe
@portal_page
def home(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    scope: dict[str, Any] = {"company": identity.company, "customer": identity.customer}
    today = company_today(identity.company)
    return portal_render(
        request,
        identity,
        "portal/home.html",
        nav="home",
        greeting_name=identity.customer.greeting_name(identity.contact),
        balance=selectors.balance_for_customer(**scope, today=today),
        next_visit=selectors.next_visit_for_customer(**scope),
        active_jobs=selectors.jobs_active_for_customer(**scope, limit=3),
        recent_invoices=selectors.invoices_first_for_customer(**scope, today=today, limit=5),
        estimates_awaiting=selectors.estimates_awaiting_count(**scope, today=today),
        today=today,
    )
