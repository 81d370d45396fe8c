"""An owner's journey in Chromium: create a key (shown once), see it listed, revoke it after
the confirmation step; axe-core finds nothing serious and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.integrations.models import ApiKey

from ...browser import chromium_available
from ..helpers import assert_no_serious_axe, horizontal_overflow, office_client, share_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]


def _check(page, widths=(1280, 768, 390)):
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_axe(page)
        assert horizontal_overflow(page) == 0, (page.url, width)


def test_create_and_revoke_a_key(page, live_server, company):
    staff = office_client(Client(), company, "owner")
    share_session(page, staff, live_server.url)
    page.goto(f"{live_server.url}/office/")
    page.locator(".office-nav summary").click()  # "Set-up" (wide) or "More" (narrow)
    page.get_by_role("link", name="Integrations").click()
    page.get_by_role("link", name="New API key").click()
    _check(page)
    page.get_by_role("button", name="Create the key").click()  # nothing chosen
    assert page.get_by_text("Choose at least one thing this key may do.").is_visible()
    _check(page, (390,))
    page.get_by_label("Name").fill("FieldPro sync")
    page.get_by_label("Create jobs and move their status").check()
    page.get_by_role("button", name="Create the key").click()
    raw = page.get_by_label("API key").input_value()
    assert raw.startswith("dsk_")
    page.screenshot(path="var/api-key-created.png", full_page=True)
    _check(page)
    page.get_by_role("link", name="Done").click()
    assert page.get_by_role("cell", name="FieldPro sync version").is_visible()
    _check(page)
    page.get_by_role("link", name="Revoke FieldPro sync").click()
    _check(page, (390,))
    page.get_by_role("button", name="Revoke the key").click()
    assert page.get_by_text("Revoked", exact=True).is_visible()
    page.screenshot(path="var/api-keys-list.png", full_page=True)
    assert ApiKey.objects.get().revoked_at is not None


def test_background_work_page_by_keyboard_and_axe(page, live_server, company):
    staff = office_client(Client(), company, "owner")
    share_session(page, staff, live_server.url)
    page.goto(f"{live_server.url}/office/integrations/")
    link = page.get_by_role("link", name="Background work")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/background-work/")
    assert page.get_by_role("status").inner_text() == "Background work is on time."
    _check(page)
