"""Signing out of the portal: this browser, or every device at once."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from doorstep.access.portal_sessions import PortalIdentity, portal_session_end
from doorstep.access.services import portal_account_sign_out_everywhere
from doorstep.tenancy.models import Company

from .gate import company_page, portal_page
from .pages import portal_actor


@require_POST
@company_page
def sign_out(request: HttpRequest, company: Company) -> HttpResponse:
    response = redirect(reverse("access:sign_in", args=[company.slug]))
    portal_session_end(request=request, response=response, company=company)
    return response


@require_POST
@portal_page
def sign_out_everywhere(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    portal_account_sign_out_everywhere(
        company=identity.company,
        account=identity.account,
        actor=portal_actor(request, identity),
    )
    # Signed out by now: the page is rendered without the portal's navigation.
    response = render(request, "access/signed_out.html", {"company": identity.company})
    portal_session_end(request=request, response=response, company=identity.company)
    return response
