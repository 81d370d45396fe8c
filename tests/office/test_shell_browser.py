"""The office frame in real Chromium: axe-core finds no serious or critical violation and
nothing scrolls sideways, at 1,280, 768 and 390 px."""

from __future__ import annotations

import pytest
from django.test import Client

from ..browser import chromium_available
from .helpers import assert_no_serious_axe, horizontal_overflow, office_client, share_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]


def test_sign_in_and_home_pass_axe_at_every_width(page, live_server, company):
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/office/sign-in/")
        assert_no_serious_axe(page)
        assert horizontal_overflow(page) == 0, width
    staff = office_client(Client(), company)
    share_session(page, staff, live_server.url)
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/office/")
        assert page.get_by_role("heading", level=1).is_visible()
        assert_no_serious_axe(page)
        assert horizontal_overflow(page) == 0, width
    # By keyboard: the first Tab reaches the skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
