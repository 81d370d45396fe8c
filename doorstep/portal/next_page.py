"""Where a customer lands after signing in: the portal page they were trying to open.

A signed-out visit to /p/<slug>/jobs/42/ goes to the sign-in page with ?next=...; the sign-in
page keeps that path in a short-lived cookie (the sign-in itself may happen minutes later,
through the emailed link), and the sign-in redirects there. Only a path inside this company's
portal is accepted, so the parameter can never send anyone to another site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from doorstep.access.portal_sessions import portal_cookie_path
from doorstep.tenancy.models import Company

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

COOKIE = "doorstep_portal_next"
LIFETIME_SECONDS = 3600


def next_path_allowed(company: Company, path: str | None) -> bool:
    prefix = portal_cookie_path(company)
    return bool(
        path
        and path.startswith(prefix)
        and "//" not in path
        and "\\" not in path
        and not path.startswith(prefix + "sign-")
        and len(path) < 500
    )


def sign_in_url(company: Company, next_path: str | None = None) -> str:
    url = reverse("access:sign_in", args=[company.slug])
    if next_path_allowed(company, next_path):
        url += "?" + urlencode({"next": next_path})
    return url


def remember_next(request: HttpRequest, response: HttpResponse, company: Company) -> None:
    path = request.GET.get("next") or ""
    if next_path_allowed(company, path):
        response.set_cookie(
            COOKIE,
            path,
            max_age=LIFETIME_SECONDS,
            path=portal_cookie_path(company),
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
        )


def after_sign_in_url(request: HttpRequest, company: Company) -> str:
    path = request.COOKIES.get(COOKIE)
    if next_path_allowed(company, path):
        return str(path)
    return reverse("portal:home", args=[company.slug])


def forget_next(response: HttpResponse, company: Company) -> None:
    response.delete_cookie(COOKIE, path=portal_cookie_path(company))
