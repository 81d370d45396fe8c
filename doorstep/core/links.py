"""Every URL Doorstep builds for a person: portal pages, job pages and back-office pages.

Links in emails and texts are absolute and come from BASE_URL, never from the request's Host
header (a forged Host must not end up in a customer's inbox). Links on pages are paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    reverse,
)
from django.urls.resolvers import RoutePattern
from django.utils.http import RFC3986_SUBDELIMS


class HasSlug(Protocol):
    """A company (tenancy.Company); core sits below tenancy and names only what it uses."""

    slug: str


def portal_url(company: HasSlug, path: str = "") -> str:
    """The company's portal page at `path` (e.g. "sign-in", "estimates/7/"), for an email."""
    return f"{settings.BASE_URL}/p/{company.slug}/{path.lstrip('/')}"


def help_url(company: HasSlug, path: str = "") -> str:
    """The company's help site page at `path`: on HELP_BASE_URL when the help site has its own
    host, else under BASE_URL (docs/help-site.md)."""
    base = settings.HELP_BASE_URL or settings.BASE_URL
    return f"{base}/h/{company.slug}/{path.lstrip('/')}"


def job_url(company: HasSlug, job_id: int) -> str:
    """The portal page of a job, for an email or a text."""
    return portal_url(company, f"jobs/{job_id}/")


def job_path(company: HasSlug, job_id: int) -> str:
    """portal:job_detail's path (portal_path): {% url %} cost about a sixth of a job card."""
    return portal_path("portal:job_detail", company, job_id)


# --- Portal paths without reverse() on every link -----------------------------------------
# A portal page has 20-80 links; reverse() walks the URL patterns and matches a regex for each
# (0.6 ms of Home, 1.7 ms of Payments, issue 15). Every portal path is the portal's prefix for
# the company (/p/<slug>/ under the script prefix) followed by the page's own route, so the
# prefix is reversed once per company and script prefix, and the routes are read once from
# the URL configuration. Anything this cannot build exactly as reverse() would (an argument
# its converter does not accept, or one that would need quoting) goes to reverse().
PORTAL_NAMESPACE = "portal"  # the include that holds it is the portal's mount
PREFIX_PAGE = "portal:home"
_ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<parameter>[^>]+)>")  # as django.urls.path
_REVERSE_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted
# Text that quote(text, _REVERSE_SAFE) leaves as it is (ASCII letters, digits, "_.-~" + safe).
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~!$&'()*+,;=:@/-]*")


@dataclass(frozen=True)
class PortalRoute:
    """A portal page's route after the company's prefix: texts[0], an argument, texts[1] ...;
    each argument goes through its converter and must match its regex, as in reverse()."""

    texts: tuple[str, ...]
    converters: tuple[Any, ...]
    accepts: tuple[re.Pattern[str], ...]

    def path(self, args: tuple[object, ...]) -> str | None:
        """The route with `args`, or None when reverse() must decide."""
        if len(args) != len(self.converters):
            return None
        parts = [self.texts[0]]
        for i, arg in enumerate(args):
            try:
                value = str(self.converters[i].to_url(arg))
            except ValueError:  # reverse() takes it as "no match"
                return None
            if not (self.accepts[i].fullmatch(value) and _UNQUOTED.fullmatch(value)):
                return None
            parts += (value, self.texts[i + 1])
        return "".join(parts)


def _route(pattern: RoutePattern, prefix: str) -> PortalRoute | None:
    route = prefix + str(pattern)
    pieces = _ROUTE_PARAMETER.split(route)  # text, parameter, text, parameter, ... text
    names = pieces[1::2]
    if len(set(names)) != len(names) or set(names) != set(pattern.converters):
        return None
    texts = tuple(quote(text, _REVERSE_SAFE) for text in pieces[0::2])
    converters = tuple(pattern.converters[n] for n in names)
    accepts = tuple(re.compile(c.regex) for c in converters)
    return PortalRoute(texts=texts, converters=converters, accepts=accepts)


def _collect(
    entries: list[Any], namespace: str, prefix: str, routes: dict[str, PortalRoute | None]
) -> None:
    for entry in entries:
        if isinstance(entry, URLResolver):
            # Only plain includes (a literal route, no arguments of their own) are followed.
            # (Not .converters: Django adds the mount's company_slug to those of the includes.)
            route = str(entry.pattern)
            if isinstance(entry.pattern, RoutePattern) and not _ROUTE_PARAMETER.search(route):
                inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
                _collect(entry.url_patterns, inner.strip(":"), prefix + route, routes)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            built = (
                _route(entry.pattern, prefix) if isinstance(entry.pattern, RoutePattern) else None
            )
            # A name used twice is left to reverse(), which knows which one wins.
            routes[name] = None if name in routes else built


@lru_cache(maxsize=8)
def portal_routes(urlconf: str | None) -> dict[str, PortalRoute]:
    """Every portal page's route by its name ("portal:invoice_detail", "payments:receipt"),
    read once from the URL configuration (config/urls.py mounts doorstep/portal/urls.py)."""
    routes: dict[str, PortalRoute | None] = {}
    for entry in get_resolver(urlconf).url_patterns:
        if isinstance(entry, URLResolver) and PORTAL_NAMESPACE in entry.namespace_dict:
            _collect(entry.url_patterns, "", "", routes)
    return {name: route for name, route in routes.items() if route is not None}


@lru_cache(maxsize=1024)
def _portal_prefix(urlconf: str | None, script_prefix: str, slug: str) -> str:
    home = reverse(PREFIX_PAGE, args=[slug])
    return home.removesuffix(portal_routes(urlconf)[PREFIX_PAGE].texts[0])


def portal_path(name: str, company: HasSlug, *args: object) -> str:
    """The path of a portal page (e.g. "portal:invoice_detail", company, invoice.pk), the same
    text as reverse(name, args=[company.slug, *args]) but built from cached parts."""
    urlconf = get_urlconf()
    route = portal_routes(urlconf).get(name)
    path = route.path(args) if route is not None else None
    if path is None:
        return reverse(name, args=[company.slug, *args])
    return _portal_prefix(urlconf, get_script_prefix(), company.slug) + path


def office_url(path: str = "") -> str:
    """A back-office page at `path` (e.g. "" for the dashboard), for an email."""
    return f"{settings.BASE_URL}/office/{path.lstrip('/')}"


# Record type ("app_label.model_name") -> its page in the office workspace (doorstep/office/).
# Each office area adds its own; a type without an office page (or whose area is not built
# yet) gets its admin change page.
OFFICE_PAGES = {
    "customers.customer": "office:customers:detail",
    "jobs.job": "office:jobs:detail",
    "servicerequests.servicerequest": "office:requests:detail",
    "messaging.conversation": "office:messages:detail",
    "support.ticket": "office:help:detail",
    "billing.invoice": "office:invoices:detail",
    "billing.estimate": "office:estimates:detail",
}
# Record types whose office page is a list (the record is found there, not on its own page).
OFFICE_LISTS = {
    "access.registrationrequest": "office:registrations:list",
}


def office_change_url(record: models.Model) -> str:
    """The office page of one record, for an email (its admin change page when the office
    has none)."""
    meta = record._meta
    label = f"{meta.app_label}.{meta.model_name}"
    try:
        if label in OFFICE_PAGES:
            return settings.BASE_URL + reverse(OFFICE_PAGES[label], args=[record.pk])
        if label in OFFICE_LISTS:
            return settings.BASE_URL + reverse(OFFICE_LISTS[label])
    except NoReverseMatch:
        pass
    return settings.BASE_URL + reverse(
        f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]
    )


def portal_page_url(name: str, company: HasSlug, *args: object, query: str = "") -> str:
    """A named portal page (e.g. "payments:receipt") with its arguments, for an email."""
    return f"{settings.BASE_URL}{portal_path(name, company, *args)}{query}"
