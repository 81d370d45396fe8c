"""Sign in with an identity provider (OpenID Connect): the button's POST sends the browser to
the provider, the provider sends it back to `callback`. The rules are in access/oidc.py."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from doorstep.access.oidc import (
    OidcRefused,
    oidc_sign_in_begin,
    oidc_sign_in_complete,
    provider_for_sign_in,
)
from doorstep.access.portal_sessions import client_ip, portal_cookie_path, portal_session_start
from doorstep.access.services import account_signed_in
from doorstep.tenancy.models import Company

from .gate import company_page
from .next_page import after_sign_in_url, forget_next
from .sign_in import sign_in_page

log = logging.getLogger(__name__)

BROWSER_COOKIE = "doorstep_oidc"
UNREACHABLE = "{name} cannot be reached just now. Try again in a minute, or use another way."


def callback_url(company: Company) -> str:
    """Registered with the provider; built from BASE_URL, never from the Host header."""
    return settings.BASE_URL + reverse("access:oidc_callback", args=[company.slug])


@require_POST
@company_page
def oidc_start(request: HttpRequest, company: Company, provider_id: int) -> HttpResponse:
    provider = provider_for_sign_in(company=company, provider_id=provider_id)
    if provider is None:
        raise Http404("No such sign-in method.")
    try:
        start = oidc_sign_in_begin(provider=provider, redirect_uri=callback_url(company))
    except (requests.RequestException, ValueError, KeyError) as exc:
        log.warning("identity provider %s unreachable: %s", provider.pk, exc)
        return sign_in_page(
            request, company, status=503, oidc_error=UNREACHABLE.format(name=provider.name)
        )
    response = redirect(start.authorize_url)
    response.set_cookie(
        BROWSER_COOKIE,
        start.browser_key,
        max_age=600,
        path=portal_cookie_path(company),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",  # sent on the provider's top-level redirect back to us
    )
    return response


@require_GET
@company_page
def callback(request: HttpRequest, company: Company) -> HttpResponse:
    ip = client_ip(request)
    try:
        signed_in = oidc_sign_in_complete(
            company=company,
            params={key: request.GET.get(key, "") for key in ("state", "code", "error")},
            browser_key=request.COOKIES.get(BROWSER_COOKIE, ""),
            redirect_uri=callback_url(company),
            ip_address=ip,
        )
    except OidcRefused as refused:
        page = sign_in_page(request, company, status=400, oidc_error=refused.message)
        page.delete_cookie(BROWSER_COOKIE, path=portal_cookie_path(company))
        return page
    response = redirect(after_sign_in_url(request, company))
    with transaction.atomic():
        portal_session_start(request=request, response=response, account=signed_in.account)
        account_signed_in(account=signed_in.account, method="oidc", ip_address=ip)
    forget_next(response, company)
    response.delete_cookie(BROWSER_COOKIE, path=portal_cookie_path(company))
    response["Referrer-Policy"] = "strict-origin"  # the code and state are in this URL
    return response
