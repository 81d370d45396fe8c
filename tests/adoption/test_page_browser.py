"""The adoption page on the demo data in real Chromium: axe-core, 768 and 1,280 px, by
keyboard, and the screenshot in docs/screenshots/ (look at it: the charts show a year)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from doorstep.demo.seed import seed_demo
from doorstep.tenancy.models import Company

from ..browser import chromium_available
from ..office.helpers import assert_no_serious_axe, horizontal_overflow, share_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "office-adoption.png"


def test_the_adoption_page_on_demo_data(page, live_server):
    seed_demo()
    company = Company.objects.get(slug="bluewater")
    owner = company.memberships.get(role="owner").user
    staff = Client()
    staff.force_login(owner)
    share_session(page, staff, live_server.url)
    for width in (768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/office/adoption/?period=12m")
        assert page.get_by_role("heading", level=1, name="Portal adoption").is_visible()
        assert page.get_by_role("img", name="Sign-ins, invoices opened").is_visible()
        assert_no_serious_axe(page)
        assert horizontal_overflow(page) == 0, width
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # By keyboard: the period selector, custom dates, Show.
    page.get_by_role("combobox", name="Period").focus()
    page.keyboard.press("End")  # "Custom dates"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_start"
    page.get_by_label("First day").fill("2026-01-01")  # the date picker's own keys vary
    page.get_by_label("Last day").fill("2026-03-31")
    page.get_by_label("Last day").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Jan 1, 2026 – Mar 31, 2026" in page.content()
    assert_no_serious_axe(page)

    # The customers who never signed in, with the boxes to invite them again.
    page.goto(f"{live_server.url}/office/customers/?portal=never_signed_in")
    assert page.get_by_role("button", name="Resend invitation…").is_visible()
    assert_no_serious_axe(page)
    assert horizontal_overflow(page) == 0
