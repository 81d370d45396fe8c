"""Signing in and out of the help site.

Customers sign in on the help site through their portal (single sign-on, branch help-sso,
which calls `identity.help_session_start`); this page tells a signed-out visitor how."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from doorstep.core.links import portal_url

from .identity import HelpSite, help_page, help_session_end


@help_page
def sign_in(request: HttpRequest, site: HelpSite) -> HttpResponse:
    if site.identity is not None:
        return redirect("helpdesk:home", site.company.slug)
    context = {
        "company": site.company,
        "help": site,
        "portal_sign_in": portal_url(site.company, "sign-in"),
    }
    return render(request, "helpdesk/sign_in.html", context)


@require_POST
@help_page
def sign_out(request: HttpRequest, site: HelpSite) -> HttpResponse:
    help_session_end(request, company=site.company)
    return redirect(reverse("helpdesk:home", args=[site.company.slug]))
