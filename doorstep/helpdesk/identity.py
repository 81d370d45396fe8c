"""Who is signed in on a company's help site: the session contract of the help site.

The help site (`/h/<company-slug>/`, optionally on its own host `HELP_BASE_URL`) keeps its
sign-in in Django's session, one entry per company (`doorstep_help:<company id>`), so one
browser can be signed in on two companies' help sites without either seeing the other.

- `help_session_start(request, company=, account=, via=)` signs a portal account in on that
  company's help site. It always gives the browser a NEW session key first
  (`request.session.cycle_key()`: no session fixation), then remembers the account, how it came
  in (`via`: "sso" from the portal's single sign-on, "oidc", "portal", "test", ...) and when.
  The single sign-on (branch help-sso) calls exactly this after it has checked its token.
- `help_identity(request, company) -> HelpIdentity | None`: the signed-in customer of THIS
  company's help site, or None. One query (account with customer and contact). A session
  entry of another company never opens this one (the entry is keyed by company id AND the
  account row is filtered by company). A deactivated account, or a contact whose email
  changed since (the same rule as the portal session's), ends the help session.
- `help_session_end(request)`: sign out of every company's help site in this browser (new
  session key, entries dropped). `help_session_end(request, company=...)` only that one.
- `help_page` (decorator): the help site's views are `view(request, site: HelpSite, **kw)`;
  the slug becomes the company (404 unknown, 503 help site / portal off), `site.identity` is
  the `HelpIdentity` or None. `help_page(signed_in=True)` sends a signed-out visitor to the
  help site's sign-in page (URL name `helpdesk:sign_in`, with `?next=`).

Own session cookie on its own host
----------------------------------
On the portal host the staff session cookie is `doorstep_staff` (SESSION_COOKIE_NAME). The
help site must not share it: when the request is for the help host (`HELP_BASE_URL`'s host
name and port) or for a `/h/` path, `HelpSessionCookieMiddleware` (placed right BEFORE
Django's SessionMiddleware in settings.MIDDLEWARE) makes Django's session use the cookie
`doorstep_help_session` (settings.HELP_SESSION_COOKIE_NAME) instead: it hands that cookie to
SessionMiddleware under the standard name on the way in and renames the Set-Cookie on the
way out. So a staff session never reaches the help site and a help session never becomes a
staff one, even when portal and help site differ only by port (browsers do not separate
cookies by port). Settings are never changed per request (thread-safe).

On the help host only the help site (and /static/, /healthz, /readyz) is served; any other path is
a 404 there, so the portal and office are reachable only on BASE_URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from http.cookies import Morsel
from typing import Any, Concatenate, overload
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.core.request_context import request_note
from doorstep.customers.models import Contact, Customer
from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import tenant_by_slug
from doorstep.tenancy.selectors import company_by_slug

log = logging.getLogger(__name__)

SESSION_PREFIX = "doorstep_help:"


def _entry_key(company: Company) -> str:
    return f"{SESSION_PREFIX}{company.pk}"


@dataclass(frozen=True)
class HelpIdentity:
    """The customer signed in on one company's help site."""

    company: Company
    account: PortalAccount
    customer: Customer
    contact: Contact
    via: str


def help_session_start(
    request: HttpRequest, *, company: Company, account: PortalAccount, via: str
) -> None:
    """Sign `account` in on `company`'s help site in this browser, under a new session key."""
    if account.company_id != company.pk:
        raise ValueError("The account belongs to another company.")
    request.session.cycle_key()
    request.session[_entry_key(company)] = {
        "account": account.pk,
        "via": via[:20],
        "at": timezone.now().isoformat(),
    }
    log.info("help session started company=%s account=%s via=%s", company.pk, account.pk, via)


def help_identity(request: HttpRequest, company: Company) -> HelpIdentity | None:
    """The signed-in customer of this company's help site, or None (one query when signed in,
    none when not)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    entry = session.get(_entry_key(company))
    if not isinstance(entry, dict) or not isinstance(entry.get("account"), int):
        return None
    found = list(
        PortalAccount.objects.for_company(company)
        .select_related("customer", "contact")
        .filter(pk=entry["account"])[:1]
    )
    account = found[0] if found else None
    if (
        account is None
        or account.state == PortalAccountState.DEACTIVATED
        or account.contact.email_address != account.email
    ):
        session.pop(_entry_key(company), None)
        return None
    return HelpIdentity(
        company=company,
        account=account,
        customer=account.customer,
        contact=account.contact,
        via=str(entry.get("via", "")),
    )


def help_session_end(request: HttpRequest, *, company: Company | None = None) -> None:
    """Sign out of the help site (one company's, or all) and change the session key."""
    session = request.session
    for key in list(session.keys()):
        if key.startswith(SESSION_PREFIX) and (company is None or key == _entry_key(company)):
            del session[key]
    session.cycle_key()


@dataclass(frozen=True)
class HelpSite:
    """What every help-site view gets: the company whose help site this is, and who is
    signed in on it (None for a visitor)."""

    company: Company
    identity: HelpIdentity | None

    @property
    def customer(self) -> Customer | None:
        return self.identity.customer if self.identity else None


UrlView = Callable[..., HttpResponseBase]
SiteView = Callable[Concatenate[HttpRequest, HelpSite, ...], HttpResponseBase]


def help_unavailable(request: HttpRequest, company: Company) -> HttpResponse:
    return render(request, "helpdesk/unavailable.html", {"company": company}, status=503)


def help_sign_in_url(company: Company, next_path: str) -> str:
    return reverse("helpdesk:sign_in", args=[company.slug]) + "?" + urlencode({"next": next_path})


@overload
def help_page(view: SiteView, /) -> UrlView: ...
@overload
def help_page(*, signed_in: bool = False) -> Callable[[SiteView], UrlView]: ...
def help_page(
    view: SiteView | None = None, /, *, signed_in: bool = False
) -> UrlView | Callable[[SiteView], UrlView]:
    """The gate of every help-site page: slug -> company, session -> identity."""

    def decorate(view: SiteView) -> UrlView:
        @tenant_by_slug  # outermost: its __wrapped__ is the gate's wrapper
        @wraps(view)
        def wrapper(request: HttpRequest, company_slug: str, **kwargs: Any) -> HttpResponseBase:
            company = company_by_slug(slug=company_slug)
            if company is None:
                raise Http404("No such help site.")
            if not company.settings.portal_enabled:
                return help_unavailable(request, company)
            identity = help_identity(request, company)
            # A signed-in help-site visitor is one of the company's customers.
            request_note(
                request, company_id=company.pk, actor="customer" if identity else "anonymous"
            )
            if signed_in and identity is None:
                return redirect(help_sign_in_url(company, request.get_full_path()))
            return view(request, HelpSite(company=company, identity=identity), **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


# --- the help host's own session cookie -------------------------------------------------


def help_host() -> str | None:
    """`host[:port]` of HELP_BASE_URL, lower-case; None when the help site has no own host."""
    base = getattr(settings, "HELP_BASE_URL", "")
    if not base:
        return None
    return urlsplit(base).netloc.lower() or None


def is_help_request(request: HttpRequest) -> bool:
    host = help_host()
    if host is not None and request.get_host().lower() == host:
        return True
    return request.path_info.startswith("/h/")


# Paths the help host serves besides the help site itself.
_HELP_HOST_PATHS = ("/h/", "/static/", "/healthz", "/readyz")


class HelpSessionCookieMiddleware:
    """Put it right before django.contrib.sessions' SessionMiddleware (see the docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_help_request(request):
            return self.get_response(request)
        host = help_host()
        if (
            host is not None
            and request.get_host().lower() == host
            and not request.path_info.startswith(_HELP_HOST_PATHS)
        ):
            raise Http404("Only the help site is served on this host.")
        staff_name = settings.SESSION_COOKIE_NAME
        help_name = settings.HELP_SESSION_COOKIE_NAME
        cookies = dict(request.COOKIES)
        cookies.pop(staff_name, None)
        if help_name in cookies:
            cookies[staff_name] = cookies.pop(help_name)
        request.COOKIES = cookies
        response = self.get_response(request)
        if staff_name in response.cookies:
            # The same cookie (value, expiry, flags; also a deletion) under the help name.
            morsel = response.cookies.pop(staff_name)
            renamed: Morsel[str] = Morsel()
            renamed.update(morsel)
            renamed.set(help_name, morsel.value, morsel.coded_value)
            response.cookies[help_name] = renamed
        return response
