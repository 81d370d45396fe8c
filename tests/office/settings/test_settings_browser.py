"""An owner's settings afternoon in real Chromium: changes the brand colour (and is warned
about a light one), switches the estimates section off (the customer no longer sees it),
rewords the invoice email and watches the preview, invites a colleague. Every settings and
staff page: axe-core finds nothing serious or critical, and nothing scrolls sideways at
1,280 and 768 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from doorstep.access.portal_sessions import portal_cookie_path, portal_session_create
from doorstep.tenancy.models import Company, Membership

from ...browser import chromium_available
from ...factories import staff_user
from ...portal.conftest import customer_with_one_of_each
from ..helpers import assert_no_serious_axe, horizontal_overflow, office_client, share_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]

SHOTS = Path(os.environ.get("DOORSTEP_SCREENSHOTS", "var/screenshots/settings"))
PAGES = [
    "/office/settings/",
    "/office/settings/portal/",
    "/office/settings/sign-in/",
    "/office/settings/payments/",
    "/office/settings/branding/",
    "/office/settings/notifications/",
    "/office/settings/messages/",
    "/office/settings/messages/invoice_sent/",
    "/office/settings/messages/invoice_sent/reset",
    "/office/settings/plan/",
    "/office/staff/",
]


WORDS = "Howdy {customer_name}! Invoice {invoice_number} is ready."


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_every_settings_page_passes_axe_without_sideways_scroll(page, live_server, company):
    owner = office_client(Client(), company, "owner", first_name="Olive", last_name="Owner")
    other = Membership.objects.get(user=staff_user(company, "office", email="sam@example.test"))
    share_session(page, owner, live_server.url)
    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 900})
        for path in [*PAGES, f"/office/staff/{other.pk}/remove"]:
            page.goto(live_server.url + path)
            assert page.get_by_role("heading", level=1).is_visible(), path
            assert_no_serious_axe(page)
            assert horizontal_overflow(page) == 0, (path, width)
    # The colleague's password page (signed out).
    page.context.clear_cookies()
    from doorstep.access.staff import staff_password_link

    invited = staff_user(company, "office", email="new@example.test")
    invited.set_unusable_password()
    invited.save()
    page.goto(staff_password_link(invited).replace("https://portal.example.test", live_server.url))
    assert page.get_by_role("heading", name="Choose your password").is_visible()
    assert page.locator("#id_new_password1").is_visible()
    assert_no_serious_axe(page)
    assert horizontal_overflow(page) == 0


def test_an_owners_settings_journey(page, live_server, company, mailbox):
    alice = customer_with_one_of_each(company, "Alice")
    owner = office_client(Client(), company, "owner", first_name="Olive", last_name="Owner")
    share_session(page, owner, live_server.url)
    page.set_viewport_size({"width": 1280, "height": 900})

    # 1. The brand colour: a light yellow is flagged as the picker moves, then saved.
    page.goto(f"{live_server.url}/office/settings/branding/")
    page.locator("#id_accent_color").fill("#ffe066")
    warning = page.locator("#contrast-warning")
    warning.get_by_text("hard to read").wait_for()
    assert "dark text" in warning.inner_text()
    shot(page, "branding-light-colour-warning")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: Brand colour.").wait_for()
    assert Company.objects.get(pk=company.pk).accent_color == "#ffe066"

    # 2. Estimates off: the customer's portal loses the section.
    page.goto(f"{live_server.url}/office/settings/")
    page.get_by_role("link", name="Portal", exact=True).first.click()
    page.get_by_role("checkbox", name="Estimates").uncheck()
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: Estimates (off).").wait_for()
    shot(page, "portal-sections")
    customer_page = page.context.browser.new_page(viewport={"width": 390, "height": 844})
    _, raw = portal_session_create(account=alice["account"], scope="full")
    customer_page.context.add_cookies(
        [
            {
                "name": settings.PORTAL_SESSION_COOKIE,
                "value": raw,
                "url": live_server.url + portal_cookie_path(company),
            }
        ]
    )
    customer_page.goto(f"{live_server.url}/p/{company.slug}/")
    nav = customer_page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Invoices").is_visible()
    assert nav.get_by_role("link", name="Estimates").count() == 0
    customer_page.goto(f"{live_server.url}/p/{company.slug}/estimates/")
    assert customer_page.get_by_role("heading", name="Estimates: not available").is_visible()
    shot(customer_page, "customer-estimates-not-available")
    customer_page.close()

    # 3. The invoice email in the company's words, previewed as it is typed.
    page.goto(f"{live_server.url}/office/settings/messages/")
    page.get_by_role("link", name="Invoice", exact=True).click()
    page.get_by_label("Email words").fill(WORDS)
    preview = page.locator("#wording-preview")
    preview.get_by_text("Howdy Pat! Invoice INV-0042 is ready.").wait_for()
    assert "View and pay:" in preview.inner_text()
    shot(page, "invoice-email-preview")
    page.get_by_label("Email words").fill("Howdy {customer.email}")
    preview.get_by_text("Unknown placeholder").wait_for()
    page.get_by_label("Email words").fill(WORDS)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved the words of “Invoice”.").wait_for()

    # 4. A colleague invited, by keyboard.
    page.goto(f"{live_server.url}/office/staff/")
    page.get_by_label("Email (required)").fill("dana@example.test")
    page.get_by_label("Name", exact=True).fill("Dana Lee")
    page.get_by_label("Role (required)").select_option("billing")
    page.get_by_label("Role (required)").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Invitation emailed to dana@example.test (Billing).").wait_for()
    shot(page, "staff-invited")
    assert "/office/staff/welcome/" in mailbox.text(mailbox.to("dana@example.test")[0])
