"""Helpers for access tests: read links and codes from real emails, post like a browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ..factories import ContactFactory, CustomerFactory, make_portal_account

BASE = "https://portal.example.test"
LINK_RE = re.compile(
    r"https://portal\.example\.test(/p/[\w-]+/(?:l|i|password/set|register/verify)/[A-Za-z0-9_-]+)"
)
CODE_RE = re.compile(r"enter: (\d{6})")


def link_in(mailbox: Any, message: Any) -> str:
    """The path of the (first) link in an email, read from its plain-text part."""
    match = LINK_RE.search(mailbox.text(message))
    assert match, mailbox.text(message)
    return match.group(1)


def code_in(mailbox: Any, message: Any) -> str:
    match = CODE_RE.search(mailbox.text(message))
    assert match, mailbox.text(message)
    return match.group(1)


def csrf_post(
    client: Client, url: str, data: dict[str, Any] | None = None, *, page: str = ""
) -> Any:
    """GET the page with the form (sets the CSRF cookie), then POST with that token."""
    if "csrftoken" not in client.cookies:
        client.get(page or url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})


def portal_cookie(client: Client) -> str | None:
    morsel = client.cookies.get(settings.PORTAL_SESSION_COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


def new_account(company: Any, email: str = "pat@example.test", **kwargs: Any) -> Any:
    customer = CustomerFactory(company=company, name="Pat Smith")
    contact = ContactFactory(customer=customer, email=email)
    return make_portal_account(contact, **kwargs)


def request_link(client: Client, company: Any, email: str) -> Any:
    return csrf_post(
        client,
        f"/p/{company.slug}/sign-in/link",
        {"email": email},
        page=f"/p/{company.slug}/sign-in",
    )


@pytest.fixture
def account(company: Any) -> Any:
    return new_account(company)
