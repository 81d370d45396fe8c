"""The single sign-on pages in Chromium: the office's (no serious or critical axe-core
violation at 1,280 and 768 px, no sideways scroll) and the portal's sign-in page with its
"Sign in with …" button (no violation at all, at 390 and 1,280 px)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from doorstep.access.oidc import identity_provider_save
from doorstep.core.audit import Actor
from tests.browser import chromium_available
from tests.factories import ContactFactory
from tests.office.helpers import (
    assert_no_serious_axe,
    axe_violations,
    horizontal_overflow,
    office_client,
    share_session,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]


def test_sso_pages_are_accessible(page: Any, live_server: Any, settings: Any, company: Any):
    settings.BASE_URL = live_server.url
    provider = identity_provider_save(
        company=company, actor=Actor.system(), name="Acme SSO",
        issuer="https://login.example.test", client_id="cid",
    )  # fmt: skip
    customer = ContactFactory(customer__company=company, email="pat@example.test").customer
    staff = office_client(Client(), company, "owner")
    share_session(page, staff, live_server.url)
    for path in (
        "/office/sso/",
        f"/office/sso/providers/{provider.pk}/",
        f"/office/sso/customers/{customer.pk}/",
    ):
        page.goto(live_server.url + path)
        for width in (1280, 768):
            page.set_viewport_size({"width": width, "height": 900})
            assert_no_serious_axe(page)
            assert horizontal_overflow(page) == 0, (path, width)
    # Keyboard: the customer finder works without a mouse.
    page.goto(live_server.url + "/office/sso/")
    page.get_by_label("Customer's email address").fill("pat@example.test")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Require single sign-on").wait_for()
    page.get_by_role("button", name="Require single sign-on").focus()
    page.keyboard.press("Enter")
    page.get_by_text("now signs in with single sign-on only").wait_for()

    portal = page.context.browser.new_context()
    customer_page = portal.new_page()
    customer_page.goto(f"{live_server.url}/p/{company.slug}/sign-in")
    assert customer_page.get_by_role("button", name="Sign in with Acme SSO").is_visible()
    for width in (390, 1280):
        customer_page.set_viewport_size({"width": width, "height": 900})
        found = axe_violations(customer_page, impacts=("minor", "moderate", "serious", "critical"))
        assert not found, found
        assert horizontal_overflow(customer_page) == 0
    portal.close()
