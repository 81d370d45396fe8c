"""Every URL Doorstep builds for a person: portal pages, job pages and back-office pages.

Links in emails and texts are absolute and come from BASE_URL, never from the request's Host
header (a forged Host must not end up in a customer's inbox). Links on pages are paths.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse


class HasSlug(Protocol):
    """A company (tenancy.Company); core sits below tenancy and names only what it uses."""

    slug: str


def portal_url(company: HasSlug, path: str = "") -> str:
    """The company's portal page at `path` (e.g. "sign-in", "estimates/7/"), for an email."""
    return f"{settings.BASE_URL}/p/{company.slug}/{path.lstrip('/')}"


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


# Record types that have a page in the office workspace (doorstep/office/), by
# "app_label.model_name"; every other record still opens its Django admin page.
OFFICE_PAGES: dict[str, str] = {
    "billing.invoice": "office:invoices:detail",
    "billing.estimate": "office:estimates:detail",
}


def office_change_url(record: models.Model) -> str:
    """The office page of one record, for an email: its workspace page when the office has
    one (OFFICE_PAGES), else its admin change page."""
    meta = record._meta
    name = OFFICE_PAGES.get(f"{meta.app_label}.{meta.model_name}")
    if name is not None:
        return settings.BASE_URL + reverse(name, args=[record.pk])
    return settings.BASE_URL + reverse(
        f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]
    )


def portal_page_url(name: str, company: HasSlug, *args: object, query: str = "") -> str:
    """A named portal page (e.g. "payments:receipt") with its arguments, for an email."""
    path = reverse(name, args=[company.slug, *args])
    return f"{settings.BASE_URL}{path}{query}"
