"""Thumbnails in a real browser at 390 px: the images load, nothing overflows sideways and
axe-core finds no violation of any impact on the request and conversation pages."""

from __future__ import annotations

import pytest
from django.conf import settings

from doorstep.access.portal_sessions import portal_session_create
from doorstep.messaging.services import conversation_start

from ..factories import SYSTEM, ContactFactory, make_portal_account, make_service_request
from ..servicerequests.helpers import png
from .test_thumbnails import camera_jpeg, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_with_thumbnails_pass_axe_at_phone_width(chromium, live_server):
    from ..office.helpers import axe_violations

    account = make_portal_account(ContactFactory())
    company = account.company
    sr = make_service_request(
        account.customer, photos=[upload(camera_jpeg()), png(), upload(camera_jpeg())]
    )
    conversation = conversation_start(
        company=company,
        customer=account.customer,
        subject="Leak under the sink",
        body="Here it is",
        photos=[upload(camera_jpeg(orientation=1))],
        actor=SYSTEM,
    )
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    _, raw = portal_session_create(account=account)
    base = f"{live_server.url}/p/{company.slug}/"
    context.add_cookies([{"name": settings.PORTAL_SESSION_COOKIE, "value": raw, "url": base}])
    page = context.new_page()
    found = {}
    for path, count in ((f"requests/{sr.pk}", 3), (f"messages/{conversation.pk}", 1)):
        page.goto(base + path)
        images = page.locator(".photo-grid img")
        assert images.count() == count, path
        for i in range(count):
            images.nth(i).scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=images.nth(i).element_handle()
            )
        assert page.evaluate("document.documentElement.scrollWidth <= 390"), path
        violations = axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
        if violations:
            found[path] = violations
    context.close()
    assert not found, found
