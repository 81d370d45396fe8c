"""Portal page: the customer's service addresses, each with its latest jobs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from doorstep.access.portal_sessions import PortalIdentity

from . import selectors
from .gate import portal_page
from .pages import portal_render


@require_safe
@portal_page
def locations(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    return portal_render(
        request,
        identity,
        "portal/locations.html",
        nav="locations",
        locations=selectors.locations_for_customer(
            company=identity.company, customer=identity.customer
        ),
    )
