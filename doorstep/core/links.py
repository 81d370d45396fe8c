"""Every URL Doorstep builds for a person: portal pages, job pages and back-office pages.

Links in emails and texts are absolute and come from BASE_URL, never from the request's Host
header (a forged Host must not end up in a customer's inbox). Links on pages are paths.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, get_script_prefix, reverse


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


@lru_cache(maxsize=256)
def _job_path_parts(script_prefix: str, slug: str) -> tuple[str, str]:
    marker = 987654321
    head, _, tail = reverse("portal:job_detail", args=[slug, marker]).rpartition(str(marker))
    return head, tail


def job_path(company: HasSlug, job_id: int) -> str:
    """portal:job_detail's path, reversed once per company (and script prefix) rather than
    once per job card: {% url %} cost about a sixth of a card."""
    head, tail = _job_path_parts(get_script_prefix(), company.slug)
    return f"{head}{job_id}{tail}"


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
    path = reverse(name, args=[company.slug, *args])
    return f"{settings.BASE_URL}{path}{query}"
