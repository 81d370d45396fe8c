"""portal.js in real Chromium: the show-password toggle and the "More" menu closing."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from doorstep.tenancy.models import SignInMode

from ..access.conftest import new_account
from ..factories import CompanyFactory
from ..office.helpers import axe_violations
from .story import build_story
from .test_screens import signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GOOD = "a long walk by the river"
IMPACTS = ("minor", "moderate", "serious", "critical")


def test_show_password_toggle_shows_hides_and_the_form_still_signs_in(page, live_server):
    company = CompanyFactory()
    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.save()
    account = new_account(company, password=make_password(GOOD), email_verified_at=timezone.now())
    page.goto(f"{live_server.url}/p/{company.slug}/sign-in")
    field = page.locator("input[name=password]")
    toggle = page.get_by_role("button", name="Show password")
    assert field.get_attribute("type") == "password"
    assert toggle.get_attribute("aria-pressed") == "false"
    assert axe_violations(page, impacts=IMPACTS) == []

    page.locator("input[name=email]").fill(account.email)
    field.fill(GOOD)
    toggle.focus()
    page.keyboard.press("Space")  # by keyboard
    assert field.get_attribute("type") == "text"
    assert toggle.get_attribute("aria-pressed") == "true"
    assert field.input_value() == GOOD
    page.keyboard.press("Enter")  # toggles again, never submits the form
    assert field.get_attribute("type") == "password"
    assert page.url.endswith("/sign-in")

    toggle.click()
    assert field.get_attribute("type") == "text"
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"**/p/{company.slug}/")  # signed in with the shown password


def test_more_menu_closes_on_escape_and_on_a_click_outside(chromium, live_server):
    story = build_story(history=0)
    context, base = signed_in_context(chromium, live_server, story, "phone")
    page = context.new_page()
    page.goto(base)
    menu = page.locator("details.nav-more")
    summary = menu.locator("summary")

    summary.focus()
    page.keyboard.press("Enter")
    assert menu.evaluate("m => m.open") is True
    page.keyboard.press("Escape")
    assert menu.evaluate("m => m.open") is False
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"

    summary.click()
    assert menu.evaluate("m => m.open") is True
    page.locator(".site-footer").click(position={"x": 2, "y": 2})
    assert menu.evaluate("m => m.open") is False

    summary.click()  # a click inside the menu leaves it open
    menu.locator(".nav-more-list").click(position={"x": 2, "y": 2})
    assert menu.evaluate("m => m.open") is True
    context.close()


def test_show_password_toggles_on_the_profile_change_password_form(page, live_server):
    """Both fields of "Change password" get their own toggle; the change still goes through
    with the new password shown."""
    from django.conf import settings

    from doorstep.access.portal_sessions import portal_session_create

    company = CompanyFactory()
    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.save()
    account = new_account(company, password=make_password(GOOD), email_verified_at=timezone.now())
    _, raw = portal_session_create(account=account)
    base = f"{live_server.url}/p/{company.slug}/"
    page.context.add_cookies([{"name": settings.PORTAL_SESSION_COOKIE, "value": raw, "url": base}])
    page.goto(base + "profile/")
    current, new = page.locator("#current-password"), page.locator("#new-password")
    toggles = page.get_by_role("button", name="Show password")
    assert toggles.count() == 2
    assert axe_violations(page, impacts=IMPACTS) == []
    current.fill(GOOD)
    new.fill("quite another river walk")
    toggles.nth(1).focus()
    page.keyboard.press("Space")
    assert new.get_attribute("type") == "text" and current.get_attribute("type") == "password"
    assert toggles.nth(1).get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/profile/")
    assert "Your password is changed" in page.content()
    account.refresh_from_db()
    from django.contrib.auth.hashers import check_password

    assert check_password("quite another river walk", account.password)
